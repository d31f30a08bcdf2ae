//! tally-import against the fixtures in `test_data/import/` (see its README for provenance).
#![allow(clippy::disallowed_methods)] // tests and benches read fixtures and time runs; purity binds the library

use std::path::PathBuf;

use tally_domain::{PartialDate, Precision, Status};
use tally_import::{parse_date, DateRole, DateValue, Item, Options, Reader, Severity};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test_data/import").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn items(bytes: &[u8]) -> (tally_import::Layout, Vec<Item>) {
    let r = Reader::new(bytes, &Options::default()).expect("a table");
    let layout = r.layout().clone();
    (layout, r.collect())
}

fn records(items: &[Item]) -> Vec<&tally_domain::Record> {
    items.iter().filter_map(|i| if let Item::Record(r) = i { Some(r) } else { None }).collect()
}

fn issues(items: &[Item]) -> Vec<&tally_import::Issue> {
    items.iter().filter_map(|i| if let Item::Issue(x) = i { Some(x) } else { None }).collect()
}

fn date(d: &Option<PartialDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Every row of the shared date_formats.csv: raw text -> ISO value and precision.
#[test]
fn every_date_format_row() {
    let bytes = read("date_formats.csv");
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let mut n = 0;
    for row in rdr.records() {
        let row = row.unwrap();
        let (raw, iso, precision, note) = (&row[0], &row[2], &row[3], &row[4]);
        n += 1;
        let got = parse_date(raw, DateRole::Death);
        match precision {
            "day" | "month" | "year" => {
                let Ok(DateValue::Date(d)) = got else { panic!("{raw:?}: {got:?} ({note})") };
                assert_eq!(d.to_string(), iso, "{raw:?} ({note})");
                assert_eq!(d.precision(), Precision::parse(precision).unwrap(), "{raw:?}");
            }
            // 'late May' is an interval inside the month: Tally keeps month precision (the
            // domain has no day ranges), which contains the interval and invents no day.
            "month-approx" => {
                let Ok(DateValue::Date(d)) = got else { panic!("{raw:?}: {got:?}") };
                assert_eq!((d.to_string().as_str(), d.precision()), (iso, Precision::Month), "{raw:?}");
                assert!(
                    d.contains(PartialDate::ymd(2023, 5, 15).unwrap())
                        && d.contains(PartialDate::ymd(2023, 5, 31).unwrap())
                );
            }
            "age" => {
                assert_eq!(got, Ok(DateValue::Age(25)), "{raw:?}");
                // Age at death only: with a death in 2023 the birth year is 1997 or 1998.
                assert_eq!(PartialDate::from_age(25, 2023).unwrap().to_string(), "~1997..1998");
            }
            "unknown" => assert_eq!(got, Ok(DateValue::Unknown), "{raw:?}"),
            "suspect" => assert!(matches!(got, Ok(DateValue::Suspect(_))), "{raw:?}: {got:?}"),
            other => panic!("date_formats.csv has a precision this test does not know: {other}"),
        }
    }
    assert_eq!(n, 18, "every row of date_formats.csv is checked");
    // The two-digit row's note: births pivot to 19xx.
    assert_eq!(parse_date("05.01.23", DateRole::Birth), Ok(DateValue::Date(PartialDate::ymd(1923, 1, 5).unwrap())));
    assert_eq!(parse_date("1996 р.н.", DateRole::Birth), Ok(DateValue::Date(PartialDate::year(1996))));
}

#[test]
fn windows_1251_with_russian_headers() {
    let (layout, it) = items(&read("ru_cp1251.csv"));
    assert_eq!(layout.encoding.as_deref(), Some("windows-1251"));
    assert_eq!(layout.delimiter, Some(b';'));
    let fields: Vec<&str> = layout.roles.iter().map(|r| r.map(|r| r.as_str()).unwrap_or("-")).collect();
    assert_eq!(
        fields,
        ["record_id", "surname", "given_name", "patronymic", "birth_date", "death_date", "region", "rank", "status"]
    );
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{it:?}");
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    let r = recs[0];
    assert_eq!((r.key.source_record_id.as_str(), r.line), ("101", 2));
    assert_eq!(r.fields.surname.as_deref(), Some("Иванов"));
    assert_eq!(r.fields.patronymic.as_deref(), Some("Петрович"));
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1991-04-12".into(), "2023-01-05".into()));
    assert_eq!(r.fields.status, Some(Status::Killed));
    let r = recs[1];
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1996".into(), "2023-05".into()));
    let r = recs[2];
    assert_eq!(r.fields.patronymic, None);
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1985-01-05".into(), "2023-01-05".into()));
    assert_eq!(r.fields.status, Some(Status::Missing));
    let r = recs[3];
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("".into(), "2023-05".into()));
    assert_eq!(r.fields.status, Some(Status::Prisoner));
    assert_eq!(r.fields.region, None);
    // The raw row is verbatim, empty cells included.
    assert_eq!(r.raw.len(), 9);
    assert_eq!(r.raw[6], ("Регион".to_string(), String::new()));
}

#[test]
fn jsonl_media_list() {
    let (layout, it) = items(&read("media.jsonl"));
    assert_eq!(layout.format, tally_import::Format::JsonLines);
    let recs = records(&it);
    let ids: Vec<&str> = recs.iter().map(|r| r.key.source_record_id.as_str()).collect();
    assert_eq!(ids, ["ual-1", "ual-2", "ual-3", "ual-5"]);
    let f = &recs[0].fields;
    assert_eq!((f.surname.as_deref(), f.given_name.as_deref()), (Some("Shevchenko"), Some("Oleksandr")));
    assert_eq!((date(&f.birth_date), date(&f.death_date)), ("1996-01-05".into(), "2023-09-12".into()));
    assert_eq!(f.status, Some(Status::Killed));
    let f = &recs[1].fields;
    assert_eq!((f.surname.as_deref(), f.patronymic.as_deref()), (Some("Kovalenko"), Some("Ivanovych")));
    assert_eq!(f.birth_date, None);
    let f = &recs[2].fields;
    assert_eq!(f.surname.as_deref(), Some("Бойко"));
    assert_eq!(date(&f.birth_date), "~1991..1992", "age 31 at a death in 2023");
    assert_eq!(recs[3].fields.surname.as_deref(), Some("Tkachenko"));
    let bad = issues(&it);
    assert_eq!(bad.len(), 1);
    assert_eq!((bad[0].line, bad[0].severity), (4, Severity::Reject));
    assert!(bad[0].reason.starts_with("not a JSON object"), "{}", bad[0].reason);
}

fn render(it: &[Item]) -> Vec<String> {
    it.iter()
        .map(|i| match i {
            Item::Record(r) => format!(
                "{} record {} {} b={} d={}",
                r.line,
                r.key.source_record_id,
                r.fields.surname.as_deref().unwrap_or(""),
                date(&r.fields.birth_date),
                date(&r.fields.death_date)
            ),
            Item::Issue(x) => {
                format!("{} {} {}: {}", x.line, x.severity.as_str(), x.field.as_deref().unwrap_or("-"), x.reason)
            }
        })
        .collect()
}

#[test]
fn broken_quoting_and_impossible_dates() {
    // By default a row with an impossible date stays a record with that date unknown, and a
    // warning names the cell; a row whose structure is broken is refused.
    let (_, it) = items(&read("broken.csv"));
    let want = [
        "2 record 1 Шевченко b=1996-01-05 d=",
        "2 warning death_date: \"31.02.2023\" is not a date that exists: day 31 does not exist in 2023-02; left unknown",
        "3 record 2 Коваленко b=1990 d=2023-03-12",
        "4 record 3 Бойко b= d=2023-03-12",
        "4 warning birth_date: \"01.01.1970\" left unknown: a placeholder date (01.01.1970 or 01.01.1900) used for unknown",
        "5 record 4 Мельник b= d=2023",
        "5 warning birth_date: \"13.13.1993\" is not a date that exists: month 13 is out of range 1..=12; left unknown",
        "6 record 5 Ткаченко b=~1998..1999 d=2024-06-01",
        // A stray quote joined lines 7 and 8; each is read again on its own, so neither is lost.
        "7 warning -: an unclosed quote joined lines 7-8; this line was read on its own, quotes taken literally",
        "7 record 6 Кравченко b=1988 d=2022",
        "8 warning -: an unclosed quote joined lines 7-8; this line was read on its own, quotes taken literally",
        "8 record 7 Олійник b=1991 d=2023",
    ];
    assert_eq!(render(&it), want);

    // With reject_bad_dates the rows with impossible dates are refused whole.
    let opts = Options { reject_bad_dates: true, ..Default::default() };
    let it: Vec<Item> = Reader::new(&read("broken.csv"), &opts).unwrap().collect();
    let want = [
        "2 reject death_date: \"31.02.2023\" is not a date that exists: day 31 does not exist in 2023-02",
        "3 record 2 Коваленко b=1990 d=2023-03-12",
        "4 record 3 Бойко b= d=2023-03-12",
        "4 warning birth_date: \"01.01.1970\" left unknown: a placeholder date (01.01.1970 or 01.01.1900) used for unknown",
        "5 reject birth_date: \"13.13.1993\" is not a date that exists: month 13 is out of range 1..=12",
        "6 record 5 Ткаченко b=~1998..1999 d=2024-06-01",
        "7 warning -: an unclosed quote joined lines 7-8; this line was read on its own, quotes taken literally",
        "7 record 6 Кравченко b=1988 d=2022",
        "8 warning -: an unclosed quote joined lines 7-8; this line was read on its own, quotes taken literally",
        "8 record 7 Олійник b=1991 d=2023",
    ];
    assert_eq!(render(&it), want);

    // When no joined line has the table's width, the joined row is refused whole, cells kept.
    let text = "Прізвище,Ім'я,Дата народження\n\"Бойко,Іван\nx\n";
    let (_, it) = items(text.as_bytes());
    let last = issues(&it).pop().unwrap();
    assert_eq!(last.severity, Severity::Reject);
    assert!(last.reason.contains("an unclosed quote may have joined them"), "{}", last.reason);
}

