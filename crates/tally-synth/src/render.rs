//! Turning cells into file bytes: dates in the forms lists write them, CSV, JSON Lines, XLSX,
//! UTF-8 or Windows-1251.

use crate::person::Ymd;
use crate::SynthError;

/// Languages of headers and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Uk,
    Ru,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// File formats a source can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Jsonl,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Text encodings a source can come in (XLSX is always UTF-8 inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    #[serde(rename = "windows-1251")]
    Windows1251,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Windows1251 => "windows-1251",
        }
    }
    /// The label `tally import --encoding` takes.
    pub fn import_label(self) -> &'static str {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => "utf-8",
            Encoding::Windows1251 => "windows-1251",
        }
    }
}

const UK_MONTHS_GEN: [&str; 12] = [
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
const UK_MONTHS_NOM: [&str; 12] = [
    "січень",
    "лютий",
    "березень",
    "квітень",
    "травень",
    "червень",
    "липень",
    "серпень",
    "вересень",
    "жовтень",
    "листопад",
    "грудень",
];
const RU_MONTHS_GEN: [&str; 12] = [
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
const RU_MONTHS_NOM: [&str; 12] = [
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
];
/// AP style, as exported by UALosses ("Jan. 5, 2023", "Sept. 12, 2023", "June 2, 2025").
const AP_MONTHS: [&str; 12] =
    ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

/// How a date is written. Each form keeps exactly the precision it shows (see
/// /work/shared/data/names/date_formats.csv for the forms and their readings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// 05.01.2023
    Dot,
    /// 5.1.2023
    DotUnpadded,
    /// 05.01.23 (two-digit year; only for event dates, where the century is not in doubt)
    DotShortYear,
    /// 2023-01-05
    Iso,
    /// 5 січня 2023 р. / 5 января 2023 г. / Jan. 5, 2023
    Long,
    /// січень 2023 / январь 2023 / 2023-01 (month precision)
    MonthYear,
    /// 00.01.2023 (zero day marks an unknown day: month precision)
    ZeroDay,
    /// 2023 (year precision)
    Year,
    /// 1996 р.н. / 1996 г.р. (birth year, year precision)
    YearBorn,
}

pub fn date(d: Ymd, style: DateStyle, lang: Lang) -> String {
    let mi = usize::from(d.m - 1);
    match style {
        DateStyle::Dot => format!("{:02}.{:02}.{:04}", d.d, d.m, d.y),
        DateStyle::DotUnpadded => format!("{}.{}.{:04}", d.d, d.m, d.y),
        DateStyle::DotShortYear => format!("{:02}.{:02}.{:02}", d.d, d.m, d.y % 100),
        DateStyle::Iso => d.to_string(),
        DateStyle::Long => match lang {
            Lang::Uk => format!("{} {} {} р.", d.d, UK_MONTHS_GEN[mi], d.y),
            Lang::Ru => format!("{} {} {} г.", d.d, RU_MONTHS_GEN[mi], d.y),
            Lang::En => format!("{} {}, {}", AP_MONTHS[mi], d.d, d.y),
        },
        DateStyle::MonthYear => match lang {
            Lang::Uk => format!("{} {}", UK_MONTHS_NOM[mi], d.y),
            Lang::Ru => format!("{} {}", RU_MONTHS_NOM[mi], d.y),
            Lang::En => format!("{:04}-{:02}", d.y, d.m),
        },
        DateStyle::ZeroDay => format!("00.{:02}.{:04}", d.m, d.y),
        DateStyle::Year => format!("{:04}", d.y),
        DateStyle::YearBorn => match lang {
            Lang::Uk => format!("{} р.н.", d.y),
            Lang::Ru => format!("{} г.р.", d.y),
            Lang::En => format!("{:04}", d.y),
        },
    }
}

/// An age as lists write it: "25 років" (with Ukrainian plural rules), "25 лет", "25".
pub fn age(n: i32, lang: Lang) -> String {
    let (m10, m100) = (n % 10, n % 100);
    let one = m10 == 1 && m100 != 11;
    let few = (2..=4).contains(&m10) && !(12..=14).contains(&m100);
    match lang {
        Lang::Uk => format!(
            "{n} {}",
            if one {
                "рік"
            } else if few {
                "роки"
            } else {
                "років"
            }
        ),
        Lang::Ru => format!(
            "{n} {}",
            if one {
                "год"
            } else if few {
                "года"
            } else {
                "лет"
            }
        ),
        Lang::En => n.to_string(),
    }
}

fn csv_cell(out: &mut String, cell: &str, delim: char) {
    if cell.contains(delim) || cell.contains('"') || cell.contains('\n') || cell.contains('\r') {
        out.push('"');
        for c in cell.chars() {
            if c == '"' {
                out.push('"');
            }
            out.push(c);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The sheet holds this many data rows at most (Excel's limit, less the header).
pub const XLSX_MAX_ROWS: usize = 1_048_575;

/// Where rows go as they are rendered: straight into the text of a CSV or JSON Lines file, or
/// into a worksheet. Rows are never held as a table, so a million-row world stays small.
pub enum Sink {
    Csv {
        out: String,
        delim: char,
    },
    /// Left-out cells are left out of the object, as a scraper that skips empty fields writes.
    Jsonl {
        out: String,
        headers: Vec<String>,
    },
    Xlsx {
        ws: Box<rust_xlsxwriter::Worksheet>,
        row: u32,
    },
}

fn xerr(e: rust_xlsxwriter::XlsxError) -> SynthError {
    SynthError::Xlsx(e.to_string())
}

impl Sink {
    pub fn new(format: Format, headers: &[&str], delim: char, rows: usize, sheet: &str) -> Result<Sink, SynthError> {
        Ok(match format {
            Format::Csv => {
                let mut s = Sink::Csv { out: String::with_capacity(rows * 150 + 256), delim };
                s.text_line(&mut headers.iter().copied());
                s
            }
            Format::Jsonl => Sink::Jsonl {
                out: String::with_capacity(rows * 220),
                headers: headers.iter().map(|h| h.to_string()).collect(),
            },
            Format::Xlsx => {
                let mut ws = rust_xlsxwriter::Worksheet::new();
                ws.set_name(sheet).map_err(xerr)?;
                let bold = rust_xlsxwriter::Format::new().set_bold();
                for (c, h) in headers.iter().enumerate() {
                    ws.write_string_with_format(0, c as u16, *h, &bold).map_err(xerr)?;
                }
                Sink::Xlsx { ws: Box::new(ws), row: 0 }
            }
        })
    }

    fn text_line(&mut self, cells: &mut dyn Iterator<Item = &str>) {
        if let Sink::Csv { out, delim } = self {
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    out.push(*delim);
                }
                csv_cell(out, c, *delim);
            }
            // CRLF: what spreadsheet exports write; readers must take it.
            out.push_str("\r\n");
        }
    }

    pub fn row(&mut self, cells: &[Option<String>]) -> Result<(), SynthError> {
        match self {
            Sink::Csv { .. } => self.text_line(&mut cells.iter().map(|c| c.as_deref().unwrap_or(""))),
            Sink::Jsonl { out, headers } => {
                out.push('{');
                let mut first = true;
                for (h, c) in headers.iter().zip(cells) {
                    let Some(c) = c else { continue };
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    json_str(out, h);
                    out.push_str(": ");
                    json_str(out, c);
                }
                out.push_str("}\n");
            }
            Sink::Xlsx { ws, row, .. } => {
                *row += 1;
                for (c, cell) in cells.iter().enumerate() {
                    if let Some(v) = cell {
                        ws.write_string(*row, c as u16, v).map_err(xerr)?;
                    }
                }
            }
        }
        Ok(())
    }

    pub fn finish(self, enc: Encoding) -> Result<Vec<u8>, SynthError> {
        match self {
            Sink::Csv { out, .. } | Sink::Jsonl { out, .. } => Ok(encode(&out, enc)),
            Sink::Xlsx { ws, .. } => {
                use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
                let mut wb = Workbook::new();
                // A fixed creation time: otherwise the file embeds the clock and the world is not
                // a pure function of its seed.
                let when = ExcelDateTime::from_ymd(2026, 11, 20).map_err(xerr)?;
                wb.set_properties(&DocProperties::new().set_creation_datetime(&when).set_author("tally synth"));
                wb.push_worksheet(*ws);
                wb.save_to_buffer().map_err(xerr)
            }
        }
    }
}

/// Encode text; Windows-1251 cannot hold every character, so the few that lists would not
/// contain in that encoding anyway (the modifier-letter apostrophe) are folded first.
pub fn encode(text: &str, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Utf8Bom => {
            let mut v = Vec::with_capacity(text.len() + 3);
            v.extend_from_slice(b"\xEF\xBB\xBF");
            v.extend_from_slice(text.as_bytes());
            v
        }
        Encoding::Windows1251 => {
            // Most files hold nothing the code page lacks: fold only when the encoder says so.
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
            if !unmappable {
                return bytes.into_owned();
            }
            let folded = fold_for_1251(text);
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&folded);
            bytes.into_owned()
        }
    }
}

/// Replace characters Windows-1251 lacks by what a user of that code page would type: the
/// letter without its diacritics (ë -> e, č -> c), the apostrophe for apostrophe-like marks,
/// `?` as a last resort. Otherwise the encoder would write HTML character references such as
/// `&#235;`, whose `;` breaks a `;`-delimited file.
pub fn fold_for_1251(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let encodable = |c: char| {
        let mut b = [0u8; 4];
        !encoding_rs::WINDOWS_1251.encode(c.encode_utf8(&mut b)).2
    };
    let mut known: std::collections::HashMap<char, bool> = std::collections::HashMap::new();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() || *known.entry(c).or_insert_with(|| encodable(c)) {
            out.push(c);
            continue;
        }
        match c {
            '\u{02BC}' | '\u{02B9}' | '`' | '\u{2032}' => out.push('\''),
            '\u{02BA}' | '\u{2033}' => out.push('"'),
            _ => {
                let mut any = false;
                for d in c.nfd() {
                    if !unicode_normalization::char::is_combining_mark(d) && (d.is_ascii() || encodable(d)) {
                        out.push(d);
                        any = true;
                    }
                }
                if !any {
                    out.push('?');
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_form() {
        let d = Ymd { y: 2023, m: 1, d: 5 };
        assert_eq!(date(d, DateStyle::Dot, Lang::Uk), "05.01.2023");
        assert_eq!(date(d, DateStyle::DotUnpadded, Lang::Uk), "5.1.2023");
        assert_eq!(date(d, DateStyle::Long, Lang::Uk), "5 січня 2023 р.");
        assert_eq!(date(d, DateStyle::Long, Lang::Ru), "5 января 2023 г.");
        assert_eq!(date(d, DateStyle::Long, Lang::En), "Jan. 5, 2023");
        assert_eq!(date(d, DateStyle::MonthYear, Lang::Uk), "січень 2023");
        assert_eq!(date(d, DateStyle::ZeroDay, Lang::Uk), "00.01.2023");
        assert_eq!(date(d, DateStyle::YearBorn, Lang::Ru), "2023 г.р.");
        let s = Ymd { y: 2023, m: 9, d: 12 };
        assert_eq!(date(s, DateStyle::Long, Lang::En), "Sept. 12, 2023");
    }

    #[test]
    fn ages_decline() {
        assert_eq!(age(25, Lang::Uk), "25 років");
        assert_eq!(age(21, Lang::Uk), "21 рік");
        assert_eq!(age(23, Lang::Uk), "23 роки");
        assert_eq!(age(12, Lang::Uk), "12 років");
        assert_eq!(age(34, Lang::Ru), "34 года");
        assert_eq!(age(41, Lang::Ru), "41 год");
    }

    fn sink_text(format: Format, rows: &[Vec<Option<String>>]) -> String {
        let mut s = Sink::new(format, &["a", "b"], ';', 2, "x").unwrap();
        for r in rows {
            s.row(r).unwrap();
        }
        String::from_utf8(s.finish(Encoding::Utf8).unwrap()).unwrap()
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let rows = vec![vec![Some("x;y".into()), Some("say \"hi\"".into())], vec![None, Some("z".into())]];
        assert_eq!(sink_text(Format::Csv, &rows), "a;b\r\n\"x;y\";\"say \"\"hi\"\"\"\r\n;z\r\n");
        assert_eq!(sink_text(Format::Jsonl, &rows), "{\"a\": \"x;y\", \"b\": \"say \\\"hi\\\"\"}\n{\"b\": \"z\"}\n");
    }

    #[test]
    fn windows_1251_round_trips_cyrillic() {
        let s = "Прізвище;Ім'я;Соловйов;Їжак;Ґава;Ёлкин";
        let b = encode(s, Encoding::Windows1251);
        let (back, _, bad) = encoding_rs::WINDOWS_1251.decode(&b);
        assert!(!bad);
        assert_eq!(back, s);
        // Latin letters the code page lacks lose their diacritics instead of becoming `&#235;`.
        let b = encode("Mogilëv;Ševčenko;Olʹga;Kovalʼ", Encoding::Windows1251);
        let (back, _, _) = encoding_rs::WINDOWS_1251.decode(&b);
        assert_eq!(back, "Mogilev;Sevcenko;Ol'ga;Koval'");
    }
}
