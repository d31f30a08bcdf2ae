//! Regions and military ranks across scripts and languages: one code for every way lists write them.
//!
//! Lists name a region as «Одеська область», «Одесская обл.», "Odesa Oblast" or "Odeska"; a rank as
//! «старший солдат», «ефрейтор» or "Senior Private". Transliteration does not join these (English lists
//! translate them), so linkage would otherwise learn nothing from them across scripts. Regions map to
//! their ISO 3166-2 codes, ranks to NATO STANAG 2116 grades (`data/regions.tsv`, `data/ranks.tsv`).
//!
//! Lookup drops what sources add or omit (city prefixes, the words oblast / край / republic / autonomous
//! okrug, punctuation, word order), tries the whole phrase, then its core word(s), then the cross-script
//! key of the core, so a transliterated Ukrainian or Russian form («Odeska oblast») finds its code too.
//! A core shared by two codes (Kyiv the city and Kyiv Oblast) resolves only through the whole phrase.

use std::sync::OnceLock;

use crate::dict::FxMap;
use crate::{name_key, normalize};

const REGIONS_TSV: &str = include_str!("../data/regions.tsv");
const RANKS_TSV: &str = include_str!("../data/ranks.tsv");

/// Tokens that only say what kind of place follows (or that a value is a city).
/// Prepositions too: obituaries write where a person came from as «з Житомирщини», «на Київщині».
const DROP: &[&str] = &[
    "м",
    "г",
    "гор",
    "місто",
    "город",
    "city",
    "misto",
    "gorod",
    "of",
    "the",
    "смт",
    "пгт",
    "town",
    "з",
    "із",
    "зі",
    "на",
    "в",
    "у",
    "из",
    "from",
    "in",
];

/// Generic words of a region's name, mapped to one token each.
fn generic(t: &str) -> Option<&'static str> {
    Some(match t {
        "область" | "області" | "области" | "обл" | "oblast" | "obl" | "region" | "регион" | "регіон" | "oblast'"
        | "oblasti" => "obl",
        "край" | "krai" | "kray" => "krai",
        "республика" | "республіка" | "respublika" | "respublica" | "republic" | "rep" | "resp" => {
            "rep"
        }
        "автономный" | "автономная" | "автономна" | "autonomous" | "avtonomnyi" | "ао" | "ar" | "ар" => {
            "auto"
        }
        "округ" | "okrug" | "district" => "okrug",
        "народная" | "народна" | "people's" | "peoples" | "people" | "s" => "people",
        _ => return None,
    })
}

fn tokens(s: &str) -> Vec<String> {
    let n = normalize(s);
    n.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|t| t.trim_matches('\''))
        .filter(|t| !t.is_empty() && !DROP.contains(t))
        .map(str::to_string)
        .collect()
}

/// A region's adjective in the nominative: lists write «Одеської обл.», «Київській області»,
/// «Харьковской области» (genitive, locative) where the reference table has «Одеська», «Харьковская».
fn nominative(t: String) -> String {
    for (case, nom) in [
        ("ської", "ська"),
        ("цької", "цька"),
        ("зької", "зька"),
        ("ській", "ська"),
        ("цькій", "цька"),
        ("зькій", "зька"),
        ("ской", "ская"),
        ("цкой", "цкая"),
        // «з Житомирщини», «на Київщині», «на Вінниччині».
        ("щини", "щина"),
        ("щині", "щина"),
        ("ччини", "ччина"),
        ("ччині", "ччина"),
    ] {
        if let Some(stem) = t.strip_suffix(case) {
            if stem.chars().count() >= 2 {
                return format!("{stem}{nom}");
            }
        }
    }
    t
}

/// (whole phrase, core words) of a region name: tokens sorted, generic words mapped; the core
/// without them.
fn region_keys(s: &str) -> (String, String) {
    let mut full: Vec<String> =
        tokens(s).into_iter().map(|t| generic(&t).map_or_else(|| nominative(t), str::to_string)).collect();
    full.sort();
    let core: Vec<&str> = full
        .iter()
        .map(String::as_str)
        .filter(|t| !matches!(*t, "obl" | "krai" | "rep" | "auto" | "okrug" | "people"))
        .collect();
    (full.join(" "), core.join(" "))
}

