//! Recognising column headers in English, Ukrainian and Russian, and explicit mappings.

use crate::ImportError;
use tally_domain::Field;

/// What a column means to the importer: one of the domain fields, or an age (from which a
/// birth-year interval is derived when a date of death is known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Field(Field),
    Age,
    /// Years (or dates) of life in one column: «1995–2023», "12.03.1995 - 03.04.2023".
    LifeSpan,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Field(f) => f.as_str(),
            Role::Age => "age",
            Role::LifeSpan => "life_span",
        }
    }

    /// A role by its name as used in `--map` (`surname`, `given_name`, ..., `age`).
    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        if s == "age" {
            return Some(Role::Age);
        }
        if s == "life_span" {
            return Some(Role::LifeSpan);
        }
        Field::parse(&s).map(Role::Field)
    }
}

/// Header texts known for each role, already in normalised form (see [`normalize_header`]).
/// Plain "name"/"назва" means a whole name in English lists, so it maps to `full_name`.
const SYNONYMS: &[(Role, &[&str])] = &[
    (
        Role::Field(Field::Surname),
        &["surname", "last name", "lastname", "family name", "прізвище", "фамилия", "фамілія"],
    ),
    (
        Role::Field(Field::GivenName),
        &[
            "given name",
            "first name",
            "firstname",
            "forename",
            "given",
            "ім'я",
            "імя",
            "имя",
            "им'я",
            // Given name and patronymic in one column; the importer splits them.
            "ім'я, по батькові",
            "ім'я по батькові",
            "ім'я та по батькові",
            "ім'я і по батькові",
            "имя, отчество",
            "имя отчество",
            "имя и отчество",
            "first and middle name",
            "given names",
        ],
    ),
    (
        Role::Field(Field::Patronymic),
        &[
            "patronymic",
            "middle name",
            "father's name",
            "по батькові",
            "по-батькові",
            "побатькові",
            "отчество",
            "по отчеству",
        ],
    ),
    (
        Role::Field(Field::FullName),
        &[
            "full name",
            "fullname",
            "name",
            "піб",
            "п і б",
            "прізвище ім'я по батькові",
            "прізвище, ім'я, по батькові",
            "прізвище, ім'я та по батькові",
            "прізвище ім'я та по батькові",
            "фио",
            "ф и о",
            "фамилия имя отчество",
            "фамилия, имя, отчество",
            "фамилия имя",
            "фамилия и имя",
            "прізвище ім'я",
            "прізвище та ім'я",
            "прізвище і ім'я",
            "ім'я та прізвище",
            "ім'я прізвище",
            "name and surname",
            // Official lists often give initials only: «Прізвище, ініціали», «Фамилия И.О.».
            "прізвище, ініціали",
            "прізвище ініціали",
            "прізвище та ініціали",
            "прізвище і ініціали",
            "прізвище, ім'я та ініціали",
            "фамилия, инициалы",
            "фамилия инициалы",
            "фамилия и инициалы",
            "фамилия и о",
            "surname and initials",
            "surname, initials",
            "name and initials",
        ],
    ),
    (
        Role::Field(Field::BirthDate),
        &[
            "date of birth",
            "birth date",
            "birthdate",
            "dob",
            "born",
            "birth year",
            "year of birth",
            "дата народження",
            "дата нар",
            "рік народження",
            "р н",
            "д н",
            "народився",
            "дата рождения",
            "год рождения",
            "г р",
            "родился",
        ],
    ),
    (
        Role::Field(Field::DeathDate),
        &[
            "date of death",
            "death date",
            "died",
            "date of loss",
            "date of disappearance",
            "дата смерті",
            "дата загибелі",
            "дата загибелі (смерті)",
            "дата зникнення",
            "коли зник",
            "коли зникла",
            "зник",
            "зникла",
            "дата зникнення безвісти",
            "missing since",
            "date missing",
            "went missing",
            "загинув",
            "дата гибели",
            "дата смерти",
            "дата гибели (смерти)",
            "дата исчезновения",
            "когда пропал",
            "пропал",
            "погиб",
        ],
    ),
    (Role::Field(Field::Region), &["region", "oblast", "область", "регіон", "регион", "субъект", "субъект рф"]),
    (
        Role::Field(Field::Settlement),
        &[
            "settlement",
            "city",
            "town",
            "village",
            "locality",
            "hometown",
            "place",
            "place of residence",
            "residence",
            "населений пункт",
            "нас пункт",
            "місто",
            "село",
            "населенный пункт",
            "город",
            "место жительства",
            "місце проживання",
            "місце",
            "место",
            // Where the person came from: obituaries write the birthplace («уродженець с.
            // Гута»), and a list with one place column has it under any of these. A list with
            // both a residence and a birthplace column gives the first of them to the place
            // field and keeps the other in the raw row.
            "place of birth",
            "birthplace",
            "birth place",
            "місце народження",
            "место рождения",
            "уродженець",
            "уроженец",
            "звідки",
            "откуда",
        ],
    ),
    (
        Role::Field(Field::Unit),
        &[
            "unit",
            "military unit",
            "військова частина",
            "в ч",
            "частина",
            "підрозділ",
            "воинская часть",
            "часть",
            "подразделение",
        ],
    ),
    (Role::Field(Field::Rank), &["rank", "military rank", "звання", "військове звання", "звание", "воинское звание"]),
    (Role::Field(Field::Status), &["status", "fate", "статус", "доля", "судьба"]),
    (
        Role::Field(Field::RecordId),
        &[
            "id",
            "record id",
            // A column called "record" in a list of people numbers its rows.
            "record",
            "record no",
            "record number",
            "person id",
            "identifier",
            "uid",
            "№",
            "№ п п",
            "№ з п",
            "з п",
            "no",
            "nr",
            "number",
            "#",
            "n",
            "п п",
            "номер",
            "ід",
            "ид",
        ],
    ),
    (Role::Field(Field::Sex), &["sex", "gender", "стать", "пол"]),
    (Role::Field(Field::Category), &["category", "категорія", "категория", "type", "тип"]),
    (Role::Field(Field::Citizenship), &["citizenship", "nationality", "громадянство", "гражданство", "country"]),
    (Role::Age, &["age", "вік", "возраст", "років", "лет"]),
    (
        Role::LifeSpan,
        &[
            "роки життя",
            "рр життя",
            "роки народження та смерті",
            "роки народження і смерті",
            "годы жизни",
            "гг жизни",
            "годы рождения и смерти",
            "life span",
            "lifespan",
            "years of life",
            "born died",
            "born – died",
            "born - died",
        ],
    ),
];