/// The XLSX fixture, described once: `TALLY_WRITE_FIXTURES=1` writes it to test_data/import.
fn build_uk_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Загиблі").unwrap();
    ws.write_string(0, 0, "Список загиблих військовослужбовців (тестові дані)").unwrap();
    let headers = [
        "№",
        "Прізвище",
        "Ім’я",
        "По батькові",
        "Дата народження",
        "Дата смерті",
        "Область",
        "Населений пункт",
        "Військова частина",
        "Звання",
        "Статус",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let rows: [[&str; 11]; 3] = [
        [
            "1",
            "Шевченко",
            "Олександр",
            "Сергійович",
            "05.01.1996",
            "",
            "Київська",
            "Бровари",
            "А1234",
            "солдат",
            "загинув",
        ],
        [
            "2",
            "Коваленко",
            "Петро",
            "Іванович",
            "1990 р.н.",
            "5 січня 2023 р.",
            "Львівська",
            "Стрий",
            "А0001",
            "сержант",
            "зник безвісти",
        ],
        ["3", "Мельник", "Олена", "Петрівна", "00.05.1985", "січень 2024", "", "", "", "", "в полоні"],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        ws.write_number(r, 0, row[0].parse::<f64>().unwrap()).unwrap();
        for (c, v) in row.iter().enumerate().skip(1) {
            if !v.is_empty() {
                ws.write_string(r, c as u16, *v).unwrap();
            }
        }
    }
    // A real Excel date cell: calamine reports it as a date, which must read as 2023-03-12.
    let fmt = Format::new().set_num_format("dd.mm.yyyy");
    ws.write_datetime_with_format(2, 5, ExcelDateTime::from_ymd(2023, 3, 12).unwrap(), &fmt).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_ukrainian_headers() {
    let generated = build_uk_xlsx();
    if std::env::var_os("TALLY_WRITE_FIXTURES").is_some() {
        std::fs::write(fixture("uk_list.xlsx"), &generated).unwrap();
    }
    let (layout, from_file) = items(&read("uk_list.xlsx"));
    let (_, from_gen) = items(&generated);
    assert_eq!(from_file, from_gen, "the committed uk_list.xlsx matches its generator");
    assert_eq!(layout.format, tally_import::Format::Spreadsheet);
    assert_eq!(layout.sheet.as_deref(), Some("Загиблі"));
    assert_eq!(layout.header_line, 2, "the title row above the header is skipped");
    assert_eq!(layout.roles.iter().filter(|r| r.is_some()).count(), 11, "every header recognised: {layout:?}");
    let recs = records(&from_file);
    assert_eq!(recs.len(), 3);
    assert!(issues(&from_file).is_empty());
    let r = recs[0];
    assert_eq!((r.key.source_record_id.as_str(), r.line), ("1", 3), "an id cell stored as a number reads 1, not 1.0");
    assert_eq!(r.fields.given_name.as_deref(), Some("Олександр"));
    assert_eq!(r.fields.settlement.as_deref(), Some("Бровари"));
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1996-01-05".into(), "2023-03-12".into()));
    let r = recs[1];
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1990".into(), "2023-01-05".into()));
    assert_eq!(r.fields.status, Some(Status::Missing));
    let r = recs[2];
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1985-05".into(), "2024-01".into()));
    assert_eq!(r.fields.birth_date.unwrap().precision(), Precision::Month);
    assert_eq!(r.fields.status, Some(Status::Prisoner));
}

#[test]
fn files_that_are_not_tables() {
    use tally_import::ImportError as E;
    let err = |name: &str| Reader::new(&read(name), &Options::default()).err();
    assert_eq!(err("empty.csv"), Some(E::Empty));
    // Files lists arrive as that hold no table say what they are, not how their bytes fail to
    // parse as text (an RTF file used to be "not a JSON object").
    assert!(matches!(err("binary.png"), Some(E::NotAList { what: "an image", .. })), "{:?}", err("binary.png"));
    let what = |b: &[u8]| match Reader::new(b, &Options::default()).err() {
        Some(E::NotAList { what, .. }) => what,
        other => panic!("{other:?}"),
    };
    // A PDF is read (below); one cut short is a damaged document, and a scan has no text.
    let cut = Reader::new(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", &Options::default()).err();
    assert!(matches!(cut, Some(E::Document(ref m)) if m.starts_with("not a readable PDF")), "{cut:?}");
    assert_eq!(what(&read("scanned.pdf")), "a PDF with no text (a scan)");
    assert_eq!(what(b"{\\rtf1\\ansi\\ansicpg1251 1. Kovalenko Petro\\par}"), "an RTF document");
    // Binary bytes that are no known kind of file are still refused as binary.
    assert!(matches!(Reader::new(b"\x01\x02\0\0data", &Options::default()).err(), Some(E::Binary { .. })));
    // Windows-1251 bytes declared as UTF-8: refused, naming the offset ("№" is byte 0xB9).
    let opts = Options { encoding: Some("utf-8".into()), ..Default::default() };
    assert!(matches!(Reader::new(&read("ru_cp1251.csv"), &opts).err(), Some(E::Undecodable { offset: 0, .. })));
}

#[test]
fn explicit_mapping_and_name_order() {
    let text = "Code;Person;Born\nX1;Петро Коваленко;1990\n";
    let opts = Options {
        mapping: tally_import::Mapping::parse_file("record_id=Code\nfull_name = Person\nbirth_date=Born\n").unwrap(),
        name_order: tally_import::NameOrder::GivenFirst,
        ..Default::default()
    };
    let r = Reader::new(text.as_bytes(), &opts).unwrap();
    let it: Vec<Item> = r.collect();
    let recs = records(&it);
    assert_eq!(recs[0].key.source_record_id, "X1");
    assert_eq!(recs[0].fields.surname.as_deref(), Some("Коваленко"));
    assert_eq!(date(&recs[0].fields.birth_date), "1990");
}

mod props {
    use proptest::prelude::*;
    use tally_domain::PartialDate;
    use tally_import::{parse_date, DateRole, DateValue, Item, Options, Reader};

    const UK_GENITIVE: [&str; 12] = [
        "січня",
        "лютого",
        "березня",
        "квітня",
        "травня",
        "червня",
        "липня",
        "серпня",
        "вересня",
        "жовтня",
        "листопада",
        "грудня",
    ];
    const RU_GENITIVE: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const EN: [&str; 12] =
        ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

    proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), ..proptest::prelude::ProptestConfig::default() })]
        /// Every real day, written in each shape lists use, reads back as exactly that day.
        #[test]
        fn every_shape_of_a_day_reads_back(y in 1900i32..2030, m in 1u8..=12, d in 1u8..=31) {
            prop_assume!(PartialDate::ymd(y, m, d).is_ok());
            // 01.01.1970 and 01.01.1900 are placeholders, read as unknown (date_formats.csv).
            prop_assume!(!((m, d) == (1, 1) && (y == 1970 || y == 1900)));
            let want = Ok(DateValue::Date(PartialDate::ymd(y, m, d).unwrap()));
            let i = usize::from(m - 1);
            for s in [
                format!("{d:02}.{m:02}.{y}"),
                format!("{d}.{m}.{y}"),
                format!("{y}-{m:02}-{d:02}"),
                format!("{d} {} {y} р.", UK_GENITIVE[i]),
                format!("{d} {} {y} г.", RU_GENITIVE[i]),
                format!("{} {d}, {y}", EN[i]),
            ] {
                prop_assert_eq!(parse_date(&s, DateRole::Death), want.clone(), "{}", s);
            }
        }

        /// A day that does not exist is refused, never moved to a neighbouring day.
        #[test]
        fn impossible_days_are_refused(y in 1900i32..2030, m in 1u8..=12, d in 29u8..=35) {
            prop_assume!(PartialDate::ymd(y, m, d).is_err());
            let got = parse_date(&format!("{d:02}.{m:02}.{y}"), DateRole::Death);
            prop_assert!(got.is_err(), "{:?}", got);
        }


        /// Whatever the cells hold, every data row comes out as a record or a reject, and every
        /// cell's text survives verbatim in the raw pairs.
        #[test]
        fn no_row_is_lost(cells in proptest::collection::vec(("[А-Яа-яA-Za-z0-9 .,\"?-]{0,12}", "[0-9.?-]{0,11}"), 1..30)) {
            let mut w = csv::Writer::from_writer(vec![]);
            w.write_record(["ПІБ", "Дата народження"]).unwrap();
            let mut kept = 0;
            for (n, d) in &cells {
                if n.trim().is_empty() && d.trim().is_empty() { continue; }
                w.write_record([n, d]).unwrap();
                kept += 1;
            }
            let bytes = w.into_inner().unwrap();
            let items: Vec<Item> = Reader::new(&bytes, &Options::default()).unwrap().collect();
            let rows = items.iter().filter(|i| match i {
                Item::Record(_) => true,
                Item::Issue(x) => x.severity == tally_import::Severity::Reject,
            }).count();
            prop_assert_eq!(rows, kept);
            for i in &items {
                let raw = match i { Item::Record(r) => &r.raw, Item::Issue(x) => &x.raw };
                prop_assert_eq!(raw.len(), 2);
            }
        }
    }
}