/// Code lookup by whole phrase, core and cross-script key of the core; `None` marks a key shared by two
/// codes.
#[derive(Default)]
struct Index {
    full: FxMap<String, &'static str>,
    core: FxMap<String, Option<&'static str>>,
    key: FxMap<String, Option<&'static str>>,
}

impl Index {
    fn build(tsv: &'static str, keys: fn(&str) -> (String, String)) -> Index {
        let mut ix = Index::default();
        for line in tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (code, names) = line.split_once('\t').expect("data file: code<TAB>names");
            for name in names.split('|') {
                let (full, core) = keys(name);
                ix.full.entry(full).or_insert(code);
                if core.is_empty() {
                    continue;
                }
                let k = name_key(&core);
                for (map, key) in [(&mut ix.core, core), (&mut ix.key, k)] {
                    if key.is_empty() {
                        continue;
                    }
                    let e = map.entry(key).or_insert(Some(code));
                    if *e != Some(code) {
                        *e = None;
                    }
                }
            }
        }
        ix
    }

    fn find(&self, s: &str, keys: fn(&str) -> (String, String)) -> Option<&'static str> {
        let (full, core) = keys(s);
        if let Some(&c) = self.full.get(&full) {
            return Some(c);
        }
        if core.is_empty() {
            return None;
        }
        if let Some(&c) = self.core.get(&core) {
            return c;
        }
        self.key.get(&name_key(&core)).copied().flatten()
    }
}

fn regions() -> &'static Index {
    static R: OnceLock<Index> = OnceLock::new();
    R.get_or_init(|| Index::build(REGIONS_TSV, region_keys))
}

/// Rank names keep their word order (старшина 2 статьи); the core is the whole phrase. Lists
/// abbreviate the words that qualify a rank («ст. сержант», «мол. лейтенант», "Sr. Lt."); each
/// abbreviation is written out, so it finds the rank it stands for.
fn rank_keys(s: &str) -> (String, String) {
    let t = tokens(s).iter().map(|t| rank_word(t)).collect::<Vec<_>>().join(" ");
    (t.clone(), t)
}

/// The word a rank abbreviation stands for (after [`tokens`]: lower case, the dot gone), or the
/// token itself. Only abbreviations that stand for one word in rank names: «ст.» is старший in
/// both languages, «мол.» Ukrainian молодший, «мл.» Russian младший.
fn rank_word(t: &str) -> &str {
    match t {
        "ст" | "старш" => "старший",
        "мол" | "молодш" => "молодший",
        "мл" | "младш" => "младший",
        "гол" | "головн" => "головний",
        "гл" | "глав" => "главный",
        "лейт" => "лейтенант",
        "серж" => "сержант",
        "ряд" => "рядовой",
        "солд" => "солдат",
        "sr" | "snr" => "senior",
        "jr" | "jnr" => "junior",
        "pvt" | "pte" => "private",
        "cpl" => "corporal",
        "sgt" => "sergeant",
        "lt" => "lieutenant",
        "capt" | "cpt" => "captain",
        "maj" => "major",
        "col" => "colonel",
        "gen" => "general",
        _ => t,
    }
}

fn ranks() -> &'static Index {
    static R: OnceLock<Index> = OnceLock::new();
    R.get_or_init(|| Index::build(RANKS_TSV, rank_keys))
}

/// The ISO 3166-2 code of a Ukrainian or Russian region however a list writes it, if known.
///
/// ```
/// use tally_names::region_code;
/// assert_eq!(region_code("Одеська область"), Some("UA-51"));
/// assert_eq!(region_code("Odesa Oblast"), Some("UA-51"));
/// assert_eq!(region_code("Одеська"), Some("UA-51"));
/// assert_eq!(region_code("Republic of Bashkortostan"), Some("RU-BA"));
/// assert_eq!(region_code("Республика Башкортостан"), Some("RU-BA"));
/// assert_eq!(region_code("м. Київ"), Some("UA-30"));
/// assert_eq!(region_code("Kyiv Oblast"), Some("UA-32"));
/// assert_eq!(region_code("Atlantis"), None);
/// ```
pub fn region_code(s: &str) -> Option<&'static str> {
    regions().find(s, region_keys)
}

/// Cities with the status of a region, each with the region around it (ISO 3166-2). Lists write
/// one for the other: an official list's oblast column says "Kyiv" for Kyiv Oblast, a family
/// report says Moscow for a village of Moscow Oblast.
const ENCLOSED: &[(&str, &str)] = &[("UA-30", "UA-32"), ("UA-40", "UA-43"), ("RU-MOW", "RU-MOS"), ("RU-SPE", "RU-LEN")];

