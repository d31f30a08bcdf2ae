use crate::PartialDate;

/// An aggregate figure someone stated ("official toll: 46,000 killed, as of 2025-02"). A claim
/// is its own dated object: it is never turned into named records, and named records never
/// silently update it. Estimation sets claims beside its own figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Claim {
    /// Who stated it ("Ukraine, President's Office").
    pub claimant: String,
    /// What is counted ("killed", "bodies returned", "prisoners held").
    pub measure: String,
    pub value: u64,
    /// The date the figure refers to ("as of").
    pub as_of: PartialDate,
    /// Population or scope ("Ukrainian servicemen", "Donetsk region").
    pub scope: Option<String>,
    /// Where it was published.
    pub citation: Option<String>,
}
