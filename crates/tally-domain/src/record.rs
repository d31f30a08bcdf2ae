use crate::{PartialDate, Status};
use compact_str::CompactString;

/// The fields Tally understands in a list. Column headers in English, Ukrainian and Russian
/// are mapped onto these by `tally-import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Surname,
    GivenName,
    Patronymic,
    FullName,
    BirthDate,
    DeathDate,
    Region,
    Settlement,
    Unit,
    Rank,
    Status,
    RecordId,
    Sex,
    Category,
    Citizenship,
}

impl Field {
    pub const ALL: [Field; 15] = [
        Field::Surname,
        Field::GivenName,
        Field::Patronymic,
        Field::FullName,
        Field::BirthDate,
        Field::DeathDate,
        Field::Region,
        Field::Settlement,
        Field::Unit,
        Field::Rank,
        Field::Status,
        Field::RecordId,
        Field::Sex,
        Field::Category,
        Field::Citizenship,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Surname => "surname",
            Field::GivenName => "given_name",
            Field::Patronymic => "patronymic",
            Field::FullName => "full_name",
            Field::BirthDate => "birth_date",
            Field::DeathDate => "death_date",
            Field::Region => "region",
            Field::Settlement => "settlement",
            Field::Unit => "unit",
            Field::Rank => "rank",
            Field::Status => "status",
            Field::RecordId => "record_id",
            Field::Sex => "sex",
            Field::Category => "category",
            Field::Citizenship => "citizenship",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
}

/// The fields parsed out of one raw row. Every field is optional: lists are sparse, and a
/// missing value is never filled in by guesswork.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParsedFields {
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub patronymic: Option<String>,
    pub birth_date: Option<PartialDate>,
    /// Date of death, or of disappearance/capture for the missing and prisoners.
    pub death_date: Option<PartialDate>,
    pub region: Option<String>,
    pub settlement: Option<String>,
    pub unit: Option<String>,
    pub rank: Option<String>,
    pub status: Option<Status>,
    pub sex: Option<Sex>,
    pub category: Option<String>,
    pub citizenship: Option<String>,
}

/// Where a record came from: the source name and the record's id within it (its id column's
/// value, else its 1-based data-row number).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct RecordKey {
    /// Both parts are inline up to 24 bytes (every source name and record id seen so far):
    /// a key is cloned for every record of a roll, and a million keys of two heap strings
    /// each cost some 100 MB and two million allocations.
    pub source: CompactString,
    pub source_record_id: CompactString,
}

impl RecordKey {
    pub fn new(source: impl Into<CompactString>, source_record_id: impl Into<CompactString>) -> RecordKey {
        RecordKey { source: source.into(), source_record_id: source_record_id.into() }
    }
}

/// One row of one source: the raw row verbatim (header -> cell) plus what was parsed out of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// Store-assigned row id; 0 before the record is stored.
    pub id: i64,
    pub key: RecordKey,
    /// 1-based line (CSV/TSV/JSONL) or row (XLSX) in the original file, header included.
    pub line: u64,
    /// The raw cells, in file order, as (header, value) pairs: nothing is dropped.
    pub raw: Vec<(String, String)>,
    pub fields: ParsedFields,
}
