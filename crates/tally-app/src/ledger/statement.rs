//! The domain statements of the exchange ledger and their canonical, versioned entry bytes.
//!
//! An entry is a C2SP signed note, signed by whoever makes the statement. Its text is
//!
//! ```text
//! tally.ledger/<kind>/v1
//! <field path> <JSON value>
//! ...
//! ```
//!
//! with one line per scalar field: nested objects and arrays of objects are flattened into dotted
//! paths (`terms.1.formula "6000-for-6000"`), other values are compact JSON, keys come in sorted
//! order, and absent values are left out. Decoding re-encodes and compares, so exactly one byte
//! string stands for each statement, and anyone can read an entry with a text editor and check its
//! signature with Go's `sumdb/note`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Entry format version: bump when a statement's fields change meaning.
pub const VERSION: &str = "v1";
const PREFIX: &str = "tally.ledger/";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum StatementError {
    #[error("entry text: {0}")]
    Format(String),
    #[error("unknown statement kind {0:?}")]
    UnknownKind(String),
    #[error("unsupported version {0:?} (this tally reads {VERSION})")]
    Version(String),
    #[error("{kind} statement: {detail}")]
    Fields { kind: String, detail: String },
    #[error("entry is not in canonical form")]
    NotCanonical,
}

/// Who a party is in an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A side of the exchange: states agreements, lists, handovers and findings.
    Party,
    /// A neutral intermediary (e.g. the ICRC): attests only what it observed.
    Intermediary,
}

/// A party's registration, signed by the key it registers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// C2SP verifier key (`name+id+base64`).
    pub vkey: String,
    pub date: String,
}

/// Key rotation: signed by the party's current key and by the new key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyKey {
    pub party: String,
    pub vkey: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TermKind {
    Pow,
    Civilians,
    Remains,
    Other,
}

impl TermKind {
    pub fn label(self) -> &'static str {
        match self {
            TermKind::Pow => "prisoners",
            TermKind::Civilians => "civilians",
            TermKind::Remains => "remains",
            TermKind::Other => "other",
        }
    }
}

/// One term of an agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub kind: TermKind,
    /// `6000-for-6000`, `all-for-all`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// Target count per side, if the formula fixes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<u64>,
    /// What is counted: `persons`, `bodies`, `containers`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Term {
    /// The per-side target a formula such as `6000-for-6000` fixes.
    pub fn target_per_side(&self) -> Option<u64> {
        self.target.or_else(|| {
            let f = self.formula.as_deref()?;
            let (a, b) = f.split_once("-for-")?;
            let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
            (a == b).then_some(a)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub id: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediator: Option<String>,
    /// Party ids bound by it; it is agreed when each has stated or confirmed it.
    pub parties: Vec<String>,
    pub terms: Vec<Term>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A proposed date (and place) for a handover; confirmed only when every party has signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub agreement: String,
    /// 1-based term number in the agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u32>,
    /// The date proposed for the handover.
    pub handover_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// When the proposal was made.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The logged reference to a private manifest: its Merkle root (hex) and row count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRef {
    pub root: String,
    pub rows: u64,
}

/// A list of persons one side submits under an agreement (names stay in the private manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct List {
    pub id: String,
    pub agreement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u32>,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestRef>,
    pub date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    Accept,
    Reject,
}

/// A decision on a list, or on one row of it, with a reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Entry index of the list statement.
    pub list: u64,
    /// Row of the list's manifest; absent for a decision on the whole list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub decision: DecisionKind,
    pub reason: String,
    pub date: String,
}

/// One side's statement about one handover event. The deliverer's statement gives the delivered
/// count, the receiver's the received count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    /// Event id shared by all statements about the same handover.
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u32>,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub deliverer: String,
    pub receiver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<u64>,
    /// Persons claimed (bodies, prisoners) in this handover, by this statement's author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_category: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<ManifestRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// One side's cumulative count over several handover events (when it gave no per-event count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Total {
    pub agreement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u32>,
    pub events: Vec<String>,
    pub deliverer: String,
    pub receiver: String,
    pub count: u64,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Confirm,
    /// Confirm with a reservation (the reason says which).
    Reservation,
    Dispute,
}

/// What an intermediary saw: nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub containers: Option<u64>,
}

/// A party's confirmation, reservation or dispute of an earlier entry, bound to its leaf hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    pub entry: u64,
    /// Hex RFC 6962 leaf hash of the attested entry.
    pub entry_hash: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<Observed>,
    pub date: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Remains of the other side's national among those returned.
    ForeignNational,
    Identified,
    Commingled,
    /// A person on an exchange list returned dead.
    ListedReturnedDead,
    /// An earlier identification shown wrong.
    Misidentified,
}

