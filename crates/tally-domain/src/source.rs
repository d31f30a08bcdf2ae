use crate::ContentHash;

/// What kind of document a source is. It shapes how much weight its claims carry and how
/// its coverage is modelled in estimation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    OfficialList,
    Obituary,
    Media,
    FamilyReport,
    ExchangeManifest,
    CourtRecord,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown source kind {0:?}; expected one of: official_list, obituary, media, family_report, exchange_manifest, court_record, other")]
pub struct SourceKindError(pub String);

impl SourceKind {
    pub const ALL: [SourceKind; 7] = [
        SourceKind::OfficialList,
        SourceKind::Obituary,
        SourceKind::Media,
        SourceKind::FamilyReport,
        SourceKind::ExchangeManifest,
        SourceKind::CourtRecord,
        SourceKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::OfficialList => "official_list",
            SourceKind::Obituary => "obituary",
            SourceKind::Media => "media",
            SourceKind::FamilyReport => "family_report",
            SourceKind::ExchangeManifest => "exchange_manifest",
            SourceKind::CourtRecord => "court_record",
            SourceKind::Other => "other",
        }
    }
}

impl std::str::FromStr for SourceKind {
    type Err = SourceKindError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        SourceKind::ALL
            .into_iter()
            .find(|k| k.as_str() == norm)
            .or(match norm.as_str() {
                "official" => Some(SourceKind::OfficialList),
                "family" => Some(SourceKind::FamilyReport),
                "manifest" | "exchange" => Some(SourceKind::ExchangeManifest),
                "court" => Some(SourceKind::CourtRecord),
                _ => None,
            })
            .ok_or_else(|| SourceKindError(s.to_string()))
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One imported file of one publisher. A source is identified by its name; the same name
/// may be imported again from new bytes (a newer edition), each import keeping its own blob.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub publisher: Option<String>,
    /// RFC 3339 timestamp, supplied by the caller (the pure crates read no clock).
    pub retrieved_at: Option<String>,
    /// SHA-256 of the original file bytes.
    pub sha256: ContentHash,
    /// File name as given on import, for messages and provenance.
    pub file_name: String,
}
