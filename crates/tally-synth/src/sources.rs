//! The sources of a world: who each one covers (by side, category, region, period and
//! visibility, so coverage differs and depends), and how each writes a record (language, script,
//! transliteration standard, name layout, date forms, noise, file format and encoding).

use std::collections::HashMap;

use rand::Rng;
use tally_domain::{Sex, SourceKind, Status};

use crate::data::{Side, Tables, RANKS, SERVICES, UNITS};
use crate::noise;
use crate::person::{Event, Person, Ymd};
use crate::render::{self, age, date, DateStyle, Encoding, Format, Lang, Sink};
use crate::rng::{chance, pick, stream};
use crate::{Script, SynthError};

/// The sources a world can have, in the order `--sources K` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Src {
    UaOfficial,
    Obituaries,
    Media,
    FamilyMissing,
    RuLosses,
    Exchange,
    Court,
}

pub const ORDER: [Src; 7] =
    [Src::UaOfficial, Src::Obituaries, Src::Media, Src::FamilyMissing, Src::RuLosses, Src::Exchange, Src::Court];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Id,
    Surname,
    Given,
    Patronymic,
    FullName,
    Birth,
    Age,
    EventDate,
    Region,
    Settlement,
    Unit,
    Rank,
    Status,
    Category,
    Sex,
    Citizenship,
    ReleaseDate,
}

/// How a full name is laid out in one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FullStyle {
    /// Шевченко Олександр Сергійович
    Sgp,
    /// ШЕВЧЕНКО Олександр Сергійович
    CapsSgp,
    /// Олександр Сергійович Шевченко
    Gps,
    /// Олександр Шевченко
    Gs,
    /// Шевченко О.С.
    SInitials,
    /// О.С. Шевченко
    InitialsS,
}

#[derive(Debug, Clone, Copy)]
enum BirthForm {
    Date(DateStyle),
    Missing,
}