fn name_parts(r: &tally_domain::Record) -> (Option<&str>, Option<&str>, Option<&str>) {
    let f = &r.fields;
    (f.surname.as_deref(), f.given_name.as_deref(), f.patronymic.as_deref())
}

/// A list with a surname column and a plain "name" column: "name" is the given name there, and
/// a whole-name column beside the surname fills what the surname column leaves empty.
#[test]
fn name_beside_surname_columns() {
    let (layout, it) = items(&read("name_columns.csv"));
    let at = layout.headers.iter().position(|h| h == "name").expect("name column");
    assert_eq!(layout.roles[at].map(|r| r.as_str()), Some("given_name"));
    let recs = records(&it);
    let parts = |i: usize| name_parts(recs[i]);
    assert_eq!(parts(0), (Some("Шевченко"), Some("Олександр"), Some("Петрович")));
    // A given-name cell that holds the patronymic too, with the patronymic column empty: split.
    assert_eq!(parts(1), (Some("Коваленко"), Some("Іван"), Some("Миколайович")));
    assert_eq!(parts(2), (Some("Бондаренко"), None, None));

    let (_, it) = items(&read("name_and_full_name.csv"));
    let recs = records(&it);
    let parts = |i: usize| name_parts(recs[i]);
    assert_eq!(parts(0), (Some("Шевченко"), Some("Олександр"), Some("Петрович")));
    assert_eq!(parts(1), (Some("Коваленко"), Some("Іван"), None));
    assert_eq!(parts(2), (Some("Мельник"), Some("Юрій"), Some("Васильович")));
    // The whole name names another surname: the columns win, and the row says so.
    assert_eq!(parts(3), (Some("Ткаченко"), None, None));
    let warned: Vec<_> = issues(&it).into_iter().filter(|x| x.severity == Severity::Warning).collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!((warned[0].line, warned[0].field.as_deref()), (5, Some("full_name")));
    assert!(warned[0].reason.contains("Бойко Сергій Іванович"), "{}", warned[0].reason);
    assert_eq!(recs.len(), 4, "a warning keeps the record");
}

/// Placeholders for "no value" are empty in every column: "н/д" in a rank column is no rank (it
/// would disagree with every real one), and a row whose names are all placeholders has no name.
#[test]
fn placeholders_are_no_value() {
    let (_, it) = items(&read("placeholders.csv"));
    let recs = records(&it);
    assert_eq!(recs.len(), 2);
    let f = &recs[1].fields;
    assert_eq!((f.region.as_deref(), f.rank.as_deref(), f.sex, f.status), (None, None, None, None));
    assert_eq!((f.birth_date, f.death_date), (None, None));
    assert_eq!((recs[0].fields.region.as_deref(), recs[0].fields.rank.as_deref()), (Some("Донецька"), Some("солдат")));
    let bad = issues(&it);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!((bad[0].line, bad[0].severity, bad[0].field.as_deref()), (4, Severity::Reject, Some("full_name")));
}

/// A workbook that opens with a cover sheet: without `--sheet`, the list is read from the first
/// sheet with a name column, and the layout says which.
#[test]
fn a_cover_sheet_before_the_list_is_passed_over() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet();
    cover.set_name("Титул").unwrap();
    cover.write_string(0, 0, "Звіт").unwrap();
    cover.write_string(1, 0, "Підготовлено громадською організацією").unwrap();
    let list = wb.add_worksheet();
    list.set_name("Список").unwrap();
    for (c, h) in ["Прізвище", "Ім'я", "Рік народження"].iter().enumerate() {
        list.write_string(0, c as u16, *h).unwrap();
    }
    list.write_string(1, 0, "Мельник").unwrap();
    list.write_string(1, 1, "Юрій").unwrap();
    list.write_number(1, 2, 1970).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let (layout, it) = items(&bytes);
    assert_eq!(layout.sheet.as_deref(), Some("Список"));
    let recs = records(&it);
    assert_eq!(recs.len(), 1);
    assert_eq!(name_parts(recs[0]), (Some("Мельник"), Some("Юрій"), None));
    // Asked for by name, the cover is read as it is (and has no name column).
    let opts = Options { sheet: Some("Титул".into()), ..Options::default() };
    assert!(Reader::new(&bytes, &opts).is_err());
}

/// A US list writes the month first. 12/31/1999 can only be read so, and no date of the file
/// can only be read day first: by default the file is read month first and says why. Told to
/// read day first, that date is no date and the warning says how to read the list; told month
/// first, every date reads.
#[test]
fn us_dates_month_first_when_said_or_seen() {
    let (layout, it) = items(&read("us_dates.csv"));
    assert_eq!(layout.date_order, tally_import::DateOrder::MonthFirst);
    assert_eq!(layout.month_first_because.as_deref(), Some("12/31/1999"));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(date(&records(&it)[0].fields.death_date), "2023-03-04");

    let dmy = Options { date_order: tally_import::DateOrder::DayFirst, ..Options::default() };
    let it: Vec<Item> = Reader::new(&read("us_dates.csv"), &dmy).unwrap().collect();
    let warned = issues(&it);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].reason.contains("date order mdy"), "{}", warned[0].reason);
    assert_eq!(date(&records(&it)[0].fields.death_date), "2023-04-03", "day first when told");

    let opts = Options { date_order: tally_import::DateOrder::MonthFirst, ..Options::default() };
    let reader = Reader::new(&read("us_dates.csv"), &opts).unwrap();
    assert_eq!(reader.layout().month_first_because, None, "told, not seen");
    let it: Vec<Item> = reader.collect();
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    let recs = records(&it);
    assert_eq!(
        (date(&recs[0].fields.birth_date), date(&recs[0].fields.death_date)),
        ("1999-12-31".into(), "2023-03-04".into())
    );
    assert_eq!(date(&recs[1].fields.birth_date), "1990-01-05");

    // A day-first list with slashes has a day past the 12th somewhere: one date that could only
    // be month first (a typo) does not turn the file around.
    let csv = "ПІБ,Дата народження\nКоваленко Петро,05/13/1990\nБондар Іван,25/01/1985\nТкач Олег,03/04/1991\n";
    let (layout, it) = items(csv.as_bytes());
    assert_eq!((layout.date_order, layout.month_first_because), (tally_import::DateOrder::DayFirst, None));
    assert_eq!(date(&records(&it)[2].fields.birth_date), "1991-04-03");
}

/// Lists without a birth date column write the year of birth into the name cell: it is read as
/// the birth date (the birth column wins where there is one), a life span gives the date of
/// death too, and the name keeps only the name. Digits that are no date stay where they are.
#[test]
fn dates_written_into_the_name_cell() {
    let (layout, it) = items(&read("dates_in_names.csv"));
    assert!(layout.roles.contains(&Some(tally_import::Role::Field(tally_domain::Field::Settlement))));
    let recs = records(&it);
    assert_eq!(recs.len(), 7);
    let row = |i: usize| {
        let f = &recs[i].fields;
        (
            f.surname.clone().unwrap_or_default(),
            f.given_name.clone().unwrap_or_default(),
            f.patronymic.clone().unwrap_or_default(),
            date(&f.birth_date),
            date(&f.death_date),
        )
    };
    let r = |s: &str, g: &str, p: &str, b: &str, d: &str| (s.into(), g.into(), p.into(), b.into(), d.into());
    assert_eq!(row(0), r("Коваленко", "Петро", "Іванович", "1995", ""));
    assert_eq!(recs[0].fields.settlement.as_deref(), Some("с. Вільшанка, Черкаська обл."));
    assert_eq!(row(1), r("Иванов", "Иван", "Иванович", "1990", ""));
    assert_eq!(row(2), r("Ткаченко", "Іван", "Петрович", "1979-05-05", ""));
    assert_eq!(row(3), r("Шевченко", "Олена", "Миколаївна", "1988", "2024"));
    // The birth date column wins over the name cell; the raw row keeps both.
    assert_eq!(row(4), r("Бондаренко", "Андрій", "Сергійович", "1991-11-23", ""));
    assert!(recs[4].raw.iter().any(|(_, v)| v.contains("1990 р.н.")));
    // A unit number and a cell with more than a date after the name are not read as dates.
    assert_eq!(row(5).3, "");
    assert!(row(5).1.contains("1234"), "{:?}", row(5));
    assert_eq!(row(6).3, "");
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
}