impl FindingKind {
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::ForeignNational => "foreign national",
            FindingKind::Identified => "identified",
            FindingKind::Commingled => "commingled",
            FindingKind::ListedReturnedDead => "listed, returned dead",
            FindingKind::Misidentified => "misidentified",
        }
    }
}

/// A finding from identification work. Never edited: a later finding supersedes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub id: String,
    pub finding: FindingKind,
    /// Handover events the finding is about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<String>,
    pub count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_relatives: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<String>,
    /// Entry index of the finding this one replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<u64>,
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A dispute raised by a party, about entries or about something not (yet) in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispute {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<u64>,
    pub claim: String,
    pub date: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// A correction of one field of the author's own earlier statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub corrects: u64,
    pub field: String,
    pub value: Value,
    pub reason: String,
    pub date: String,
}

/// Every statement kind. `by` (the author's party id) is common to all and lives on the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Body {
    Party(Party),
    PartyKey(PartyKey),
    Agreement(Agreement),
    Schedule(Schedule),
    List(List),
    Decision(Decision),
    Handover(Handover),
    Total(Total),
    Attestation(Attestation),
    Finding(Finding),
    Dispute(Dispute),
    Correction(Correction),
}

impl Body {
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Party(_) => "party",
            Body::PartyKey(_) => "party-key",
            Body::Agreement(_) => "agreement",
            Body::Schedule(_) => "schedule",
            Body::List(_) => "list",
            Body::Decision(_) => "decision",
            Body::Handover(_) => "handover",
            Body::Total(_) => "total",
            Body::Attestation(_) => "attestation",
            Body::Finding(_) => "finding",
            Body::Dispute(_) => "dispute",
            Body::Correction(_) => "correction",
        }
    }

    /// The date the statement is about (its event or statement date), for the timeline.
    pub fn date(&self) -> &str {
        match self {
            Body::Party(x) => &x.date,
            Body::PartyKey(x) => &x.date,
            Body::Agreement(x) => &x.date,
            Body::Schedule(x) => &x.date,
            Body::List(x) => &x.date,
            Body::Decision(x) => &x.date,
            Body::Handover(x) => &x.date,
            Body::Total(x) => &x.date,
            Body::Attestation(x) => &x.date,
            Body::Finding(x) => &x.date,
            Body::Dispute(x) => &x.date,
            Body::Correction(x) => &x.date,
        }
    }
}

/// A statement: who says it, and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub by: String,
    #[serde(flatten)]
    pub body: Body,
}

impl Statement {
    pub fn new(by: &str, body: Body) -> Statement {
        Statement { by: by.to_string(), body }
    }

    /// The canonical note text of this statement.
    pub fn to_text(&self) -> Result<String, StatementError> {
        let kind = self.body.kind();
        let mut v = serde_json::to_value(&self.body).map_err(|e| fields(kind, e))?;
        let obj = v.as_object_mut().ok_or_else(|| fields(kind, "not an object"))?;
        obj.remove("kind");
        obj.insert("by".into(), Value::String(self.by.clone()));
        let mut out = format!("{PREFIX}{kind}/{VERSION}\n");
        flatten("", &Value::Object(obj.clone()), &mut out, kind)?;
        Ok(out)
    }

    /// Parses canonical note text back into a statement.
    pub fn from_text(text: &str) -> Result<Statement, StatementError> {
        let mut lines = text.strip_suffix('\n').ok_or_else(|| format_err("no final newline"))?.split('\n');
        let head = lines.next().unwrap_or_default();
        let rest = head
            .strip_prefix(PREFIX)
            .ok_or_else(|| format_err(&format!("first line {head:?} is not {PREFIX}<kind>/<version>")))?;
        let (kind, version) = rest.rsplit_once('/').ok_or_else(|| format_err("missing version"))?;
        if version != VERSION {
            return Err(StatementError::Version(version.to_string()));
        }
        let mut root = Value::Object(Map::new());
        for line in lines {
            let (path, json) =
                line.split_once(' ').ok_or_else(|| format_err(&format!("line {line:?} has no value")))?;
            let value: Value = serde_json::from_str(json).map_err(|e| fields(kind, format!("field {path}: {e}")))?;
            insert(&mut root, path, value).map_err(|d| fields(kind, format!("field {path}: {d}")))?;
        }
        let obj = root.as_object_mut().expect("root is an object");
        let by = match obj.remove("by") {
            Some(Value::String(s)) => s,
            _ => return Err(fields(kind, "missing field by")),
        };
        obj.insert("kind".into(), Value::String(kind.to_string()));
        let body: Body = serde_json::from_value(root).map_err(|e| {
            if e.to_string().contains("unknown variant") {
                StatementError::UnknownKind(kind.to_string())
            } else {
                fields(kind, e)
            }
        })?;
        let st = Statement { by, body };
        if st.to_text()? != text {
            return Err(StatementError::NotCanonical);
        }
        Ok(st)
    }
}