/// The area a region code belongs to when it is a city with region status or the region around
/// one: the surrounding region's code (for both), `None` for any other code. Two codes with the
/// same area are no evidence against each other.
///
/// ```
/// use tally_names::{region_area, region_code};
/// let (city, oblast) = (region_code("Kyiv").unwrap(), region_code("Київська").unwrap());
/// assert_ne!(city, oblast);
/// assert_eq!(region_area(city), Some("UA-32"));
/// assert_eq!(region_area(oblast), Some("UA-32"));
/// assert_eq!(region_area("UA-51"), None);
/// ```
pub fn region_area(code: &str) -> Option<&'static str> {
    ENCLOSED.iter().find(|(city, around)| *city == code || *around == code).map(|&(_, around)| around)
}

/// A region written inside a settlement's text, as lists write «с. Іванівка, Донецька обл.»,
/// «с. Миколаївка Одеської обл.» or "Bucha, Kyiv Oblast": the settlement part and the region
/// part, when the region is one [`region_code`] knows and a settlement is left before it.
///
/// ```
/// use tally_names::{region_code, region_in_place};
/// let (place, region) = region_in_place("с. Миколаївка Одеської обл.").unwrap();
/// assert_eq!((place, region_code(region)), ("с. Миколаївка", Some("UA-51")));
/// let (place, region) = region_in_place("Bucha, Kyiv Oblast").unwrap();
/// assert_eq!((place, region_code(region)), ("Bucha", Some("UA-32")));
/// let (place, region) = region_in_place("Житомирщина, с. Гута").unwrap();
/// assert_eq!((place, region_code(region)), ("с. Гута", Some("UA-18")));
/// let (place, region) = region_in_place("Черкаська область, с. Вільшанка").unwrap();
/// assert_eq!((place, region_code(region)), ("с. Вільшанка", Some("UA-71")));
/// assert_eq!(region_in_place("Одеса, вул. Рішельєвська"), None, "a city is no region");
/// assert_eq!(region_in_place("Миколаївка"), None);
/// assert_eq!(region_in_place("Одеська область"), None, "a region alone: no settlement");
/// ```
pub fn region_in_place(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    if let Some(first) = s.find(',') {
        // "region, settlement" («Черкаська область, с. Вільшанка», «Житомирщина, с. Гута»): only
        // when the first part says it is a region, since a bare city name («Одеса, вул. …»)
        // finds its oblast's code too.
        let (head, rest) = (s[..first].trim(), s[first + 1..].trim().trim_start_matches(',').trim());
        if !rest.is_empty() && says_region(head) {
            return Some((rest, head));
        }
        // "settlement, [district,] region": the first later part that is a region.
        let mut at = first;
        while at < s.len() {
            let rest = &s[at + 1..];
            let end = rest.find(',').map_or(s.len(), |i| at + 1 + i);
            let part = s[at + 1..end].trim();
            if region_code(part).is_some() {
                let place = s[..at].trim().trim_end_matches(',').trim();
                return (!place.is_empty()).then_some((place, part));
            }
            at = end;
        }
        return None;
    }
    // "settlement [district] Region-adjective oblast": the last two words, when the last says oblast.
    let mut words = s.split_whitespace().rev();
    let last = words.next()?.trim_end_matches('.');
    if last.chars().count() > 8 || generic(&last.to_lowercase()) != Some("obl") {
        return None;
    }
    let adjective = words.next()?;
    words.next()?;
    let start = adjective.as_ptr() as usize - s.as_ptr() as usize;
    let (place, region) = (s[..start].trim(), &s[start..]);
    (region_code(region).is_some() && !place.is_empty()).then_some((place, region))
}

/// A region name that cannot be a settlement's: it has a generic word («область», "oblast",
/// «край») or is a colloquial region name («Житомирщина», «Закарпаття», «Буковина»).
fn says_region(s: &str) -> bool {
    let Some(code) = region_code(s) else { return false };
    let (full, core) = region_keys(s);
    if full != core {
        return true;
    }
    let t = core.to_lowercase();
    let colloquial = ["щина", "ччина", "чина", "щини", "ччини", "щині", "ччині"].iter().any(|e| t.ends_with(e))
        || ["волинь", "закарпаття", "закарпатье", "буковина", "прикарпаття", "прикарпатье"].contains(&t.as_str());
    colloquial && region_area(code).is_none()
}