/// «Ім'я, по батькові» in one column is the given name and the patronymic; a JSON export that
/// nests a person's fields in objects is read by their own keys.
#[test]
fn given_name_with_patronymic_and_nested_json() {
    let (layout, it) = items(
        "Прізвище;Ім'я, по батькові;Дата народження\nКоваленко;Петро Іванович;12.03.1995\nШевченко;Олена;1988\n"
            .as_bytes(),
    );
    assert_eq!(layout.roles[1].map(|r| r.as_str()), Some("given_name"));
    let recs = records(&it);
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(name_parts(recs[1]), (Some("Шевченко"), Some("Олена"), None));

    let jsonl = r#"{"id": 1, "person": {"last_name": "Коваленко", "first_name": "Петро", "middle_name": "Іванович"}, "born": "1995-03-12", "location": {"region": "Черкаська", "city": "Вільшанка"}}
{"id": 2, "person": {"last_name": "Шевченко", "first_name": "Олена"}, "born": "1988", "tags": ["volunteer"]}
"#;
    let (_, it) = items(jsonl.as_bytes());
    let recs = records(&it);
    assert_eq!(recs.len(), 2, "{:?}", issues(&it));
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(
        (recs[0].fields.region.as_deref(), recs[0].fields.settlement.as_deref()),
        (Some("Черкаська"), Some("Вільшанка"))
    );
    assert_eq!(name_parts(recs[1]), (Some("Шевченко"), Some("Олена"), None));
    assert_eq!(date(&recs[1].fields.birth_date), "1988");
    // The raw row keeps every member, nested ones by their dotted key.
    assert!(recs[0].raw.iter().any(|(k, v)| k == "person.middle_name" && v == "Іванович"), "{:?}", recs[0].raw);
}

/// An English press list: the age after the name ("Petro Kovalenko, 28") gives the birth years
/// with the date of death, written with an ordinal day.
#[test]
fn press_style_age_in_the_name() {
    let csv = "Name,Date of death\n\"Petro Kovalenko, 28\",\"August 30th, 2022\"\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(name_parts(recs[0]), (Some("Kovalenko"), Some("Petro"), None));
    assert_eq!(date(&recs[0].fields.death_date), "2022-08-30");
    let birth = recs[0].fields.birth_date.expect("birth years from the age");
    assert_eq!(birth.year_span(), (1993, 1994));
}

/// A header of two rows, as spreadsheets with merged cells export it: «Дата» over «народження»
/// and «смерті». The second row names the columns and is no data row.
#[test]
fn a_header_of_two_rows() {
    let csv = "№;ПІБ;Дата;;Місце\n;;народження;смерті;\n1;Коваленко Петро Іванович;12.03.1995;14.05.2023;Вільшанка\n2;Шевченко Олена;01.07.1988;02.02.2024;Київ\n";
    let (layout, it) = items(csv.as_bytes());
    assert_eq!(layout.headers[2], "Дата народження");
    assert_eq!(layout.headers[3], "Дата смерті");
    let recs = records(&it);
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(recs.len(), 2);
    assert_eq!(
        (date(&recs[0].fields.birth_date), date(&recs[0].fields.death_date)),
        ("1995-03-12".into(), "2023-05-14".into())
    );
    assert_eq!(recs[0].line, 3);
    assert_eq!(recs[1].fields.settlement.as_deref(), Some("Київ"));
    // A totals row at the foot is a reject that says what it is.
    let (_, it) = items(format!("{csv};Всього: 2 особи;;;\n").as_bytes());
    assert_eq!(records(&it).len(), 2);
    let bad = issues(&it);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].reason.starts_with("a totals row"), "{}", bad[0].reason);
    // A first data row is not taken for a second header row.
    let (layout, it) = items("ПІБ;Примітка\nКоваленко Петро;загинув\n".as_bytes());
    assert_eq!(layout.headers[1], "Примітка");
    assert_eq!(records(&it).len(), 1);
}

/// A list as a post or a document gives it, one numbered person a line, with a title above: read
/// as a list (number, name, birth date, place, note); the title is kept as a reject.
#[test]
fn a_numbered_list_of_people() {
    let text = "Вічна пам'ять героям! Сьогодні повернули тіла:\n\
        1. Коваленко Петро Іванович, 1995 р.н., с. Вільшанка, Черкаська обл.\n\
        2. Шевченко Олена Миколаївна, 12.03.1988, м. Київ, 47 ОМБр\n\
        3) Бондаренко Андрій Сергійович (позивний Грім)\n\
        4. Petro Kovalenko, b. 1996, Kyiv region\n";
    let (layout, it) = items(text.as_bytes());
    assert_eq!(layout.list, Some(tally_import::ListKind::Numbered));
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    let f = |i: usize| &recs[i].fields;
    assert_eq!(recs[0].key.source_record_id, "1");
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(date(&f(0).birth_date), "1995");
    assert_eq!(f(0).settlement.as_deref(), Some("с. Вільшанка, Черкаська обл."));
    assert_eq!(date(&f(1).birth_date), "1988-03-12");
    assert_eq!(f(1).settlement.as_deref(), Some("м. Київ"));
    assert!(recs[1].raw.iter().any(|(k, v)| k == "Примітка" && v == "47 ОМБр"), "{:?}", recs[1].raw);
    assert_eq!(name_parts(recs[2]), (Some("Бондаренко"), Some("Андрій"), Some("Сергійович")));
    assert_eq!(name_parts(recs[3]), (Some("Kovalenko"), Some("Petro"), None));
    assert_eq!(date(&f(3).birth_date), "1996");
    let bad = issues(&it);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!((bad[0].line, bad[0].severity), (1, Severity::Reject));
    // A table whose first column happens to hold numbers is still a table.
    let (layout, _) = items("№;ПІБ\n1;Коваленко Петро\n2;Шевченко Олена\n3;Бондаренко Андрій\n".as_bytes());
    assert_eq!(layout.list, None);
}

/// A list of names with no numbers and no header, one person a line, as a note or a message
/// gives it: read as a list, each record filed under its line; a title line is kept as a reject.
#[test]
fn a_plain_list_of_names() {
    let text = "Список загиблих\n\
        Коваленко Петро Іванович\n\
        ТКАЧЕНКО Іван Петрович, 1988 р.н., м. Житомир\n\
        Мар’яненко Ольга Вʼячеславівна (1990 р.н.)\n\
        Мельник А. О.\n\
        \n\
        Petro Kovalenko, Kyiv region\n";
    let (layout, it) = items(text.as_bytes());
    assert_eq!(layout.list, Some(tally_import::ListKind::Plain));
    let recs = records(&it);
    assert_eq!(recs.len(), 5, "{:?}", issues(&it));
    assert_eq!(recs[0].key.source_record_id, "2");
    assert_eq!(recs[4].key.source_record_id, "7");
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(name_parts(recs[1]).0, Some("ТКАЧЕНКО"));
    assert_eq!(date(&recs[1].fields.birth_date), "1988");
    assert_eq!(recs[1].fields.settlement.as_deref(), Some("м. Житомир"));
    assert_eq!(name_parts(recs[2]), (Some("Мар’яненко"), Some("Ольга"), Some("Вʼячеславівна")));
    assert_eq!(date(&recs[2].fields.birth_date), "1990");
    assert_eq!(name_parts(recs[4]), (Some("Kovalenko"), Some("Petro"), None));
    let bad = issues(&it);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!((bad[0].line, bad[0].severity), (1, Severity::Reject));
    assert!(bad[0].reason.contains("not a name of the list"), "{}", bad[0].reason);
    // Sentences are no list of names, nor is a headerless table of several columns.
    for text in [
        "Сьогодні повернули тіла.\nВічна пам'ять героям.\nСлава Україні.\nДякуємо всім.\n",
        "Коваленко,Петро,Іванович,1995\nТкаченко,Іван,Петрович,1988\nМельник,Андрій,Олегович,1990\n",
    ] {
        assert!(tally_import::Reader::new(text.as_bytes(), &Default::default()).is_err(), "{text}");
    }
}

/// Years of life after the name in a list line («12.05.1990 — 01.06.2023», «1985–2024») give the
/// dates of birth and death; a birth year alone stays a birth date.
#[test]
fn years_of_life_in_a_list_line() {
    let text = "1. Коваленко Петро Іванович, 12.05.1990 — 01.06.2023, Харківська обл.\n\
        2. Бондар Іван Петрович, 1985–2024, м. Суми\n3. Ткач Олег Васильович, 1979 р.н.\n";
    let (layout, it) = items(text.as_bytes());
    assert_eq!(layout.list, Some(tally_import::ListKind::Numbered));
    let recs = records(&it);
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    let dates = |r: &tally_domain::Record| (date(&r.fields.birth_date), date(&r.fields.death_date));
    assert_eq!(dates(recs[0]), ("1990-05-12".into(), "2023-06-01".into()));
    assert_eq!(dates(recs[1]), ("1985".into(), "2024".into()));
    assert_eq!(dates(recs[2]), ("1979".into(), String::new()));
    assert_eq!(recs[0].fields.settlement.as_deref(), Some("Харківська обл."));
}

