//! Names across scripts: how Tally knows that Олександр Сергійович Шевченко in a Ukrainian list,
//! Александр Сергеевич Шевченко in a Russian one, Oleksandr Shevchenko in an English one and «Шевченка О.С.»
//! in an obituary may be one man.
//!
//! - [`transliterate`]: Cyrillic -> Latin under 19 Ukrainian and Russian standards ([`standards`]), with
//!   their context rules (word-initial `є ї й ю я` in KMU 2010, `зг` -> `zgh`, soft signs, apostrophes).
//! - [`normalize`], [`detect_script`], [`detect_lang`]: one spelling for one text (apostrophes, Latin
//!   look-alikes inside Cyrillic, `ё`, case, spacing, OCR confusions), and the script and language.
//! - [`name_key`]: a cross-script blocking key; [`compare_part`] / [`compare`]: a graded comparator that
//!   says why ([`Level`]); [`prepare`] + [`compare_prepared`] for callers that compare millions of pairs.
//! - [`to_cyrillic_candidates`]: ranked Cyrillic forms of a Latin-only name.
//! - [`region_code`], [`rank_grade`]: one code for a region (ISO 3166-2) or a military rank (NATO grade)
//!   however a list writes it, in Ukrainian, Russian or English; [`region_area`] joins a city with
//!   region status and the region around it; [`region_in_place`] finds a region inside a settlement's text.
//! - [`equivalents`]: Ukrainian <-> Russian forms of given names and patronymics; [`surname_forms`]:
//!   masculine/feminine and Ukrainian/Russian forms of a surname; [`to_nominative`]: declined names from
//!   running text back to the nominative.
//!
//! Pure: no IO, no clock, no randomness. Reference tables are embedded (see `data/README.md`) and parsed
//! once, at first use.
//!
//! Speed (`cargo bench -p tally-names --bench names`, one core): normalising a whole name and keying its
//! parts takes about 2 µs, [`prepare`] about 1 µs per part and [`compare_prepared`] about 2 µs per pair,
//! so a million names are keyed in about two seconds.
//!
//! Linkage prepares each distinct name part once and compares the cached forms:
//!
//! ```
//! use tally_names::{compare_prepared, name_key, prepare, Level, PartKind};
//! let a = prepare("Олійник");
//! let b = prepare("Oleinik");
//! assert_eq!(a.key, name_key("Олейник")); // one block for every spelling
//! let c = compare_prepared(PartKind::Surname, &a, &b);
//! assert!(c.level <= Level::UkRuEquivalent && c.score > 0.9, "{c:?}");
//! ```
//!
//! ```
//! use tally_names::{normalize, transliterate};
//! assert_eq!(transliterate("ua_kmu_2010", "Олександр Шевченко").unwrap(), "Oleksandr Shevchenko");
//! assert_eq!(transliterate("ru_mvd_310", "Александр Шевченко").unwrap(), "Aleksandr Shevchenko");
//! assert_eq!(normalize("Олiйник  Дар’я"), "олійник дар'я");
//! ```

mod canon;
mod compare;
mod cyrillic;
mod dict;
mod forms;
mod inflect;
mod jaro;
mod normalize;
mod places;
mod translit;

pub use compare::{
    compare, compare_part, compare_prepared, grade_prepared, level_prepared, name_key, osa_distance, osa_within,
    prepare, prepare_normalized, split_name, Comparison, Grade, Level, NameForm, NameParts, PartKind,
};
pub use cyrillic::to_cyrillic_candidates;
pub use dict::{equivalents, sex_of, Sex};
pub use forms::{surname_forms, SurnameForms};
pub use inflect::to_nominative;
pub use jaro::{jaro_winkler, jaro_winkler_ascii};
pub use normalize::{detect_lang, detect_script, normalize, Script};
pub use places::{rank_grade, region_area, region_code, region_in_place};
pub use translit::{official_samples, standards, transliterate, StandardInfo};

/// A language of names: Ukrainian or Russian.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Uk,
    Ru,
}

impl Lang {
    /// `uk` or `ru`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::Ru => "ru",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Lang {
    type Err = NamesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "uk" | "ua" | "ukr" | "ukrainian" => Ok(Lang::Uk),
            "ru" | "rus" | "russian" => Ok(Lang::Ru),
            _ => Err(NamesError::UnknownLang(s.to_string())),
        }
    }
}

/// What can go wrong when asking this crate for something.
#[derive(Debug, thiserror::Error)]
pub enum NamesError {
    /// The standard id is not one of [`standards`].
    #[error("unknown transliteration standard {id:?}; known: {known}")]
    UnknownStandard { id: String, known: String },
    /// A language other than `uk` or `ru`.
    #[error("unknown language {0:?}; expected uk or ru")]
    UnknownLang(String),
}