/// Headers that mean a whole name alone but a given name beside a surname column.
const PLAIN_NAME: &[&str] = &["name"];

/// Normalise a header for matching: lower case, one apostrophe form, punctuation that lists
/// scatter around headers (`.`, `:`, `*`, `_`, `/`) turned into spaces, runs of spaces collapsed,
/// and a trailing parenthesised note such as "(дд.мм.рррр)" dropped.
pub fn normalize_header(h: &str) -> String {
    let h = h.trim().trim_start_matches('\u{feff}');
    // camelCase keys of JSON exports ("dateOfBirth", "lastName") are words too.
    let mut split = String::with_capacity(h.len() + 4);
    let mut prev_lower = false;
    for c in h.chars() {
        if prev_lower && c.is_uppercase() {
            split.push(' ');
        }
        prev_lower = c.is_lowercase();
        split.push(c);
    }
    let mut h = split.to_lowercase();
    if let Some(i) = h.find('(') {
        if h.trim_end().ends_with(')') && i > 0 {
            h.truncate(i);
        }
    }
    let mut out = String::with_capacity(h.len());
    for c in h.chars() {
        let c = match c {
            '\u{2019}' | '\u{02BC}' | '\u{2018}' | '`' | '\u{00B4}' | '\u{02B9}' | '\u{0027}' => '\'',
            '.' | ':' | '*' | '_' | '/' | '\\' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// Words after a header that only say whose value it is: lists of the missing and the dead write
/// «ПІБ зниклого», «Дата народження загиблого», «ФИО военнослужащего», "Full name of the
/// deceased". Only words for the person the row is about: «Дата народження матері» (the
/// mother's) must stay unknown.
const SUBJECT: &[&str] = &[
    "зниклого безвісти",
    "безвісти зниклого",
    "безвісти",
    "зниклого",
    "зниклої",
    "загиблого",
    "загиблої",
    "померлого",
    "померлої",
    "полоненого",
    "військовополоненого",
    "військовослужбовця",
    "бійця",
    "захисника",
    "пропавшего без вести",
    "без вести пропавшего",
    "без вести",
    "пропавшего",
    "погибшего",
    "умершего",
    "военнослужащего",
    "военнопленного",
    "бойца",
    "of the deceased",
    "of deceased",
    "of the missing person",
    "of the missing",
    "of missing person",
    "of the soldier",
    "of the serviceman",
    "of the prisoner",
];

/// Headers that name only the person («Загиблий», «Зниклий безвісти», «Погибший», "Deceased"):
/// in a list of the dead or missing such a column holds their names. Read as the whole name only
/// when no other column is a name column, since a list may also use them for a yes/no column.
const PERSON_ALONE: &[&str] = &[
    "загиблий",
    "загибла",
    "зниклий",
    "зникла",
    "зниклий безвісти",
    "безвісти зниклий",
    "померлий",
    "полонений",
    "військовополонений",
    "військовослужбовець",
    "боєць",
    "захисник",
    "погибший",
    "погибшая",
    "пропавший",
    "пропавший без вести",
    "без вести пропавший",
    "умерший",
    "военнослужащий",
    "военнопленный",
    "боец",
    "deceased",
    "the deceased",
    "missing person",
    "soldier",
    "serviceman",
    "prisoner",
];

/// The role a header names, if it is one Tally knows.
pub fn recognize(header: &str) -> Option<Role> {
    let n = normalize_header(header);
    if n.is_empty() {
        return None;
    }
    let known = |n: &str| SYNONYMS.iter().find(|(_, words)| words.contains(&n)).map(|(r, _)| *r);
    known(&n)
        .or_else(|| {
            SUBJECT
                .iter()
                .find_map(|q| n.strip_suffix(q).and_then(|h| h.strip_suffix(' ')).filter(|h| !h.is_empty()))
                .and_then(known)
        })
        .or_else(|| {
            // A nested JSON member ("person.last_name", "location.city"): its own key.
            let (_, last) = header.trim().rsplit_once('.')?;
            let last = last.trim();
            (!last.is_empty() && !last.contains(' ')).then(|| recognize(last)).flatten()
        })
}

/// An explicit column mapping: (role, column header as written in the file).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    pub pairs: Vec<(Role, String)>,
}

impl Mapping {
    /// Parse one `field=Column` pair.
    pub fn parse_pair(s: &str) -> Result<(Role, String), ImportError> {
        let (f, c) = s.split_once('=').ok_or_else(|| ImportError::Mapping(format!("{s:?} is not field=Column")))?;
        let role = Role::parse(f).ok_or_else(|| {
            ImportError::Mapping(format!(
                "unknown field {:?}; known fields: {}, age, life_span",
                f.trim(),
                Field::ALL.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        let col = c.trim();
        if col.is_empty() {
            return Err(ImportError::Mapping(format!("{s:?} names no column")));
        }
        Ok((role, col.to_string()))
    }

    /// Parse a mapping file: one `field=Column` per line; blank lines and `#` comments ignored.
    pub fn parse_file(text: &str) -> Result<Mapping, ImportError> {
        let mut pairs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let pair =
                Mapping::parse_pair(line).map_err(|e| ImportError::Mapping(format!("mapping line {}: {e}", i + 1)))?;
            pairs.push(pair);
        }
        Ok(Mapping { pairs })
    }
}

/// Assign roles to the columns of a header row: explicit mapping first, then recognition.
/// Each role goes to at most one column (the first that claims it); other columns are kept
/// in the raw row only.
pub fn assign_roles(headers: &[String], mapping: &Mapping) -> Result<Vec<Option<Role>>, ImportError> {
    let mut roles: Vec<Option<Role>> = vec![None; headers.len()];
    for (role, col) in &mapping.pairs {
        let idx = headers
            .iter()
            .position(|h| h.trim() == col.trim())
            .or_else(|| {
                let want = normalize_header(col);
                headers.iter().position(|h| normalize_header(h) == want)
            })
            .ok_or_else(|| {
                ImportError::Mapping(format!("no column {col:?} for {}; columns are: {}", role.as_str(), list(headers)))
            })?;
        roles[idx] = Some(*role);
    }
    let explicit: Vec<Role> = mapping.pairs.iter().map(|p| p.0).collect();
    for (i, h) in headers.iter().enumerate() {
        if roles[i].is_some() {
            continue;
        }
        if let Some(r) = recognize(h) {
            if !explicit.contains(&r) && !roles.contains(&Some(r)) {
                roles[i] = Some(r);
            }
        }
    }
    let is_name =
        |r: &Option<Role>| matches!(r, Some(Role::Field(Field::Surname | Field::GivenName | Field::FullName)));
    if !roles.iter().any(is_name) {
        if let Some(i) = (0..headers.len())
            .find(|&i| roles[i].is_none() && PERSON_ALONE.contains(&normalize_header(&headers[i]).as_str()))
        {
            roles[i] = Some(Role::Field(Field::FullName));
        }
    }
    // "surname, name, patronymic": beside a surname column, a plain "name" is the given name,
    // not a whole name (read as one, its value would be split into a surname and dropped).
    let full = Some(Role::Field(Field::FullName));
    if roles.contains(&Some(Role::Field(Field::Surname))) && !roles.contains(&Some(Role::Field(Field::GivenName))) {
        if let Some(i) = (0..headers.len()).find(|&i| {
            roles[i] == full
                && !explicit.contains(&Role::Field(Field::FullName))
                && PLAIN_NAME.contains(&normalize_header(&headers[i]).as_str())
        }) {
            roles[i] = Some(Role::Field(Field::GivenName));
        }
    }
    Ok(roles)
}

pub(crate) fn list(headers: &[String]) -> String {
    headers.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(field: Field) -> Option<Role> {
        Some(Role::Field(field))
    }

    #[test]
    fn three_languages_and_variants() {
        assert_eq!(recognize("Прізвище"), f(Field::Surname));
        assert_eq!(recognize("  ФАМИЛИЯ "), f(Field::Surname));
        // camelCase keys of JSON exports.
        assert_eq!(recognize("lastName"), f(Field::Surname));
        assert_eq!(recognize("dateOfBirth"), f(Field::BirthDate));
        assert_eq!(recognize("dateOfDeath"), f(Field::DeathDate));
        assert_eq!(recognize("placeOfResidence"), f(Field::Settlement));
        assert_eq!(recognize("DOB"), f(Field::BirthDate));
        // Ukrainian "№ з/п" (за порядком) as Russian "№ п/п".
        assert_eq!(recognize("№ з/п"), f(Field::RecordId));
        assert_eq!(recognize("№ п/п"), f(Field::RecordId));
        assert_eq!(recognize("Ім’я"), f(Field::GivenName));
        assert_eq!(recognize("Імʼя"), f(Field::GivenName));
        assert_eq!(recognize("Ім'я"), f(Field::GivenName));
        assert_eq!(recognize("Имя"), f(Field::GivenName));
        assert_eq!(recognize("First  Name"), f(Field::GivenName));
        assert_eq!(recognize("По батькові"), f(Field::Patronymic));
        assert_eq!(recognize("Отчество"), f(Field::Patronymic));
        assert_eq!(recognize("ПІБ"), f(Field::FullName));
        assert_eq!(recognize("П.І.Б."), f(Field::FullName));
        assert_eq!(recognize("Ф.И.О."), f(Field::FullName));
        assert_eq!(recognize("Прізвище та ім’я"), f(Field::FullName));
        assert_eq!(recognize("Дата народження"), f(Field::BirthDate));
        assert_eq!(recognize("Дата народження (дд.мм.рррр)"), f(Field::BirthDate));
        assert_eq!(recognize("date_of_birth"), f(Field::BirthDate));
        assert_eq!(recognize("Дата смерті"), f(Field::DeathDate));
        assert_eq!(recognize("Дата гибели"), f(Field::DeathDate));
        assert_eq!(recognize("Область"), f(Field::Region));
        assert_eq!(recognize("Регион"), f(Field::Region));
        assert_eq!(recognize("Населений пункт"), f(Field::Settlement));
        assert_eq!(recognize("Військова частина"), f(Field::Unit));
        assert_eq!(recognize("в/ч"), f(Field::Unit));
        assert_eq!(recognize("Звання"), f(Field::Rank));
        assert_eq!(recognize("Статус"), f(Field::Status));
        assert_eq!(recognize("№"), f(Field::RecordId));
        assert_eq!(recognize("ID"), f(Field::RecordId));
        assert_eq!(recognize("record"), f(Field::RecordId));
        assert_eq!(recognize("Record No."), f(Field::RecordId));
        assert_eq!(recognize("personId"), f(Field::RecordId));
        assert_eq!(recognize("person_id"), f(Field::RecordId));
        assert_eq!(recognize("№ п/п"), f(Field::RecordId));
        assert_eq!(recognize("Стать"), f(Field::Sex));
        assert_eq!(recognize("Пол"), f(Field::Sex));
        assert_eq!(recognize("Категорія"), f(Field::Category));
        assert_eq!(recognize("Громадянство"), f(Field::Citizenship));
        assert_eq!(recognize("Вік"), Some(Role::Age));
        assert_eq!(recognize("Роки життя"), Some(Role::LifeSpan));
        // A family report's date of disappearance is the field's date (of death or disappearance).
        assert_eq!(recognize("Коли зник"), Some(Role::Field(Field::DeathDate)));
        assert_eq!(recognize("Missing since"), Some(Role::Field(Field::DeathDate)));
        assert_eq!(recognize("Годы жизни"), Some(Role::LifeSpan));
        assert_eq!(Role::parse("life_span"), Some(Role::LifeSpan));
        // Initials-only name columns, and birthplaces as the place.
        assert_eq!(recognize("Прізвище, ініціали"), f(Field::FullName));
        assert_eq!(recognize("Прізвище та ініціали"), f(Field::FullName));
        assert_eq!(recognize("Фамилия И.О."), f(Field::FullName));
        assert_eq!(recognize("Фамилия и инициалы"), f(Field::FullName));
        assert_eq!(recognize("Surname and initials"), f(Field::FullName));
        assert_eq!(recognize("Місце народження"), f(Field::Settlement));
        assert_eq!(recognize("Место рождения"), f(Field::Settlement));
        assert_eq!(recognize("Place of birth"), f(Field::Settlement));
        assert_eq!(recognize("Уродженець"), f(Field::Settlement));
        assert_eq!(recognize("Звідки"), f(Field::Settlement));
        assert_eq!(recognize("Місце народження загиблого"), f(Field::Settlement));
        assert_eq!(recognize("Ім'я, по батькові"), f(Field::GivenName));
        assert_eq!(recognize("Имя, отчество"), f(Field::GivenName));
        // Nested JSON members by their own key.
        assert_eq!(recognize("person.last_name"), f(Field::Surname));
        assert_eq!(recognize("location.city"), f(Field::Settlement));
        assert_eq!(recognize("person.notes"), None);
        // Headers that say whose value it is.
        assert_eq!(recognize("ПІБ зниклого"), f(Field::FullName));
        assert_eq!(recognize("ПІБ зниклого безвісти"), f(Field::FullName));
        assert_eq!(recognize("Дата народження загиблого"), f(Field::BirthDate));
        assert_eq!(recognize("ФИО военнослужащего"), f(Field::FullName));
        assert_eq!(recognize("Звание погибшего"), f(Field::Rank));
        assert_eq!(recognize("Full name of the deceased"), f(Field::FullName));
        assert_eq!(recognize("Date of birth of the missing person"), f(Field::BirthDate));
        assert_eq!(recognize("Дата народження матері"), None, "another person's date");
        assert_eq!(recognize("зниклого"), None);
        assert_eq!(recognize("Примітка"), None);
        assert_eq!(recognize(""), None);
    }

    #[test]
    fn a_header_naming_only_the_person_is_the_name_when_nothing_else_is() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let none = Mapping::default();
        assert_eq!(
            assign_roles(&h(&["Загиблий", "Вік", "Звідки"]), &none).unwrap(),
            vec![f(Field::FullName), Some(Role::Age), f(Field::Settlement)]
        );
        assert_eq!(assign_roles(&h(&["Deceased", "Date of death"]), &none).unwrap()[0], f(Field::FullName));
        // Beside a name column it is something else (a yes/no column, say) and stays unknown.
        assert_eq!(assign_roles(&h(&["Загиблий", "ПІБ"]), &none).unwrap(), vec![None, f(Field::FullName)]);
        assert_eq!(recognize("Загиблий"), None);
    }

    #[test]
    fn explicit_mapping_wins() {
        let headers: Vec<String> = ["Col A", "Прізвище", "Family"].iter().map(|s| s.to_string()).collect();
        let m = Mapping { pairs: vec![Mapping::parse_pair("surname=Family").unwrap()] };
        let roles = assign_roles(&headers, &m).unwrap();
        assert_eq!(roles, vec![None, None, f(Field::Surname)]);
        let m = Mapping::parse_file("# comment\n\ngiven_name = Col A\n").unwrap();
        assert_eq!(assign_roles(&headers, &m).unwrap(), vec![f(Field::GivenName), f(Field::Surname), None]);
        assert!(matches!(Mapping::parse_pair("nickname=X"), Err(ImportError::Mapping(_))));
        let m = Mapping { pairs: vec![Mapping::parse_pair("surname=Nope").unwrap()] };
        assert!(assign_roles(&headers, &m).unwrap_err().to_string().contains("\"Col A\""));
    }
}