/// A saved web page: its table with a name column is read (not the layout table before it, not
/// the table a script writes), unclosed cells and rows close themselves, the header of two rows
/// under a `colspan` cell names the date columns, and each row is numbered by its line.
#[test]
fn a_web_page_with_a_table() {
    let (layout, it) = items(&read("memorial_page.html"));
    assert_eq!(layout.format, tally_import::Format::Html);
    assert_eq!(layout.page_part.as_deref(), Some("table 2 of 2"));
    assert_eq!(layout.header_line, 9);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert_eq!(recs[0].key.source_record_id, "1");
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(date(&recs[0].fields.birth_date), "1995-03-12");
    assert_eq!(date(&recs[0].fields.death_date), "2023-06-01");
    assert_eq!(name_parts(recs[1]), (Some("Ткаченко"), Some("Іван"), Some("Петрович")));
    assert_eq!(date(&recs[2].fields.death_date), "");
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    // The same page forced to be read as CSV is no table with a name column.
    let opts = tally_import::Options { format: Some(tally_import::Format::Delimited), ..Default::default() };
    assert!(tally_import::Reader::new(&read("memorial_page.html"), &opts).is_err());
}

/// A news page whose list of people is an HTML list under a heading and a paragraph: the items
/// are the rows, filed under their lines (a `<head>` left unclosed, as HTML allows, hides
/// nothing); a page with neither a table nor a list says so.
#[test]
fn a_web_page_with_a_list() {
    let page = "<html><head><title>Новини громади</title><body><article><h1>Повернули тіла загиблих</h1>\n\
        <p>Сьогодні в громаду повернули тіла таких захисників:</p>\n\
        <ol>\n<li>Коваленко Петро Іванович, 1995 р.н., с. Вільшанка</li>\n\
        <li>Ткаченко Іван Петрович, 1988 р.н.\n<li>Мельник Андрій Олегович</li>\n\
        <li>Бойко Олег Васильович, м. Київ</li>\n</ol></article></body></html>\n";
    let (layout, it) = items(page.as_bytes());
    assert_eq!(layout.format, tally_import::Format::Html);
    assert_eq!(layout.list, Some(tally_import::ListKind::Plain));
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    assert_eq!(recs[0].key.source_record_id, "4");
    assert_eq!(recs[2].key.source_record_id, "6");
    assert_eq!(name_parts(recs[1]), (Some("Ткаченко"), Some("Іван"), Some("Петрович")));
    assert_eq!(date(&recs[1].fields.birth_date), "1988");
    assert_eq!(recs[3].fields.settlement.as_deref(), Some("м. Київ"));
    let prose = "<html><body><p>Сьогодні повернули тіла.</p><p>Вічна пам'ять.</p></body></html>";
    assert!(tally_import::Reader::new(prose.as_bytes(), &Default::default()).is_err());
}

/// A memorial site's page whose people are cards (name, years of life, place, one block each):
/// each card is one record, its lines read as a list line; the navigation list, the heading,
/// the paragraph and the footer are not people.
#[test]
fn a_web_page_with_cards() {
    let (layout, it) = items(&read("memorial_cards.html"));
    assert_eq!(layout.page_part.as_deref(), Some("its cards, one person each, their lines joined"));
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    let dates = |r: &tally_domain::Record| (date(&r.fields.birth_date), date(&r.fields.death_date));
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(dates(recs[0]), ("1990-05-12".into(), "2023-06-01".into()));
    assert_eq!(recs[0].fields.settlement.as_deref(), Some("с. Вільшанка, Харківська обл."));
    assert_eq!(dates(recs[1]), ("1985".into(), "2024".into()));
    assert_eq!(recs[2].fields.settlement.as_deref(), Some("м. Суми"));
    assert_eq!(name_parts(recs[3]), (Some("Мар’яненко"), Some("Ольга"), Some("В’ячеславівна")));
    // Filed under the line each card's text starts on.
    assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), [10, 16, 20, 25]);
}

/// An XML register: its repeated record element is the row, its field elements the columns
/// (recognised as headers are), each record filed under its id and its line; the header element
/// above the records is not one.
#[test]
fn an_xml_register() {
    let (layout, it) = items(&read("register.xml"));
    assert_eq!(layout.format, tally_import::Format::Xml);
    assert_eq!(layout.headers, ["ID", "ПІБ", "ДАТА_НАРОДЖЕННЯ", "ОБЛАСТЬ"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.as_str()).collect::<Vec<_>>(), ["101", "102", "103"]);
    assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), [7, 13, 19]);
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(date(&recs[0].fields.birth_date), "1990-05-12");
    assert_eq!(recs[1].fields.region, None);
    assert_eq!(name_parts(recs[2]), (Some("Ткач"), Some("Олег"), None));
    let is = issues(&it);
    assert_eq!(is.len(), 1, "{is:?}");
    assert_eq!((is[0].line, is[0].field.as_deref()), (19, Some("birth_date")));
    // Broken XML is refused as such, not read as a table of text; so is XML with no records.
    let err = |b: &[u8]| Reader::new(b, &Options::default()).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err(b"<?xml version=\"1.0\"?>\n<a><b x=\"1>2</b></a>").contains("attribute value not closed"));
    assert_eq!(
        err(b"<?xml version=\"1.0\"?><a><b>1</b></a>"),
        "not readable XML: no records: no element repeats with two or more fields in it"
    );
}