/// The NATO STANAG 2116 grade of a Ukrainian or Russian military rank, in either language or in
/// English, if known.
///
/// ```
/// use tally_names::rank_grade;
/// assert_eq!(rank_grade("старший солдат"), Some("OR-2"));
/// assert_eq!(rank_grade("Senior Private"), Some("OR-2"));
/// assert_eq!(rank_grade("ефрейтор"), Some("OR-2"));
/// assert_eq!(rank_grade("Капітан"), Some("OF-2"));
/// assert_eq!(rank_grade("волонтер"), None);
/// ```
pub fn rank_grade(s: &str) -> Option<&'static str> {
    ranks().find(s, rank_keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_across_scripts_and_forms() {
        for (s, code) in [
            ("Запорізька область", "UA-23"),
            ("Zaporizhzhia Oblast", "UA-23"),
            ("Запорожская обл.", "UA-23"),
            ("Запорізька", "UA-23"),
            ("Udmurt Republic", "RU-UD"),
            ("Удмуртская Республика", "RU-UD"),
            ("North Ossetia–Alania", "RU-SE"),
            ("Республика Северная Осетия — Алания", "RU-SE"),
            ("Tuva Republic", "RU-TY"),
            ("Республика Тыва", "RU-TY"),
            ("Nizhny Novgorod Oblast", "RU-NIZ"),
            ("Нижегородская область", "RU-NIZ"),
            ("Saint Petersburg", "RU-SPE"),
            ("Санкт-Петербург", "RU-SPE"),
            ("Moscow", "RU-MOW"),
            ("Moscow Oblast", "RU-MOS"),
            ("Московская область", "RU-MOS"),
            ("Київська область", "UA-32"),
            ("Київ", "UA-30"),
            ("ДНР", "UA-14"),
            ("Одеської обл.", "UA-51"),
            ("Київській області", "UA-32"),
            ("Харьковской области", "UA-63"),
            ("Донецької області", "UA-14"),
            // Colloquial names, in the nominative and as obituaries decline them.
            ("Житомирщина", "UA-18"),
            ("з Житомирщини", "UA-18"),
            ("Київщина", "UA-32"),
            ("на Київщині", "UA-32"),
            ("Вінниччина", "UA-05"),
            ("Закарпаття", "UA-21"),
            ("Буковина", "UA-77"),
            ("Kharkivshchyna", "UA-63"),
            ("Курщина", "RU-KRS"),
        ] {
            assert_eq!(region_code(s), Some(code), "{s}");
        }
        // Kyiv alone is the city; the core shared with the oblast does not decide.
        assert_eq!(region_code("Kyiv"), Some("UA-30"));
    }

    #[test]
    fn ranks_across_languages() {
        for (s, g) in [
            ("Private", "OR-1"),
            ("рядовой", "OR-1"),
            ("Junior Sergeant", "OR-3"),
            ("младший сержант", "OR-3"),
            ("молодший сержант", "OR-3"),
            ("Chief Sergeant", "OR-6"),
            ("головний сержант", "OR-6"),
            ("Staff Sergeant", "OR-7"),
            ("штаб-сержант", "OR-7"),
            ("Junior Lieutenant", "OF-1a"),
            ("Lieutenant Colonel", "OF-4"),
            ("підполковник", "OF-4"),
            // Abbreviated, as lists write them.
            ("ст. сержант", "OR-5"),
            ("Ст.сержант", "OR-5"),
            ("мол. сержант", "OR-3"),
            ("мл. сержант", "OR-3"),
            ("мол. лейтенант", "OF-1a"),
            ("ст. лейтенант", "OF-1c"),
            ("ст. солдат", "OR-2"),
            ("гол. сержант", "OR-6"),
            ("ряд.", "OR-1"),
            ("Sr. Lt.", "OF-1c"),
            ("Jr. Sgt", "OR-3"),
            ("Lt. Col.", "OF-4"),
            ("Maj. Gen.", "OF-7"),
            ("Pvt.", "OR-1"),
        ] {
            assert_eq!(rank_grade(s), Some(g), "{s}");
        }
    }
}
