use crate::{PartialDate, RecordKey};

/// What a record claims happened to a person. A person's status history is only appended to:
/// each entry cites the record that claims it, and a later claim never erases an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Missing,
    Prisoner,
    Killed,
    RemainsReturned,
    Identified,
    Released,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}; expected missing, prisoner, killed, remains_returned, identified or released")]
pub struct StatusError(pub String);

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Missing,
        Status::Prisoner,
        Status::Killed,
        Status::RemainsReturned,
        Status::Identified,
        Status::Released,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Missing => "missing",
            Status::Prisoner => "prisoner",
            Status::Killed => "killed",
            Status::RemainsReturned => "remains_returned",
            Status::Identified => "identified",
            Status::Released => "released",
        }
    }

    /// Read a status as lists write it, in English, Ukrainian or Russian.
    pub fn parse(s: &str) -> Result<Status, StatusError> {
        let t = fold_lookalikes(s.trim()).to_lowercase();
        let t = t.as_str();
        let hit = |words: &[&str]| words.iter().any(|w| t.starts_with(w));
        Ok(if let Some(st) = Status::ALL.into_iter().find(|st| st.as_str() == t) {
            st
        } else if hit(&["remains", "тіло повернуто", "тело возвращено", "повернуто тіло", "repatriated"])
        {
            Status::RemainsReturned
        } else if hit(&["missing", "mia", "зник", "пропав", "пропал", "бвп", "безвісти", "безвести"])
        {
            Status::Missing
        } else if hit(&[
            "prisoner",
            "pow",
            "captured",
            "captive",
            "in captivity",
            "полон",
            "в полоні",
            "у полоні",
            "в плену",
            "плен",
            "військовополонений",
            "военнопленный",
        ]) {
            Status::Prisoner
        } else if hit(&[
            "killed",
            "dead",
            "died",
            "deceased",
            "fallen",
            "kia",
            "загинув",
            "загинула",
            "загибл",
            "погиб",
            "убит",
            "помер",
            "умер",
        ]) {
            Status::Killed
        } else if hit(&["identified", "ідентифіковано", "идентифицирован", "опізнано", "опознан"])
        {
            Status::Identified
        } else if hit(&["released", "freed", "exchanged", "звільнен", "освобожд", "обмінян", "обменян", "returned"])
        {
            Status::Released
        } else {
            return Err(StatusError(s.to_string()));
        })
    }
}

/// A short code typed on a Cyrillic keyboard layout («КІА», «МІА», «РОW»: Cyrillic letters that
/// look like the Latin ones) read as the Latin code it shows. Only codes of up to four letters
/// whose every letter is Latin or such a lookalike; words are left as they are.
fn fold_lookalikes(s: &str) -> std::borrow::Cow<'_, str> {
    fn latin(c: char) -> Option<char> {
        Some(match c {
            'А' | 'а' => 'A',
            'В' | 'в' => 'B',
            'С' | 'с' => 'C',
            'Е' | 'е' => 'E',
            'Н' | 'н' => 'H',
            'І' | 'і' => 'I',
            'К' | 'к' => 'K',
            'М' | 'м' => 'M',
            'О' | 'о' => 'O',
            'Р' | 'р' => 'P',
            'Т' | 'т' => 'T',
            'Х' | 'х' => 'X',
            c if c.is_ascii_alphabetic() => c,
            _ => return None,
        })
    }
    let n = s.chars().count();
    if n == 0 || n > 4 || s.is_ascii() {
        return s.into();
    }
    match s.chars().map(latin).collect::<Option<String>>() {
        Some(code) => code.into(),
        None => s.into(),
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One appended entry of a person's status history.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatusEntry {
    pub status: Status,
    /// When the status took effect, as precisely as the record says.
    pub date: Option<PartialDate>,
    /// The record that claims it.
    pub cites: RecordKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_three_languages() {
        assert_eq!(Status::parse("Загинув").unwrap(), Status::Killed);
        assert_eq!(Status::parse("погиб").unwrap(), Status::Killed);
        assert_eq!(Status::parse("KIA").unwrap(), Status::Killed);
        assert_eq!(Status::parse("зниклий безвісти").unwrap(), Status::Missing);
        assert_eq!(Status::parse("в плену").unwrap(), Status::Prisoner);
        // As English newsrooms and Ukrainian family reports write them.
        assert_eq!(Status::parse("captured").unwrap(), Status::Prisoner);
        assert_eq!(Status::parse("In captivity").unwrap(), Status::Prisoner);
        assert_eq!(Status::parse("у полоні").unwrap(), Status::Prisoner);
        assert_eq!(Status::parse("MIA").unwrap(), Status::Missing);
        assert_eq!(Status::parse("deceased").unwrap(), Status::Killed);
        // Codes typed with Cyrillic lookalike letters.
        assert_eq!(Status::parse("КІА").unwrap(), Status::Killed);
        assert_eq!(Status::parse("МІА").unwrap(), Status::Missing);
        assert_eq!(Status::parse("РОW").unwrap(), Status::Prisoner);
        assert!(Status::parse("КІТ").is_err(), "no code, no status");
        assert_eq!(Status::parse("freed").unwrap(), Status::Released);
        assert_eq!(Status::parse("remains returned").unwrap(), Status::RemainsReturned);
        assert!(Status::parse("banana").is_err());
    }
}