/// Profile cards whose lines are labelled («Дата народження: 12.05.1990») read their labels as
/// columns: the dates, the place of birth and the rank land in their fields, wherever each
/// card puts them and whichever it leaves out.
#[test]
fn a_web_page_with_labelled_cards() {
    let page = "<html><body><h1>Загиблі</h1>\n\
        <div class=\"person\"><h3>Коваленко Петро Іванович</h3><p>Дата народження: 12.05.1990</p><p>Дата загибелі: 01.06.2023</p><p>Місце народження: с. Вільшанка, Харківська обл.</p></div>\n\
        <div class=\"person\"><h3>Бондар Іван Петрович</h3><p>Дата загибелі: 2024</p><p>Дата народження: 1985</p><p>Нагороджений орденом</p></div>\n\
        <div class=\"person\"><h3>Ткач Олег Васильович</h3><p>Звання: солдат</p><p>Дата народження: 03.11.1979</p></div>\n\
        </body></html>";
    let (layout, it) = items(page.as_bytes());
    assert_eq!(layout.page_part.as_deref(), Some("its cards, one person each, their labelled lines as columns"));
    assert_eq!(layout.headers, ["ПІБ", "Дата народження", "Дата загибелі", "Місце народження", "Звання", "Примітка"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    let dates = |r: &tally_domain::Record| (date(&r.fields.birth_date), date(&r.fields.death_date));
    assert_eq!(dates(recs[0]), ("1990-05-12".into(), "2023-06-01".into()));
    assert_eq!(recs[0].fields.settlement.as_deref(), Some("с. Вільшанка, Харківська обл."));
    assert_eq!(dates(recs[1]), ("1985".into(), "2024".into()));
    assert!(recs[1].raw.iter().any(|(h, v)| h == "Примітка" && v == "Нагороджений орденом"), "{:?}", recs[1].raw);
    assert_eq!(recs[2].fields.rank.as_deref(), Some("солдат"));

    // Cards that label the name too.
    let card =
        |name: &str, born: &str| format!("<div class=\"p\"><p>ПІБ: {name}</p><p>Рік народження: {born}</p></div>\n");
    let page =
        [card("Коваленко Петро Іванович", "1990"), card("Бондар Іван", "1985"), card("Ткач Олег", "1979")].concat();
    let (layout, it) = items(format!("<html><body>{page}</body></html>").as_bytes());
    assert_eq!(layout.headers, ["ПІБ", "Рік народження", "Примітка"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert_eq!(name_parts(recs[1]), (Some("Бондар"), Some("Іван"), None));
    assert_eq!(date(&recs[2].fields.birth_date), "1979");
}

/// Excel's way of keeping a text's leading zeros in a CSV (="00123") is the text.
#[test]
fn excel_text_literals() {
    let csv = "ID,ПІБ\n=\"00123\",Коваленко Петро\n=\"00124\",Шевченко Олена\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    assert_eq!(recs[0].key.source_record_id, "00123");
    assert_eq!(recs[1].key.source_record_id, "00124");
    // The raw row keeps the cell as written.
    assert!(recs[0].raw.iter().any(|(_, v)| v == "=\"00123\""), "{:?}", recs[0].raw);
}

/// A Markdown table, as lists pasted into notes and chats arrive: the rule under the header is
/// kept as a rejected row (not a person named "---"), and the two persons are read.
#[test]
fn a_markdown_table_reads_without_its_rule() {
    let (layout, it) = items(&read("markdown_table.md"));
    assert_eq!(layout.delimiter, Some(b'|'));
    let recs = records(&it);
    assert_eq!(recs.len(), 2, "{recs:?}");
    assert_eq!(recs[0].fields.surname.as_deref(), Some("Коваленко"));
    assert_eq!(date(&recs[0].fields.birth_date), "1995-03-12");
    assert_eq!(recs[1].fields.given_name.as_deref(), Some("Іван"));
    let rejected = issues(&it);
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(rejected[0].reason.contains("table rule"), "{:?}", rejected[0]);
    assert_eq!(rejected[0].line, 2);
}

/// A date column saved to CSV without its date format holds spreadsheet serial days: they are
/// read as dates (Excel's 1900 system: 34770 is 1995-03-12), each with a warning that says so,
/// and the raw row keeps the number. A four-digit year stays a year.
#[test]
fn serial_days_in_a_csv_date_column_are_read_with_a_warning() {
    let csv = "ПІБ,Дата народження,Дата смерті\nКоваленко Петро Іванович,34770,45019\nТкаченко Іван Петрович,1979,\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    assert_eq!(recs.len(), 2);
    assert_eq!(date(&recs[0].fields.birth_date), "1995-03-12");
    assert_eq!(date(&recs[0].fields.death_date), "2023-04-03");
    assert!(recs[0].raw.iter().any(|(_, v)| v == "34770"));
    assert_eq!(date(&recs[1].fields.birth_date), "1979");
    let warned: Vec<_> = issues(&it).into_iter().filter(|i| i.reason.contains("serial day")).collect();
    assert_eq!(warned.len(), 2, "{:?}", issues(&it));
    assert!(warned.iter().all(|i| i.line == 2));
}

/// A JSON array of objects, as most exports and APIs write them, reads like JSON Lines: each
/// element a row numbered by the line it starts on, an element that is no object rejected with
/// its text. So does an object that wraps such an array beside members of its own.
#[test]
fn json_arrays_and_wrapped_arrays_read_as_rows() {
    let array = r#"[
  {"name": "Коваленко Петро Іванович", "born": "12.03.1995", "died": "03.04.2023"},
  {"name": "Ткаченко Іван Петрович",
   "born": "05.05.1979", "died": null},
  "a note, not a person"
]"#;
    let (layout, it) = items(array.as_bytes());
    assert_eq!(layout.format, tally_import::Format::JsonLines);
    assert!(layout.json_array);
    let recs = records(&it);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].fields.surname.as_deref(), Some("Коваленко"));
    assert_eq!(date(&recs[0].fields.birth_date), "1995-03-12");
    assert_eq!((recs[0].line, recs[1].line), (2, 3));
    assert_eq!(date(&recs[1].fields.birth_date), "1979-05-05");
    let bad = issues(&it);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].line, 5);
    assert!(bad[0].raw.iter().any(|(_, v)| v.contains("a note")));

    let wrapped = r#"{"source": "ua losses", "count": 2, "items": [{"surname": "Коваленко", "first_name": "Петро"},
{"surname": "Ткаченко", "first_name": "Іван"}]}"#;
    let (_, it) = items(wrapped.as_bytes());
    let recs = records(&it);
    assert_eq!(recs.len(), 2, "{:?}", issues(&it));
    assert_eq!(recs[1].fields.given_name.as_deref(), Some("Іван"));
    assert_eq!(recs[1].line, 2);

    // One line of JSON Lines whose record holds an array stays one record.
    let one = r#"{"surname": "Коваленко", "first_name": "Петро", "awards": [{"name": "орден"}]}"#;
    let (layout, it) = items(one.as_bytes());
    assert!(!layout.json_array);
    assert_eq!(records(&it).len(), 1);
    assert_eq!(records(&it)[0].fields.surname.as_deref(), Some("Коваленко"));
}

/// A years-of-life column («Роки життя: 1995–2023») gives the dates of birth and death, read as a
/// life span after a name is; a birth date column still wins; a cell that is no span is a warning.
#[test]
fn a_years_of_life_column_gives_birth_and_death() {
    let csv = "ПІБ,Роки життя\n\"Коваленко, Петро Іванович\",1995–2023\nТкаченко Іван Петрович,05.05.1979 - 03.04.2024\nБойко Олег,загинув\nМельник Ольга,1990\n";
    let (layout, it) = items(csv.as_bytes());
    assert_eq!(layout.roles[1], Some(tally_import::Role::LifeSpan));
    let recs = records(&it);
    assert_eq!(recs.len(), 4);
    assert_eq!(recs[0].fields.surname.as_deref(), Some("Коваленко"));
    assert_eq!((date(&recs[0].fields.birth_date), date(&recs[0].fields.death_date)), ("1995".into(), "2023".into()));
    assert_eq!(
        (date(&recs[1].fields.birth_date), date(&recs[1].fields.death_date)),
        ("1979-05-05".into(), "2024-04-03".into())
    );
    assert_eq!(date(&recs[2].fields.birth_date), "");
    assert_eq!(date(&recs[3].fields.birth_date), "1990");
    let warned = issues(&it);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!((warned[0].line, warned[0].field.as_deref()), (4, Some("life_span")));

    let csv = "ПІБ,Дата народження,Годы жизни\nКоваленко Петро,12.03.1995,1994–2023\n";
    let (_, it) = items(csv.as_bytes());
    let r = records(&it)[0];
    assert_eq!((date(&r.fields.birth_date), date(&r.fields.death_date)), ("1995-03-12".into(), "2023".into()));
}

/// A record's rank, surname and given name ("" where absent).
fn rank_surname_given(r: &tally_domain::Record) -> (String, String, String) {
    let f = &r.fields;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    (s(&f.rank), s(&f.surname), s(&f.given_name))
}

/// A rank written before the name in a whole-name cell is the rank, not a name part; a rank
/// word that is the surname («Майор Іван Петрович») stays the surname.
#[test]
fn a_rank_before_the_name_is_the_rank() {
    let csv = "ПІБ;Дата загибелі\nсолдат Коваленко Петро Іванович;03.04.2023\nст. сержант ТКАЧЕНКО Іван Петрович;05.06.2024\n\
               молодший лейтенант Бойко Олег Іванович;2024\nГвардії капітан Мельник Андрій;2022\nМайор Іван Петрович;2023\n\
               Капітан Мельник Андрій Іванович;2022\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    let row = |i: usize| rank_surname_given(recs[i]);
    let r = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(row(0), r("солдат", "Коваленко", "Петро"));
    assert_eq!(row(1), r("ст. сержант", "ТКАЧЕНКО", "Іван"));
    assert_eq!(row(2), r("молодший лейтенант", "Бойко", "Олег"));
    assert_eq!(row(3), r("Гвардії капітан", "Мельник", "Андрій"));
    assert_eq!(row(4), r("", "Майор", "Іван"));
    assert_eq!(row(5), r("Капітан", "Мельник", "Андрій"));
    assert!(recs[0].raw.iter().any(|(_, v)| v.starts_with("солдат")), "the raw row keeps the cell");

    let csv = "Name,Rank,Died\nSgt. Ivan Tkachenko,,2023\nPvt. Petro Kovalenko,Private,2023\nJunior Lieutenant Oleh Boiko,,2024\nMajor Petrenko,,2024\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    let row = |i: usize| rank_surname_given(recs[i]);
    assert_eq!(row(0), r("Sgt.", "Tkachenko", "Ivan"));
    assert_eq!(row(1), r("Private", "Kovalenko", "Petro"), "the rank column wins");
    assert_eq!(row(2), r("Junior Lieutenant", "Boiko", "Oleh"));
    assert_eq!(row(3).0, "", "two words: a name, not a rank and half a name");
}

/// A list of one column whose cells hold commas unquoted reads each line whole; a rank after the
/// name, behind a comma, is the rank.
#[test]
fn one_column_with_commas_and_a_rank_after_the_name() {
    let csv = "ПІБ\nКоваленко Петро Іванович, солдат, 1995 р.н.\n\"Ткаченко Іван Петрович, старший сержант\"\nБойко Олег, Київ\n";
    let (_, it) = items(csv.as_bytes());
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    let f = &recs[0].fields;
    assert_eq!(
        (f.surname.as_deref(), f.given_name.as_deref(), f.patronymic.as_deref(), f.rank.as_deref()),
        (Some("Коваленко"), Some("Петро"), Some("Іванович"), Some("солдат"))
    );
    assert_eq!(date(&f.birth_date), "1995");
    let f = &recs[1].fields;
    assert_eq!((f.given_name.as_deref(), f.rank.as_deref()), (Some("Іван"), Some("старший сержант")));
    // A place after the name, behind a comma, is the settlement.
    let f = &recs[2].fields;
    assert_eq!((f.given_name.as_deref(), f.patronymic.as_deref()), (Some("Олег"), None));
    assert_eq!((f.settlement.as_deref(), f.rank.as_deref()), (Some("Київ"), None));
    assert_eq!(tally_import::name::split_place_suffix("Petro Kovalenko, Jr."), None);
    assert_eq!(tally_import::name::split_place_suffix("Коваленко, Петро Іванович"), None);
    assert_eq!(
        tally_import::name::split_place_suffix("Petro Kovalenko, Bila Tserkva"),
        Some(("Petro Kovalenko".into(), "Bila Tserkva".into()))
    );
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
}

