//! The one place where linkage meets the names crate: preparing a name once per distinct
//! value, its cross-script blocking key, and the graded comparison mapped onto linkage levels.
//!
//! INTERIM: until `tally-names` exposes `prepare`/`name_key`/`compare_prepared`, this uses a
//! case-folded form and Jaro-Winkler. It does no transliteration (that is the names crate's job).

use crate::levels::NameLevel;

/// Which part of a name a value is; the comparator treats them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NamePart {
    Surname,
    Given,
    Patronymic,
}

/// A name prepared once per distinct value: what the comparator needs, plus its blocking key.
#[derive(Debug, Clone)]
pub struct PreparedName {
    pub form: String,
    /// Cross-script key: all spellings of one name share it, different names rarely do.
    pub key: String,
}

pub fn prepare(_part: NamePart, s: &str) -> PreparedName {
    let form: String = s.trim().to_lowercase();
    PreparedName { key: form.clone(), form }
}

/// Compare two prepared names; returns the linkage level and the comparator's reason.
pub fn compare(_part: NamePart, a: &PreparedName, b: &PreparedName) -> (NameLevel, String) {
    if a.form == b.form {
        return (NameLevel::Exact, "exact".into());
    }
    let jw = strsim::jaro_winkler(&a.form, &b.form);
    let lvl = if jw >= 0.95 {
        NameLevel::Close
    } else if jw >= 0.85 {
        NameLevel::Weak
    } else {
        NameLevel::Different
    };
    (lvl, format!("jaro-winkler {jw:.2}"))
}