fn format_err(d: &str) -> StatementError {
    StatementError::Format(d.to_string())
}

fn fields(kind: &str, d: impl std::fmt::Display) -> StatementError {
    StatementError::Fields { kind: kind.to_string(), detail: d.to_string() }
}

fn is_object_array(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object))
}

fn flatten(prefix: &str, v: &Value, out: &mut String, kind: &str) -> Result<(), StatementError> {
    let join = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k.is_empty() || k.contains(['.', ' ', '\n']) || k.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(fields(kind, format!("key {k:?} cannot be a field name")));
                }
                flatten(&join(k), x, out, kind)?;
            }
        }
        Value::Array(a) if is_object_array(v) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&join(&(i + 1).to_string()), x, out, kind)?;
            }
        }
        Value::Null => {}
        other => {
            out.push_str(prefix);
            out.push(' ');
            out.push_str(&serde_json::to_string(other).map_err(|e| fields(kind, e))?);
            out.push('\n');
        }
    }
    Ok(())
}

/// Inserts `value` at a dotted path; numeric segments (1-based) index arrays of objects.
fn insert(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let segs: Vec<&str> = path.split('.').collect();
    let mut cur = root;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let next_is_index = !last && segs[i + 1].bytes().all(|b| b.is_ascii_digit());
        let fresh = || if next_is_index { Value::Array(Vec::new()) } else { Value::Object(Map::new()) };
        if seg.is_empty() {
            return Err("empty path segment".into());
        }
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            let n: usize = seg.parse().map_err(|_| "bad index")?;
            let arr = cur.as_array_mut().ok_or("index into a non-array")?;
            if n == 0 || n > arr.len() + 1 {
                return Err(format!("array index {n} out of order"));
            }
            if n == arr.len() + 1 {
                arr.push(Value::Object(Map::new()));
            }
            cur = &mut arr[n - 1];
            if last {
                return Err("array element must be an object".into());
            }
        } else {
            let obj = cur.as_object_mut().ok_or("field inside a non-object")?;
            if last {
                if obj.insert(seg.to_string(), value).is_some() {
                    return Err("repeated field".into());
                }
                return Ok(());
            }
            cur = obj.entry(seg.to_string()).or_insert_with(fresh);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agreement() -> Statement {
        Statement::new(
            "UA",
            Body::Agreement(Agreement {
                id: "AGR-2025-06-02-IST".into(),
                date: "2025-06-02".into(),
                place: Some("Istanbul (Ciragan Palace)".into()),
                mediator: Some("Turkey".into()),
                parties: vec!["UA".into(), "RU".into()],
                terms: vec![
                    Term {
                        kind: TermKind::Pow,
                        formula: Some("all-for-all".into()),
                        categories: vec!["seriously wounded".into(), "aged 18-25".into()],
                        target: None,
                        unit: Some("persons".into()),
                        text: None,
                    },
                    Term {
                        kind: TermKind::Remains,
                        formula: Some("6000-for-6000".into()),
                        categories: vec![],
                        target: None,
                        unit: Some("bodies".into()),
                        text: None,
                    },
                ],
                notes: None,
                sources: vec![],
            }),
        )
    }

    #[test]
    fn canonical_text_round_trips() {
        let s = agreement();
        let t = s.to_text().unwrap();
        assert!(t.starts_with("tally.ledger/agreement/v1\nby \"UA\"\n"), "{t}");
        assert!(t.contains("terms.2.formula \"6000-for-6000\"\n"), "{t}");
        assert_eq!(Statement::from_text(&t).unwrap(), s);
        if let Body::Agreement(a) = &s.body {
            assert_eq!(a.terms[1].target_per_side(), Some(6000));
            assert_eq!(a.terms[0].target_per_side(), None);
        }
    }

    #[test]
    fn non_canonical_and_unknown_are_refused() {
        let t = agreement().to_text().unwrap();
        let swapped = t.replace("by \"UA\"\ndate \"2025-06-02\"\n", "date \"2025-06-02\"\nby \"UA\"\n");
        assert_ne!(swapped, t);
        assert_eq!(Statement::from_text(&swapped), Err(StatementError::NotCanonical));
        assert!(matches!(Statement::from_text(&t.replace("/v1", "/v9")), Err(StatementError::Version(_))));
        assert!(matches!(
            Statement::from_text(&t.replace("agreement/v1", "treaty/v1")),
            Err(StatementError::UnknownKind(_))
        ));
        assert!(Statement::from_text(&t.replace("by \"UA\"\n", "")).is_err());
        assert!(Statement::from_text(&format!("{t}extra 1\n")).is_err());
        assert!(Statement::from_text(&t.replace("terms.2.", "terms.3.")).is_err());
    }
}