/// Dates as older documents and data tools write them: a month in Roman numerals («12.III.1995»),
/// abbreviated Ukrainian months («12 бер. 1995», «3 вер. 2023», «7 лист. 2022») and pandas' "NaT"
/// for a missing date.
#[test]
fn roman_months_abbreviated_months_and_nat() {
    let d = |s: &str| parse_date(s, DateRole::Birth);
    let ymd = |y, m, dd| Ok(DateValue::Date(PartialDate::ymd(y, m, dd).unwrap()));
    assert_eq!(d("12.III.1995"), ymd(1995, 3, 12));
    assert_eq!(d("1 xi 2022"), ymd(2022, 11, 1));
    assert_eq!(d("05-VIII-1979"), ymd(1979, 8, 5));
    assert_eq!(d("12 бер. 1995"), ymd(1995, 3, 12));
    assert_eq!(d("3 вер. 2023"), ymd(2023, 9, 3));
    assert_eq!(d("7 лист. 2022"), ymd(2022, 11, 7));
    assert_eq!(d("NaT"), Ok(DateValue::Unknown));
    assert!(d("12.XIII.1995").is_err(), "no thirteenth month");
}

/// A Word document as an official list arrives (python-docx, from Word's own template; see
/// `test_data/import/README.md`): a heading and a paragraph, then the table. Its header is two
/// rows, the first three cells merged down over both and «Відомості» over «Область» and
/// «Примітка»; the region is written once for the two soldiers of one region (a vertical
/// merge) and reaches both; a line break in a name cell is a space; rows are numbered within
/// the table; the row with no name is kept as a reject.
#[test]
fn a_word_document_with_a_table() {
    let (layout, it) = items(&read("official_list.docx"));
    assert_eq!(layout.format, tally_import::Format::Docx);
    assert_eq!(layout.page_part.as_deref(), Some("table 1 of 1"));
    assert_eq!(layout.header_line, 1);
    assert_eq!(layout.headers[3], "Область");
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4"]);
    assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4, 5, 6]);
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert!(recs[0].raw.iter().any(|(_, v)| v == "Коваленко Петро Іванович (позивний «Грім»)"), "{:?}", recs[0].raw);
    assert_eq!(date(&recs[0].fields.birth_date), "1990-05-12");
    assert_eq!(recs[0].fields.region.as_deref(), Some("Харківська"));
    assert_eq!(recs[1].fields.region.as_deref(), Some("Харківська"));
    assert_eq!(name_parts(recs[1]), (Some("Мар’яненко"), Some("Ольга"), Some("В’ячеславівна")));
    assert_eq!(date(&recs[1].fields.birth_date), "1987");
    assert_eq!(recs[2].fields.region.as_deref(), Some("Полтавська"));
    let is = issues(&it);
    assert_eq!(is.len(), 2, "{is:?}");
    assert_eq!((is[0].severity, is[0].line, is[0].field.as_deref()), (Severity::Warning, 6, Some("birth_date")));
    assert_eq!((is[1].severity, is[1].line), (Severity::Reject, 7));
    assert!(is[1].raw.iter().any(|(_, v)| v == "невідомий"), "{:?}", is[1].raw);
}

/// A family report typed in Word as a numbered list: the numbers are Word's (the "List Number"
/// style), not in the text, and the records keep them; the title, the date line and the
/// contact line are no persons.
#[test]
fn a_word_document_with_a_numbered_list() {
    let bytes = read("family_report.docx");
    let (layout, it) = items(&bytes);
    assert_eq!(layout.format, tally_import::Format::Docx);
    assert_eq!(layout.list, Some(tally_import::ListKind::Numbered));
    assert_eq!(layout.page_part.as_deref(), Some("the items of its lists, one a line"));
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4"]);
    // Filed under the lines of the document's text: the two lines above the list come first.
    assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4, 5, 6]);
    assert_eq!(name_parts(recs[0]), (Some("Ткаченко"), Some("Василь"), Some("Петрович")));
    assert_eq!(date(&recs[0].fields.birth_date), "1985");
    assert_eq!(recs[0].fields.settlement.as_deref(), Some("м. Ізюм"));
    assert_eq!(recs[2].fields.settlement.as_deref(), Some("с. Велика Писарівка"));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
}

/// An OpenDocument text (LibreOffice): a summary table with no name column is passed over for
/// the numbered list under it; a word in bold is part of its name; a second list that continues
/// the first one's numbering goes on counting (4, not 1).
#[test]
fn an_opendocument_text_with_a_numbered_list() {
    let (layout, it) = items(&read("regional_list.odt"));
    assert_eq!(layout.format, tally_import::Format::Odt);
    assert_eq!(layout.list, Some(tally_import::ListKind::Numbered));
    let recs = records(&it);
    assert_eq!(recs.len(), 4, "{:?}", issues(&it));
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4"]);
    assert_eq!(name_parts(recs[0]), (Some("Кравчук"), Some("Богдан"), Some("Іванович")));
    assert_eq!(name_parts(recs[1]), (Some("Олійник"), Some("Тарас"), None));
    assert_eq!(recs[2].fields.settlement.as_deref(), Some("с. Кам’янка"));
    assert_eq!(name_parts(recs[3]), (Some("Дорошенко"), Some("Микола"), Some("Васильович")));
    // --table picks a table by its place: the summary has no name column, and there is no third.
    let table = |n| tally_import::Options { table: Some(n), ..Default::default() };
    let err = Reader::new(&read("regional_list.odt"), &table(1)).err().unwrap();
    assert!(matches!(err, tally_import::ImportError::NoNameColumn { .. }), "{err}");
    let err = Reader::new(&read("regional_list.odt"), &table(3)).err().unwrap();
    assert_eq!(err.to_string(), "no table 3: the file has 1 table(s)");
    // The page's second table, asked for, is what the reader finds by itself.
    let page = Reader::new(&read("memorial_page.html"), &table(2)).unwrap();
    assert_eq!(page.layout().page_part.as_deref(), Some("table 2 of 2"));
}