/// How record ids are written. `Row`: the id column holds the 1-based data-row number; `None`:
/// no id column, so the importer takes the row number itself; `Prefixed`: a code such as
/// `EX-000123`.
#[derive(Debug, Clone, Copy)]
enum Ids {
    None,
    Row,
    Prefixed(&'static str),
}

/// Rates of the ways this source gets things wrong, before the world's `--noise` factor.
#[derive(Debug, Clone, Copy)]
struct Noise {
    /// Per name part.
    typo: f64,
    /// Per record: one OCR confusion in one name part.
    ocr: f64,
    /// Per record: one Latin look-alike inside a Cyrillic name part.
    homoglyph: f64,
    /// Per record: ё written as е (Russian forms).
    fold_yo: f64,
    /// Per optional cell: left empty.
    missing: f64,
    /// Per record: the patronymic left out.
    no_patronymic: f64,
    /// Per record: the name printed in the genitive, as scraped from "пам'яті ..." (Ukrainian
    /// Cyrillic only).
    genitive: f64,
    /// Per record: a wrong birth date (day and month swapped, the year off by one, or a
    /// mistyped day), as clerks and relatives get them wrong.
    date_error: f64,
    /// Per record: another region of the same country (where the unit was based, or where the
    /// family moved), so places disagree between sources.
    place_error: f64,
}

/// Everything about one source that does not depend on the persons.
pub struct Spec {
    pub src: Src,
    pub name: &'static str,
    pub kind: SourceKind,
    pub format: Format,
    pub encoding: Encoding,
    pub delimiter: char,
    pub lang: Lang,
    pub description: &'static str,
    /// Which name forms the source writes: Ukrainian, Russian, or each person's own.
    pub name_forms: &'static str,
    cols: Vec<(Col, &'static str)>,
    ids: Ids,
    dup: f64,
    noise: Noise,
    full: Vec<(FullStyle, u32)>,
    birth: Vec<(BirthForm, u32)>,
    event_dates: Vec<(DateStyle, u32)>,
    /// Latin standards for Ukrainian persons: (standard id, weight, use the Russian name forms).
    latin_ua: Vec<(&'static str, u32, bool)>,
    /// Latin standards for Russian persons.
    latin_ru: Vec<(&'static str, u32)>,
    /// Whether names are written in Latin script.
    pub latin: bool,
}

fn headers(lang: Lang, cols: &[(Col, [&'static str; 3])]) -> Vec<(Col, &'static str)> {
    let i = match lang {
        Lang::Uk => 0,
        Lang::Ru => 1,
        Lang::En => 2,
    };
    cols.iter().map(|(c, h)| (*c, h[i])).collect()
}

const N0: Noise = Noise {
    typo: 0.0,
    ocr: 0.0,
    homoglyph: 0.0,
    fold_yo: 0.0,
    missing: 0.0,
    no_patronymic: 0.0,
    genitive: 0.0,
    date_error: 0.0,
    place_error: 0.0,
};

/// The spec of `src` in a world written in `script`.
pub fn spec(src: Src, script: Script) -> Spec {
    let latin_world = script == Script::Latin;
    // In a Latin world every list is in English with Latin names; otherwise each keeps its own
    // language, and only the media list is Latin (unless the world is all-Cyrillic).
    let lang_or = |l: Lang| if latin_world { Lang::En } else { l };
    use Col::*;
    match src {
        Src::UaOfficial => {
            let lang = lang_or(Lang::Uk);
            Spec {
                src,
                name: "ua_official_killed",
                kind: SourceKind::OfficialList,
                format: Format::Csv,
                encoding: Encoding::Utf8Bom,
                delimiter: ';',
                lang,
                description: "official list of Ukrainian servicemen killed; covers most deaths, lags for 2025-26, \
                              thinner for the National and Border Guard",
                name_forms: "uk",
                cols: headers(
                    lang,
                    &[
                        (Id, ["№", "№", "id"]),
                        (Surname, ["Прізвище", "Фамилия", "Surname"]),
                        (Given, ["Ім'я", "Имя", "Given name"]),
                        (Patronymic, ["По батькові", "Отчество", "Patronymic"]),
                        (Birth, ["Дата народження", "Дата рождения", "Date of birth"]),
                        (EventDate, ["Дата смерті", "Дата смерти", "Date of death"]),
                        (Region, ["Область", "Область", "Region"]),
                        (Settlement, ["Населений пункт", "Населенный пункт", "Settlement"]),
                        (Unit, ["Військова частина", "Воинская часть", "Unit"]),
                        (Rank, ["Звання", "Звание", "Rank"]),
                        (Category, ["Категорія", "Категория", "Category"]),
                        (Status, ["Статус", "Статус", "Status"]),
                    ],
                ),
                ids: Ids::Row,
                dup: 0.01,
                noise: Noise { typo: 0.004, homoglyph: 0.01, missing: 0.02, date_error: 0.01, place_error: 0.01, ..N0 },
                full: vec![],
                birth: vec![(BirthForm::Date(DateStyle::Dot), 97), (BirthForm::Missing, 3)],
                event_dates: vec![(DateStyle::Dot, 100)],
                latin_ua: vec![("ua_kmu_2010", 1, false)],
                latin_ru: vec![("ru_icao_9303", 1)],
                latin: latin_world,
            }
        }
        Src::Obituaries => {
            let lang = lang_or(Lang::Uk);
            Spec {
                src,
                name: "obituaries",
                kind: SourceKind::Obituary,
                format: Format::Jsonl,
                encoding: Encoding::Utf8,
                delimiter: ',',
                lang,
                description: "obituaries scraped from regional news and community pages; over-covers western and \
                              central oblasts and officers, favours the well known; ages instead of birth dates",
                name_forms: "uk",
                cols: headers(
                    lang,
                    &[
                        (FullName, ["ПІБ", "ФИО", "Full name"]),
                        (Age, ["Вік", "Возраст", "Age"]),
                        (Birth, ["Рік народження", "Год рождения", "Birth year"]),
                        (EventDate, ["Дата загибелі", "Дата гибели", "Date of death"]),
                        (Region, ["Область", "Регион", "Region"]),
                        (Settlement, ["Населений пункт", "Населенный пункт", "Settlement"]),
                        (Unit, ["Підрозділ", "Подразделение", "Unit"]),
                        (Rank, ["Звання", "Звание", "Rank"]),
                    ],
                ),
                ids: Ids::None,
                dup: 0.04,
                noise: Noise {
                    typo: 0.02,
                    homoglyph: 0.02,
                    missing: 0.15,
                    no_patronymic: 0.3,
                    genitive: 0.05,
                    date_error: 0.03,
                    place_error: 0.05,
                    ..N0
                },
                full: vec![
                    (FullStyle::Sgp, 55),
                    (FullStyle::Gs, 20),
                    (FullStyle::Gps, 10),
                    (FullStyle::SInitials, 10),
                    (FullStyle::CapsSgp, 5),
                ],
                // The age column carries most births; the year column the rest.
                birth: vec![
                    (BirthForm::Missing, 60),
                    (BirthForm::Date(DateStyle::YearBorn), 25),
                    (BirthForm::Date(DateStyle::Year), 15),
                ],
                event_dates: vec![(DateStyle::Long, 60), (DateStyle::Dot, 30), (DateStyle::MonthYear, 10)],
                latin_ua: vec![
                    ("ua_national_1996", 5, false),
                    ("ua_bgn_pcgn_1965", 3, false),
                    ("ua_kmu_2010", 2, false),
                ],
                latin_ru: vec![("ru_bgn_pcgn", 1)],
                latin: latin_world,
            }
        }
        Src::Media => {
            let lang = if script == Script::Cyrillic { Lang::Uk } else { Lang::En };
            Spec {
                src,
                name: "media_list",
                kind: SourceKind::Media,
                format: Format::Csv,
                encoding: Encoding::Utf8,
                delimiter: ',',
                lang,
                description: "English-language media list of named dead on both sides, Latin script under several \
                              transliteration standards (some Ukrainians under Russian forms); favours 2022, \
                              officers and the well known",
                name_forms: "native",
                cols: headers(
                    lang,
                    &[
                        (Id, ["id", "id", "id"]),
                        (FullName, ["ПІБ", "ФИО", "Name"]),
                        (Birth, ["Дата народження", "Дата рождения", "Date of birth"]),
                        (EventDate, ["Дата смерті", "Дата смерти", "Date of death"]),
                        (Region, ["Регіон", "Регион", "Region"]),
                        (Rank, ["Звання", "Звание", "Rank"]),
                        (Unit, ["Підрозділ", "Подразделение", "Unit"]),
                        (Citizenship, ["Громадянство", "Гражданство", "Country"]),
                    ],
                ),
                ids: Ids::Prefixed("M-"),
                dup: 0.02,
                noise: Noise {
                    typo: 0.015,
                    missing: 0.2,
                    no_patronymic: 0.85,
                    date_error: 0.03,
                    place_error: 0.05,
                    ..N0
                },
                full: vec![(FullStyle::Gs, 73), (FullStyle::Gps, 15), (FullStyle::Sgp, 10), (FullStyle::InitialsS, 2)],
                birth: vec![
                    (BirthForm::Date(DateStyle::Long), 35),
                    (BirthForm::Date(DateStyle::Year), 35),
                    (BirthForm::Missing, 30),
                ],
                event_dates: vec![(DateStyle::Long, 85), (DateStyle::MonthYear, 10), (DateStyle::Iso, 5)],
                latin_ua: vec![
                    ("ua_kmu_2010", 55, false),
                    ("ua_bgn_pcgn_1965", 10, false),
                    ("ua_icao_9303", 10, false),
                    ("ua_national_1996", 5, false),
                    ("ru_wikipedia", 10, true),
                    ("ru_icao_9303", 5, true),
                    ("ru_mvd_310", 5, true),
                ],
                latin_ru: vec![
                    ("ru_wikipedia", 40),
                    ("ru_bgn_pcgn", 20),
                    ("ru_icao_9303", 20),
                    ("ru_mvd_310", 10),
                    ("ru_gost_52535", 10),
                ],
                latin: script != Script::Cyrillic,
            }
        }
        Src::FamilyMissing => {
            let lang = lang_or(Lang::Uk);
            Spec {
                src,
                name: "family_missing",
                kind: SourceKind::FamilyReport,
                format: Format::Xlsx,
                encoding: Encoding::Utf8,
                delimiter: ',',
                lang,
                description: "reports by families of servicemen missing in action (some later found dead or in \
                              captivity); typed by hand: typos, years only, repeated reports by several relatives",
                name_forms: "uk",
                cols: headers(
                    lang,
                    &[
                        (Id, ["№", "№", "id"]),
                        (Surname, ["Прізвище", "Фамилия", "Surname"]),
                        (Given, ["Ім'я", "Имя", "Given name"]),
                        (Patronymic, ["По батькові", "Отчество", "Patronymic"]),
                        (Sex, ["Стать", "Пол", "Sex"]),
                        (Birth, ["Дата народження", "Дата рождения", "Date of birth"]),
                        (EventDate, ["Дата зникнення", "Дата исчезновения", "Date of disappearance"]),
                        (Region, ["Область", "Область", "Region"]),
                        (Settlement, ["Населений пункт", "Населенный пункт", "Settlement"]),
                        (Unit, ["Військова частина", "Воинская часть", "Unit"]),
                        (Status, ["Статус", "Статус", "Status"]),
                    ],
                ),
                ids: Ids::Row,
                dup: 0.06,
                noise: Noise {
                    typo: 0.035,
                    homoglyph: 0.03,
                    missing: 0.1,
                    no_patronymic: 0.15,
                    date_error: 0.04,
                    place_error: 0.03,
                    ..N0
                },
                full: vec![],
                birth: vec![
                    (BirthForm::Date(DateStyle::Dot), 55),
                    (BirthForm::Date(DateStyle::DotUnpadded), 10),
                    (BirthForm::Date(DateStyle::Year), 20),
                    (BirthForm::Date(DateStyle::YearBorn), 5),
                    (BirthForm::Missing, 10),
                ],
                event_dates: vec![
                    (DateStyle::Dot, 60),
                    (DateStyle::DotShortYear, 10),
                    (DateStyle::MonthYear, 15),
                    (DateStyle::ZeroDay, 5),
                    (DateStyle::Long, 10),
                ],
                latin_ua: vec![("ua_icao_9303", 6, false), ("ua_kmu_2010", 4, false)],
                latin_ru: vec![("ru_icao_9303", 1)],
                latin: latin_world,
            }
        }
        Src::RuLosses => {
            let lang = lang_or(Lang::Ru);
            Spec {
                src,
                name: "ru_named_losses",
                kind: SourceKind::Media,
                format: Format::Csv,
                encoding: Encoding::Windows1251,
                delimiter: ',',
                lang,
                description: "Russian-language tally of named Russian dead from obituaries and social media; \
                              over-covers Siberia and the Volga, under-covers prison recruits and Wagner; \
                              Windows-1251",
                name_forms: "ru",
                cols: headers(
                    lang,
                    &[
                        (Id, ["№", "№", "id"]),
                        (Surname, ["Прізвище", "Фамилия", "Surname"]),
                        (Given, ["Ім'я", "Имя", "Given name"]),
                        (Patronymic, ["По батькові", "Отчество", "Patronymic"]),
                        (Birth, ["Дата народження", "Дата рождения", "Date of birth"]),
                        (EventDate, ["Дата смерті", "Дата гибели", "Date of death"]),
                        (Region, ["Регіон", "Регион", "Region"]),
                        (Settlement, ["Населений пункт", "Населенный пункт", "Settlement"]),
                        (Unit, ["Військова частина", "Воинская часть", "Unit"]),
                        (Rank, ["Звання", "Звание", "Rank"]),
                        (Category, ["Категорія", "Категория", "Category"]),
                    ],
                ),
                ids: Ids::Row,
                dup: 0.03,
                noise: Noise {
                    typo: 0.015,
                    fold_yo: 0.7,
                    missing: 0.12,
                    no_patronymic: 0.2,
                    date_error: 0.02,
                    place_error: 0.04,
                    ..N0
                },
                full: vec![],
                birth: vec![
                    (BirthForm::Date(DateStyle::Dot), 60),
                    (BirthForm::Date(DateStyle::YearBorn), 20),
                    (BirthForm::Missing, 20),
                ],
                event_dates: vec![(DateStyle::Dot, 80), (DateStyle::Long, 10), (DateStyle::MonthYear, 10)],
                latin_ua: vec![("ua_kmu_2010", 1, false)],
                latin_ru: vec![("ru_mvd_310", 4), ("ru_gost_52535", 3), ("ru_wikipedia", 3)],
                latin: latin_world,
            }
        }
        Src::Exchange => {
            let lang = Lang::En;
            Spec {
                src,
                name: "exchange_manifest",
                kind: SourceKind::ExchangeManifest,
                format: Format::Jsonl,
                encoding: Encoding::Utf8,
                delimiter: ',',
                lang,
                description: "manifests of prisoner exchanges: prisoners of both sides who were released, \
                              names in their own language",
                name_forms: "native",
                cols: headers(
                    lang,
                    &[
                        (Id, ["id", "id", "id"]),
                        (Surname, ["surname", "surname", "surname"]),
                        (Given, ["given_name", "given_name", "given_name"]),
                        (Patronymic, ["patronymic", "patronymic", "patronymic"]),
                        (Sex, ["sex", "sex", "sex"]),
                        (Birth, ["date_of_birth", "date_of_birth", "date_of_birth"]),
                        (Citizenship, ["citizenship", "citizenship", "citizenship"]),
                        (Rank, ["rank", "rank", "rank"]),
                        (Unit, ["unit", "unit", "unit"]),
                        (Status, ["status", "status", "status"]),
                        (ReleaseDate, ["exchange_date", "exchange_date", "exchange_date"]),
                    ],
                ),
                ids: Ids::Prefixed("EX-"),
                dup: 0.005,
                noise: Noise { typo: 0.005, missing: 0.03, date_error: 0.005, ..N0 },
                full: vec![],
                birth: vec![(BirthForm::Date(DateStyle::Iso), 95), (BirthForm::Missing, 5)],
                event_dates: vec![(DateStyle::Iso, 100)],
                latin_ua: vec![("ua_kmu_2010", 1, false)],
                latin_ru: vec![("ru_icao_9303", 1)],
                latin: latin_world,
            }
        }
        Src::Court => {
            let lang = lang_or(Lang::Ru);
            Spec {
                src,
                name: "court_records",
                kind: SourceKind::CourtRecord,
                format: Format::Csv,
                encoding: Encoding::Windows1251,
                delimiter: ';',
                lang,
                description: "Russian court records of Ukrainian prisoners of war: Russian forms of Ukrainian \
                              names, surname first, scanned and OCR'd; Windows-1251",
                name_forms: "ru",
                cols: headers(
                    lang,
                    &[
                        (FullName, ["ПІБ", "ФИО", "Full name"]),
                        (Birth, ["Дата народження", "Дата рождения", "Date of birth"]),
                        (Region, ["Регіон", "Регион", "Region"]),
                        (Settlement, ["Населений пункт", "Населенный пункт", "Settlement"]),
                        (Unit, ["Військова частина", "Воинская часть", "Unit"]),
                        (Rank, ["Звання", "Звание", "Rank"]),
                        (Status, ["Статус", "Статус", "Status"]),
                    ],
                ),
                ids: Ids::None,
                dup: 0.01,
                noise: Noise {
                    typo: 0.01,
                    ocr: 0.08,
                    fold_yo: 1.0,
                    missing: 0.08,
                    date_error: 0.02,
                    place_error: 0.03,
                    ..N0
                },
                full: vec![(FullStyle::CapsSgp, 40), (FullStyle::Sgp, 50), (FullStyle::SInitials, 10)],
                birth: vec![
                    (BirthForm::Date(DateStyle::Dot), 70),
                    (BirthForm::Date(DateStyle::Long), 25),
                    (BirthForm::Missing, 5),
                ],
                event_dates: vec![(DateStyle::Dot, 100)],
                latin_ua: vec![("ru_bgn_pcgn", 1, true)],
                latin_ru: vec![("ru_bgn_pcgn", 1)],
                latin: latin_world,
            }
        }
    }
}

fn group_factor(t: &Tables, p: &Person, table: &[(&str, f64)]) -> f64 {
    let g = t.regions[usize::from(p.region)].group.as_str();
    table.iter().find(|(k, _)| *k == g).map(|x| x.1).unwrap_or(1.0)
}

fn lag(e: &Event, y2025: f64, y2026: f64) -> f64 {
    match e.known.y {
        ..=2024 => 1.0,
        2025 => y2025,
        _ => y2026,
    }
}

/// Whether `src` may list `p`, about which event, and with what probability (before the
/// world's coverage scale). Pure: no randomness, so coverage can be calibrated before drawing.
pub fn coverage(src: Src, t: &Tables, p: &Person) -> Option<(f64, Event)> {
    let vis = f64::from(p.visibility);
    let officer = p.is_officer();
    let killed = p.event(Status::Killed).copied();
    let r = match src {
        Src::UaOfficial => {
            let e = killed.filter(|_| p.side == Side::Ua)?;
            let service = [1.0, 0.7, 0.6, 0.9][usize::from(p.service)];
            (0.8 * lag(&e, 0.75, 0.45) * service, e)
        }
        Src::Obituaries => {
            let e = killed.filter(|_| p.side == Side::Ua)?;
            let region =
                group_factor(t, p, &[("west", 3.0), ("centre", 1.8), ("north", 1.4), ("south", 0.8), ("east", 0.6)]);
            (0.16 * region * vis * if officer { 1.4 } else { 1.0 }, e)
        }
        Src::Media => {
            let e = killed?;
            let f = match p.side {
                Side::Ua => {
                    0.10 * match e.date.y {
                        2022 => 1.8,
                        2023 => 1.1,
                        _ => 0.7,
                    }
                }
                Side::Ru => 0.08,
            };
            (f * vis.powf(1.5) * if officer { 1.5 } else { 1.0 }, e)
        }
        Src::FamilyMissing => {
            if p.side != Side::Ua {
                return None;
            }
            let e = *p.first();
            let base = match e.status {
                Status::Missing => 0.6,
                Status::Prisoner => 0.3,
                _ => return None,
            };
            let region = group_factor(t, p, &[("west", 1.1), ("centre", 1.1), ("east", 0.8), ("south", 0.9)]);
            (base * region, e)
        }
        Src::RuLosses => {
            let e = killed.filter(|_| p.side == Side::Ru)?;
            let region = group_factor(
                t,
                p,
                &[
                    ("siberia", 1.4),
                    ("volga", 1.25),
                    ("urals", 1.15),
                    ("caucasus", 1.0),
                    ("fareast", 1.1),
                    ("south", 0.9),
                    ("centre", 0.7),
                    ("northwest", 0.6),
                ],
            );
            let service = [1.0, 1.15, 1.0, 0.55, 0.45, 0.9][usize::from(p.service)];
            (0.5 * region * service * lag(&e, 1.0, 0.6), e)
        }
        Src::Exchange => (0.9, p.event(Status::Released).copied()?),
        Src::Court => {
            let e = p.event(Status::Prisoner).copied().filter(|_| p.side == Side::Ua)?;
            let ngu = if p.service == 1 { 1.8 } else { 1.0 };
            (0.10 * ngu * if officer { 2.0 } else { 1.0 }, e)
        }
    };
    Some(r)
}

/// The largest inclusion probability any source uses: nobody is listed for certain.
pub const P_MAX: f64 = 0.97;

pub fn dup_rate(src: Src) -> f64 {
    spec(src, Script::Mixed).dup
}

pub struct Ctx<'a> {
    pub t: &'a Tables,
    pub persons: &'a [Person],
    pub seed: u64,
    pub noise: f64,
    pub scale: f64,
}

fn status_label(s: Status, female: bool, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Killed, Lang::Uk) => {
            if female {
                "загинула"
            } else {
                "загинув"
            }
        }
        (Status::Killed, Lang::Ru) => {
            if female {
                "погибла"
            } else {
                "погиб"
            }
        }
        (Status::Missing, Lang::Uk) => {
            if female {
                "зникла безвісти"
            } else {
                "зник безвісти"
            }
        }
        (Status::Missing, Lang::Ru) => {
            if female {
                "пропала без вести"
            } else {
                "пропал без вести"
            }
        }
        (Status::Prisoner, Lang::Uk) => "у полоні",
        (Status::Prisoner, Lang::Ru) => "военнопленный",
        (Status::Released, Lang::Uk) => "звільнений з полону",
        (Status::Released, Lang::Ru) => "освобождён из плена",
        (s, _) => s.as_str(),
    }
}

/// Latin spellings, memoised per standard: a world has a few thousand distinct name parts, so
/// each is transliterated once per standard however many records carry it.
struct Latin {
    cache: HashMap<&'static str, HashMap<String, String>>,
}

impl Latin {
    fn get(&mut self, std: &'static str, text: &str) -> Result<String, SynthError> {
        let m = self.cache.entry(std).or_default();
        if let Some(v) = m.get(text) {
            return Ok(v.clone());
        }
        let v = tally_names::transliterate(std, text).map_err(|e| SynthError::Names(e.to_string()))?;
        m.insert(text.to_string(), v.clone());
        Ok(v)
    }
}

/// Which persons a source lists, about which event, in file order (in-source duplicates
/// included). Row `i` of the file (1-based `i + 1`) is entry `i`.
pub fn select(spec: &Spec, ctx: &Ctx) -> Vec<(u32, Event)> {
    let t = ctx.t;
    let mut pick_rng = stream(ctx.seed, &format!("select:{}", spec.name));
    // The sort key is the date the event became known (lists grow in time order) with a random
    // tie-break.
    let mut entries: Vec<(i64, u64, u32, Event)> = Vec::new();
    for (i, p) in ctx.persons.iter().enumerate() {
        let Some((prob, e)) = coverage(spec.src, t, p) else { continue };
        if !chance(&mut pick_rng, (prob * ctx.scale).min(P_MAX)) {
            continue;
        }
        let key = e.known.days();
        entries.push((key, pick_rng.gen(), i as u32, e));
        if chance(&mut pick_rng, spec.dup) {
            // A second report of the same person, entered later.
            let later = key + pick_rng.gen_range(1..400);
            entries.push((later, pick_rng.gen(), i as u32, e));
        }
    }
    entries.sort_unstable_by_key(|x| (x.0, x.1));
    entries.into_iter().map(|x| (x.2, x.3)).collect()
}

/// The record id of 1-based data row `row_no`: what `tally import` will file the record under
/// (the id column's value, or the row number when the source has no id column).
pub fn record_id(spec: &Spec, row_no: usize) -> String {
    match spec.ids {
        Ids::None | Ids::Row => row_no.to_string(),
        Ids::Prefixed(pre) => format!("{pre}{row_no:06}"),
    }
}

pub fn has_id_column(spec: &Spec) -> bool {
    !matches!(spec.ids, Ids::None)
}

/// The format a source is written in for `rows` rows: an XLSX list too long for one sheet is
/// shipped as UTF-8 CSV instead (the manifest says so).
pub fn actual_format(spec: &Spec, rows: usize) -> (Format, Encoding, char) {
    match spec.format {
        Format::Xlsx if rows > render::XLSX_MAX_ROWS => (Format::Csv, Encoding::Utf8, ','),
        Format::Xlsx => (Format::Xlsx, Encoding::Utf8, ','),
        f => (f, spec.encoding, spec.delimiter),
    }
}

/// Render the file of one source from its selection.
pub fn render_source(spec: &Spec, ctx: &Ctx, entries: &[(u32, Event)]) -> Result<Vec<u8>, SynthError> {
    let mut rng = stream(ctx.seed, &format!("render:{}", spec.name));
    let mut latin = Latin { cache: HashMap::new() };
    let (format, encoding, delim) = actual_format(spec, entries.len());
    let mut sink = Sink::new(format, &header_names(spec), delim, entries.len(), spec.name)?;
    let latin_ua: Vec<((&'static str, bool), u32)> = spec.latin_ua.iter().map(|x| ((x.0, x.2), x.1)).collect();
    let mut row = Vec::with_capacity(spec.cols.len());
    for (i, &(pi, e)) in entries.iter().enumerate() {
        let p = &ctx.persons[pi as usize];
        let id = record_id(spec, i + 1);
        row.clear();
        render_row(spec, ctx, p, e, &id, &latin_ua, &mut rng, &mut latin, &mut row)?;
        sink.row(&row)?;
    }
    sink.finish(encoding)
}

fn render_row(
    spec: &Spec,
    ctx: &Ctx,
    p: &Person,
    e: Event,
    id: &str,
    latin_ua: &[((&'static str, bool), u32)],
    rng: &mut impl Rng,
    latin: &mut Latin,
    out: &mut Vec<Option<String>>,
) -> Result<(), SynthError> {
    let t = ctx.t;
    let nz = |x: f64| x * ctx.noise;
    let female = p.female();
    // Name forms and script.
    let native_uk = p.side == Side::Ua;
    let mut uk_forms = match spec.name_forms {
        "uk" => true,
        "ru" => false,
        _ => native_uk,
    };
    let std = if spec.latin {
        if p.side == Side::Ua {
            let (s, russify) = pick(rng, latin_ua);
            if russify {
                uk_forms = false;
            }
            Some(s)
        } else {
            uk_forms = false;
            Some(pick(rng, &spec.latin_ru))
        }
    } else {
        None
    };
    if p.side == Side::Ru {
        uk_forms = false;
    }
    let fi = usize::from(female);
    let g = &t.given[usize::from(p.given)];
    let father = &t.given[usize::from(p.father)];
    let sn = &t.surnames[p.surname as usize];
    let mut surname = sn.forms[if uk_forms { 0 } else { 2 } + fi].clone();
    let mut given = if uk_forms { g.uk.clone() } else { g.ru.clone() };
    let mut patr = father.patr[if uk_forms { 0 } else { 2 } + fi].clone();
    if !uk_forms && chance(rng, spec.noise.fold_yo) {
        surname = noise::fold_yo(&surname);
        given = noise::fold_yo(&given);
        patr = noise::fold_yo(&patr);
    }
    if uk_forms && std.is_none() && chance(rng, spec.noise.genitive) {
        use crate::inflect::{genitive_uk, Part};
        surname = genitive_uk(&surname, Part::Surname, female);
        given = genitive_uk(&given, Part::Given, female);
        patr = genitive_uk(&patr, Part::Patronymic, female);
    }
    if uk_forms && std.is_none() {
        surname = noise::apostrophe(&surname, rng);
        given = noise::apostrophe(&given, rng);
        patr = noise::apostrophe(&patr, rng);
    }
    if let Some(s) = std {
        surname = latin.get(s, &surname)?;
        given = latin.get(s, &given)?;
        patr = latin.get(s, &patr)?;
    } else {
        let parts = [&mut surname, &mut given, &mut patr];
        if chance(rng, nz(spec.noise.ocr)) {
            let k = rng.gen_range(0..3);
            *parts[k] = noise::ocr(parts[k], rng);
        }
        let parts = [&mut surname, &mut given, &mut patr];
        if chance(rng, nz(spec.noise.homoglyph)) {
            let k = rng.gen_range(0..3);
            *parts[k] = noise::homoglyph(parts[k], rng);
        }
    }
    for part in [&mut surname, &mut given, &mut patr] {
        if chance(rng, nz(spec.noise.typo)) {
            *part = noise::typo(part, rng);
        }
    }
    if chance(rng, spec.noise.no_patronymic) || p.side == Side::Ru && spec.src == Src::Media {
        patr.clear();
    }
    let lang = spec.lang;
    let label_lang = if std.is_some() && lang != Lang::En { Lang::En } else { lang };
    let (region, settlement) = if chance(rng, nz(spec.noise.place_error)) {
        let same_side: Vec<usize> = (0..t.regions.len()).filter(|&i| t.regions[i].side == p.side).collect();
        let r = &t.regions[same_side[rng.gen_range(0..same_side.len())]];
        (r, &r.settlements[0])
    } else {
        let r = &t.regions[usize::from(p.region)];
        (r, &r.settlements[usize::from(p.settlement)])
    };
    let birth = if chance(rng, nz(spec.noise.date_error)) { wrong_date(p.birth, rng) } else { p.birth };
    let birth_style = pick(rng, &spec.birth);
    let event_style = pick(rng, &spec.event_dates);
    for &(col, _) in &spec.cols {
        let optional = !matches!(col, Col::Id | Col::Surname | Col::Given | Col::FullName | Col::Status);
        if optional && chance(rng, nz(spec.noise.missing)) {
            out.push(None);
            continue;
        }
        let v: Option<String> = match col {
            Col::Id => (!matches!(spec.ids, Ids::None)).then(|| id.to_string()),
            Col::Surname => Some(surname.clone()),
            Col::Given => Some(given.clone()),
            Col::Patronymic => (!patr.is_empty()).then(|| patr.clone()),
            Col::FullName => {
                let style = pick(rng, &spec.full);
                let (s, g, pt) = (surname.as_str(), given.as_str(), patr.as_str());
                let join = |xs: &[&str]| xs.iter().filter(|x| !x.is_empty()).copied().collect::<Vec<_>>().join(" ");
                Some(match style {
                    FullStyle::Sgp => join(&[s, g, pt]),
                    FullStyle::CapsSgp => join(&[&noise::caps(s), g, pt]),
                    FullStyle::Gps => join(&[g, pt, s]),
                    FullStyle::Gs => join(&[g, s]),
                    FullStyle::SInitials => format!("{s} {}{}", noise::initial(g), noise::initial(pt)),
                    FullStyle::InitialsS => format!("{}{} {s}", noise::initial(g), noise::initial(pt)),
                })
            }
            Col::Birth => match birth_style {
                BirthForm::Date(st) => Some(date(birth, st, label_lang)),
                BirthForm::Missing => None,
            },
            Col::Age => matches!(birth_style, BirthForm::Missing).then(|| age(p.birth.age_at(e.date), label_lang)),
            Col::EventDate => Some(date(e.date, event_style, label_lang)),
            Col::ReleaseDate => p.event(Status::Released).map(|r| date(r.date, DateStyle::Iso, Lang::En)),
            Col::Region => Some(match label_lang {
                Lang::Uk => {
                    if spec.src == Src::Obituaries && chance(rng, 0.5) {
                        region.uk.trim_end_matches(" область").to_string()
                    } else {
                        region.uk.clone()
                    }
                }
                Lang::Ru => region.ru.clone(),
                Lang::En => region.en.clone(),
            }),
            Col::Settlement => {
                let name = if uk_forms { &settlement.0 } else { &settlement.1 };
                Some(match std {
                    Some(s) => latin.get(s, name)?,
                    None => match (label_lang, chance(rng, 0.3)) {
                        (Lang::Uk, true) => format!("м. {name}"),
                        (Lang::Ru, true) => format!("г. {name}"),
                        _ => name.clone(),
                    },
                })
            }
            Col::Unit => {
                let u = UNITS[p.side as usize][usize::from(p.unit)];
                Some(
                    match label_lang {
                        Lang::Uk => u.0,
                        Lang::Ru => u.1,
                        Lang::En => u.2,
                    }
                    .to_string(),
                )
            }
            Col::Rank => {
                let r = RANKS[usize::from(p.rank)];
                let ru_ladder = p.side == Side::Ru;
                Some(
                    match label_lang {
                        Lang::Uk if !ru_ladder => r.0,
                        Lang::Uk | Lang::Ru => r.1,
                        Lang::En => r.2,
                    }
                    .to_string(),
                )
            }
            Col::Category => {
                let s = SERVICES[p.side as usize][usize::from(p.service)];
                Some(
                    match label_lang {
                        Lang::Uk => s.0,
                        Lang::Ru => s.1,
                        Lang::En => s.2,
                    }
                    .to_string(),
                )
            }
            Col::Status => {
                let s = match spec.src {
                    Src::FamilyMissing => Status::Missing,
                    Src::Court => Status::Prisoner,
                    _ => e.status,
                };
                Some(status_label(s, female, label_lang).to_string())
            }
            Col::Sex => Some(
                match (label_lang, p.sex) {
                    (Lang::Uk, Sex::Male) => "чол.",
                    (Lang::Uk, Sex::Female) => "жін.",
                    (Lang::Ru, Sex::Male) => "муж",
                    (Lang::Ru, Sex::Female) => "жен",
                    (Lang::En, Sex::Male) => "M",
                    (Lang::En, Sex::Female) => "F",
                }
                .to_string(),
            ),
            Col::Citizenship => Some(
                match (label_lang, p.side) {
                    (Lang::Uk, Side::Ua) => "Україна",
                    (Lang::Uk, Side::Ru) => "росія",
                    (Lang::Ru, Side::Ua) => "Украина",
                    (Lang::Ru, Side::Ru) => "Россия",
                    (Lang::En, Side::Ua) => "Ukraine",
                    (Lang::En, Side::Ru) => "Russia",
                }
                .to_string(),
            ),
        };
        out.push(v);
    }
    Ok(())
}

/// A birth date as someone got it wrong: day and month swapped (when both can be months), the
/// year off by one, or a mistyped day.
fn wrong_date(d: Ymd, rng: &mut impl Rng) -> Ymd {
    match rng.gen_range(0..3) {
        0 if d.d <= 12 && d.d != d.m => Ymd { y: d.y, m: d.d, d: d.m },
        1 => {
            let y = d.y + if rng.gen::<bool>() { 1 } else { -1 };
            // 29 February of a leap year moved to a common year: a real day is still written.
            Ymd { y, m: d.m, d: d.d.min(crate::person::days_in(y, d.m)) }
        }
        _ => {
            let day = rng.gen_range(1..=crate::person::days_in(d.y, d.m));
            Ymd { d: day, ..d }
        }
    }
}

/// Column headers of a source, for the manifest.
pub fn header_names(spec: &Spec) -> Vec<&'static str> {
    spec.cols.iter().map(|c| c.1).collect()
}