/// A list split by region into one table each, under the same header: the tables are read as
/// one list, their repeated headers (and a region's title row above one) are no rows, and a
/// summary table under another header is not part of it. `--table` still reads one table.
#[test]
fn tables_under_one_header_are_one_list() {
    let (layout, it) = items(&read("by_region.docx"));
    assert_eq!(
        layout.page_part.as_deref(),
        Some("tables 1, 2, 3 of 4, under one header, each under its region's title")
    );
    // The header has no region column: each table's title (the paragraph before it, or the
    // merged title row inside it) is its rows' region.
    assert_eq!(layout.headers, ["№", "ПІБ", "Дата народження", "Область"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 5, "{:?}", issues(&it));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.as_str()).collect::<Vec<_>>(), ["1", "2", "3", "4", "5"]);
    // Rows are numbered through the document: table 1 has rows 1-3, table 2 rows 4-6 (title,
    // header, one soldier), table 3 rows 7-9.
    assert_eq!(recs.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 6, 8, 9]);
    assert_eq!(name_parts(recs[2]), (Some("Ткач"), Some("Олег"), Some("Петрович")));
    assert_eq!(
        recs.iter().map(|r| r.fields.region.as_deref().unwrap_or("")).collect::<Vec<_>>(),
        ["Харківська область", "Харківська область", "Сумська область", "Полтавська область", "Полтавська область"]
    );
    let one = Options { table: Some(3), ..Options::default() };
    let recs: Vec<Item> = Reader::new(&read("by_region.docx"), &one).unwrap().collect();
    assert_eq!(records(&recs).len(), 2);
    assert_eq!(records(&recs)[0].fields.region, None, "one table asked for: its title is not read");

    // The same in a web page, with a header of two rows repeated over each table.
    let table = |rows: &str| {
        format!("<table><tr><th rowspan=2>ПІБ</th><th colspan=2>Дата</th></tr><tr><th>народження</th><th>смерті</th></tr>{rows}</table>")
    };
    let page = format!(
        "<h2>Київська</h2>\n{}\n<h2>Одеська</h2>\n{}\n",
        table("<tr><td>Коваленко Петро</td><td>1990</td><td>2023</td></tr>"),
        table("<tr><td>Бондар Іван</td><td>1985</td><td>2024</td></tr><tr><td>Ткач Олег</td><td>1991</td><td>2024</td></tr>")
    );
    let (layout, it) = items(page.as_bytes());
    assert_eq!(layout.page_part.as_deref(), Some("tables 1, 2 of 2, under one header, each under its region's title"));
    assert_eq!(layout.headers, ["ПІБ", "Дата народження", "Дата смерті", "Область"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(date(&recs[2].fields.death_date), "2024");
    assert_eq!(
        recs.iter().map(|r| r.fields.region.as_deref()).collect::<Vec<_>>(),
        [Some("Київська"), Some("Одеська"), Some("Одеська")]
    );
    // Titles that name no region are not read as one.
    let page = page.replace("<h2>Київська</h2>", "<h2>Перелік 1</h2>");
    let (layout, _) = items(page.as_bytes());
    assert_eq!(layout.headers, ["ПІБ", "Дата народження", "Дата смерті"]);
}

/// A list typed in a Word document in columns with tab stops under a header line: the lines are
/// split at their tabs and read as a table. Without a header, a numbered list so typed («1.⇥
/// Коваленко Петро⇥12.05.1990⇥Харківська обл.») reads its tabs as a list's commas.
#[test]
fn a_word_list_in_tab_columns() {
    let (layout, it) = items(&read("tab_columns.docx"));
    assert_eq!(layout.page_part.as_deref(), Some("the text outside tables, in columns split at its tabs"));
    assert_eq!(layout.headers, ["№", "ПІБ", "Дата народження", "Область"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    assert_eq!(date(&recs[0].fields.birth_date), "1990-05-12");
    assert_eq!(recs[1].fields.region.as_deref(), Some("Сумська"));
    assert_eq!(recs[2].key.source_record_id, "3");
}

/// A workbook with merged cells, as official lists are laid out: a header of two rows (cells
/// merged down over both, «Дата» merged across «народження» and «смерті») and a region merged
/// down over the two soldiers of one region, which reaches both; a merge drawn below the last
/// row adds no row.
#[test]
fn a_workbook_with_merged_cells() {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let f = Format::new();
    ws.merge_range(0, 0, 1, 0, "№", &f).unwrap();
    ws.merge_range(0, 1, 1, 1, "ПІБ", &f).unwrap();
    ws.merge_range(0, 2, 0, 3, "Дата", &f).unwrap();
    ws.write_string(1, 2, "народження").unwrap();
    ws.write_string(1, 3, "смерті").unwrap();
    ws.merge_range(0, 4, 1, 4, "Область", &f).unwrap();
    for (r, (id, name, born, died)) in [
        ("1", "Коваленко Петро", "1990", "2023"),
        ("2", "Бондар Іван", "1985", "2024"),
        ("3", "Ткач Олег", "1991", "2024"),
    ]
    .iter()
    .enumerate()
    {
        let r = r as u32 + 2;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, *born).unwrap();
        ws.write_string(r, 3, *died).unwrap();
    }
    ws.merge_range(2, 4, 3, 4, "Сумська", &f).unwrap();
    ws.merge_range(4, 4, 7, 4, "Київська", &f).unwrap();
    let (layout, it) = items(&wb.save_to_buffer().unwrap());
    assert_eq!(layout.headers, ["№", "ПІБ", "Дата народження", "Дата смерті", "Область"]);
    let recs = records(&it);
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(
        recs.iter().map(|r| r.fields.region.as_deref()).collect::<Vec<_>>(),
        [Some("Сумська"), Some("Сумська"), Some("Київська")]
    );
    assert_eq!(date(&recs[1].fields.death_date), "2024");
}

/// An OpenDocument spreadsheet (`regional_sheet.ods`, written by make_documents.py with odfpy)
/// whose region cells are merged down over each region's soldiers, under a title and an empty
/// row: calamine keeps no merges for ODS, so they are read from the file, and each soldier gets
/// his region, on the rows the user sees.
#[test]
fn an_ods_sheet_with_cells_merged_down() {
    let (layout, it) = items(&read("regional_sheet.ods"));
    assert_eq!(layout.headers, ["№", "ПІБ", "Дата народження", "Область"]);
    let recs = records(&it);
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
    assert_eq!(
        recs.iter().map(|r| (r.line, r.fields.region.as_deref())).collect::<Vec<_>>(),
        [
            (4, Some("Сумська")),
            (5, Some("Сумська")),
            (6, Some("Сумська")),
            (7, Some("Полтавська")),
            (8, Some("Полтавська"))
        ]
    );
}

/// Documents that cannot be read say what they are: a Word 97-2003 file (an OLE container with
/// a "WordDocument" stream), and a .docx cut short.
#[test]
fn documents_that_cannot_be_read() {
    let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    doc.resize(1024, 0);
    doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
    doc.resize(4096, 0);
    let err = Reader::new(&doc, &Options::default()).err().unwrap();
    assert!(matches!(err, tally_import::ImportError::OldWord), "{err}");
    // A document with no text (a scan pasted in as pictures) says so.
    let mut empty = Vec::new();
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut empty));
        z.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(b"<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:drawing/></w:r></w:p></w:body></w:document>")
            .unwrap();
        z.finish().unwrap();
    }
    let err = Reader::new(&empty, &Options::default()).err().unwrap();
    assert!(matches!(err, tally_import::ImportError::NotAList { what: "a document with no text", .. }), "{err}");
    let full = read("official_list.docx");
    let err = Reader::new(&full[..full.len() / 2], &Options::default()).err().unwrap();
    assert!(matches!(err, tally_import::ImportError::Document(_)), "{err}");
}

/// A web page's table with cells merged down (`rowspan`): the header cells over two rows name
/// their columns once, and a region cell over two soldiers reaches both.
#[test]
fn a_web_page_with_cells_merged_down() {
    let page = "<table>\n<tr><th rowspan=2>№</th><th rowspan=2>ПІБ</th><th colspan=2>Дата</th><th rowspan=2>Область</th></tr>\n\
        <tr><th>народження</th><th>смерті</th></tr>\n\
        <tr><td>1</td><td>Коваленко Петро</td><td>1990</td><td>2023</td><td rowspan=2>Сумська</td></tr>\n\
        <tr><td>2</td><td>Бондар Іван</td><td>1985</td><td>2024</td></tr>\n\
        <tr><td>3</td><td>Ткач Олег</td><td>1991</td><td>2024</td><td>Київська</td></tr>\n</table>";
    let (layout, it) = items(page.as_bytes());
    assert_eq!(layout.headers, ["№", "ПІБ", "Дата народження", "Дата смерті", "Область"]);
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert_eq!(
        recs.iter().map(|r| r.fields.region.as_deref()).collect::<Vec<_>>(),
        [Some("Сумська"), Some("Сумська"), Some("Київська")]
    );
    assert_eq!(date(&recs[1].fields.death_date), "2024");
    assert!(issues(&it).is_empty(), "{:?}", issues(&it));
}

/// A PDF exported with a table over two pages: the table is rebuilt from where the glyphs are,
/// its header repeated on page two is no row, the page numbers are no rows, and a row with no
/// birth date keeps its region in the region column (the empty cell stays empty). The header's
/// date cell wraps over two lines above the others, and stands a third of a letter from
/// «Область»: only the grid's rule parts them.
#[test]
fn a_pdf_with_a_table_over_two_pages() {
    let (layout, it) = items(&read("returned_bodies.pdf"));
    assert_eq!(layout.format, tally_import::Format::Pdf);
    assert_eq!(layout.page_part.as_deref(), Some("table 1 of 1"));
    assert_eq!(layout.headers, ["№", "Прізвище, ім’я, по батькові", "Дата народження", "Область"]);
    let recs = records(&it);
    assert!(issues(&it).iter().all(|i| i.severity != Severity::Reject), "{:?}", issues(&it));
    assert_eq!(recs.len(), 60);
    let ids: Vec<String> = (1..=60).map(|k| k.to_string()).collect();
    assert_eq!(recs.iter().map(|r| r.key.source_record_id.clone()).collect::<Vec<_>>(), ids);
    assert_eq!(name_parts(recs[0]), (Some("Коваленко"), Some("Петро"), Some("Іванович")));
    // 01.01.1970 is a placeholder date (read as unknown, with a warning).
    assert_eq!(date(&recs[1].fields.birth_date), "1971-02-08");
    assert_eq!(date(&recs[2].fields.birth_date), "1972-03-15");
    assert_eq!(recs[0].fields.region.as_deref(), Some("Харківська"));
    assert_eq!(date(&recs[7].fields.birth_date), "");
    assert_eq!(recs[7].fields.region.as_deref(), Some("Сумська"));
    // The last row is on page two, and rows are where their lines are in the document.
    assert_eq!(name_parts(recs[59]), (Some("Руденко"), Some("Богдан"), Some("Сергійович")));
    assert!(recs.windows(2).all(|w| w[0].line < w[1].line));
}

/// A numbered list typed into a PDF as text lines is read as a list of people.
#[test]
fn a_pdf_with_a_numbered_list() {
    let (layout, it) = items(&read("numbered_list.pdf"));
    assert_eq!(layout.format, tally_import::Format::Pdf);
    assert_eq!(layout.list, Some(tally_import::ListKind::Numbered));
    let recs = records(&it);
    assert_eq!(recs.len(), 3, "{:?}", issues(&it));
    assert_eq!(name_parts(recs[1]), (Some("Литвиненко"), Some("Олег"), Some("Іванович")));
    assert_eq!(date(&recs[1].fields.birth_date), "1991-03-12");
    assert_eq!(recs[2].fields.settlement.as_deref(), Some("м. Бахмут"));
}
