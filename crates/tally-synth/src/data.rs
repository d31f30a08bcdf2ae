//! The embedded reference tables (see `data/README.md` for their provenance), parsed into the
//! name, place, unit and rank tables a world draws from.

use crate::rng::Weighted;

const GIVEN: &str = include_str!("../data/given_names.csv");
const SURNAMES_UA: &str = include_str!("../data/surnames_ua.csv");
const SURNAMES_RU: &str = include_str!("../data/surnames_ru.csv");
const SURNAME_PARTS: &str = include_str!("../data/surname_parts.txt");
const REGIONS: &str = include_str!("../data/regions.csv");

/// Which army a person served in. It decides the name pool, the regions and which sources may
/// list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Ua,
    Ru,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Ua => "ua",
            Side::Ru => "ru",
        }
    }
}

/// A given name in both languages, with the patronymics it forms.
#[derive(Debug, Clone)]
pub struct GivenName {
    pub female: bool,
    pub uk: String,
    pub ru: String,
    /// Patronymic forms: Ukrainian male, Ukrainian female, Russian male, Russian female.
    pub patr: [String; 4],
}

/// A surname in its four forms: Ukrainian male and female, Russian male and female.
#[derive(Debug, Clone)]
pub struct Surname {
    pub forms: [String; 4],
}

#[derive(Debug, Clone)]
pub struct Region {
    pub side: Side,
    pub group: String,
    pub uk: String,
    pub ru: String,
    pub en: String,
    /// Settlements as (Ukrainian, Russian) names; the first is the regional centre.
    pub settlements: Vec<(String, String)>,
}

/// Everything a world draws from, parsed once per generation (a few milliseconds).
pub struct Tables {
    pub given: Vec<GivenName>,
    pub surnames: Vec<Surname>,
    pub regions: Vec<Region>,
    /// Indexed by side (0 = Ukrainian, 1 = Russian), then by sex (0 = male, 1 = female).
    pub given_dist: [[Weighted; 2]; 2],
    /// Fathers' names: male given names weighted for the fathers' generation (same table).
    pub surname_dist: [Weighted; 2],
    pub region_dist: [Weighted; 2],
}

fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The female form of a male surname lemma. `uk` selects Ukrainian or Russian rules. Invariant
/// surnames (-енко, -ко, -ук, -ник, consonant endings such as Мельник, -ів, -их) stay as they are.
pub fn female_surname(m: &str, uk: bool) -> String {
    let ends = |s: &str| m.ends_with(s);
    let cut = |n: usize| m.chars().take(m.chars().count() - n).collect::<String>();
    if uk {
        if ends("ський") || ends("цький") || ends("зький") {
            return cut(2) + "а";
        }
        if ends("ій") {
            return cut(2) + "я";
        }
        if ends("ий") {
            return cut(2) + "а";
        }
        if ends("ишин") || ends("ів") || ends("їв") {
            return m.to_string();
        }
        if ends("ов") || ends("ев") || ends("єв") || ends("ин") || ends("ін") || ends("їн") {
            return format!("{m}а");
        }
        m.to_string()
    } else {
        if ends("ский") || ends("цкий") || ends("зкий") {
            return cut(2) + "ая";
        }
        if ends("ний") && m.chars().count() > 5 && m.contains("Край") {
            return cut(2) + "яя";
        }
        if ends("ый") || ends("ий") || ends("ой") {
            return cut(2) + "ая";
        }
        if ends("ов") || ends("ев") || ends("ёв") || ends("ин") || ends("ын") {
            return format!("{m}а");
        }
        m.to_string()
    }
}

#[derive(Default)]
struct SurnameBuilder {
    /// Set once the listed (head) surnames are in.
    head_done: bool,
    surnames: Vec<Surname>,
    seen: std::collections::HashMap<String, usize>,
    weights: [Vec<(usize, u32)>; 2],
}

impl SurnameBuilder {
    /// Add a surname (male lemma in both languages) to a side's pool; a surname both pools
    /// share (Шевченко) is one entry.
    fn push(&mut self, uk: String, ru: String, side: usize, w: u32) {
        let key = format!("{uk}|{ru}");
        if self.head_done && self.seen.contains_key(&key) {
            // A tail combination that spells a listed surname (Шевч + енко): the listed
            // frequency stands.
            return;
        }
        let surnames = &mut self.surnames;
        let idx = *self.seen.entry(key).or_insert_with(|| {
            let (fu, fr) = (female_surname(&uk, true), female_surname(&ru, false));
            surnames.push(Surname { forms: [uk, fu, ru, fr] });
            surnames.len() - 1
        });
        self.weights[side].push((idx, w));
    }
}

struct Parts {
    ua_roots: Vec<(String, String)>,
    ua_suffixes: Vec<(String, String, u32)>,
    ua_infixes: Vec<(String, String, u32)>,
    ru_roots: Vec<String>,
    ru_suffixes: Vec<(String, u32)>,
    ru_infixes: Vec<(String, u32)>,
}

fn parse_parts() -> Parts {
    let mut section = "";
    let mut p = Parts {
        ua_roots: vec![],
        ua_suffixes: vec![],
        ua_infixes: vec![],
        ru_roots: vec![],
        ru_suffixes: vec![],
        ru_infixes: vec![],
    };
    for line in data_lines(SURNAME_PARTS) {
        if line.starts_with('[') {
            section = line.split(']').next().unwrap_or("").trim_start_matches('[');
            continue;
        }
        for tok in line.split_whitespace() {
            let f: Vec<&str> = tok.split('/').collect();
            match section {
                "ua_roots" => p.ua_roots.push((f[0].to_string(), f.get(1).unwrap_or(&f[0]).to_string())),
                "ua_suffixes" => p.ua_suffixes.push((f[0].into(), f[1].into(), f[3].parse().expect("suffix weight"))),
                "ru_roots" => p.ru_roots.push(f[0].to_string()),
                "ru_suffixes" => p.ru_suffixes.push((f[0].into(), f[2].parse().expect("suffix weight"))),
                "ua_infixes" => p.ua_infixes.push((f[0].into(), f[1].into(), f[2].parse().expect("infix weight"))),
                "ru_infixes" => p.ru_infixes.push((f[0].into(), f[1].parse().expect("infix weight"))),
                _ => {}
            }
        }
    }
    p
}

/// Consonant-vowel-consonant stems spelled the same in Ukrainian and Russian (Бас, Кур, Мил):
/// the raw material of rare surnames.
fn cvc_stems() -> Vec<String> {
    const C1: &str = "БВГДЖЗКЛМНПРСТХЦЧШ";
    const V: &str = "аеоу";
    const C2: &str = "бвдклмнрстхшч";
    let mut out = Vec::with_capacity(C1.chars().count() * 4 * 13);
    for a in C1.chars() {
        for v in V.chars() {
            for b in C2.chars() {
                out.push(format!("{a}{v}{b}"));
            }
        }
    }
    out
}

fn last_char(s: &str) -> char {
    s.chars().last().unwrap_or(' ')
}

fn is_vowel(c: char) -> bool {
    "аеєиіїоуюяыэё".contains(c)
}

/// Join a root and a suffix with the few spelling adjustments Ukrainian and Russian make at the
/// seam (Коваль + енко = Коваленко, Коваль + ук = Ковалюк, Андрі + енко = Андрієнко, Сергее + ов =
/// Сергеев, Гусь + ов = Гусев).
fn join(root: &str, suffix: &str, uk: bool) -> String {
    let first = suffix.chars().next().unwrap_or(' ');
    let lc = last_char(root);
    let mut r = root.to_string();
    let mut s = suffix.to_string();
    if lc == 'ь' && is_vowel(first) {
        r.pop();
        if first == 'у' {
            s = s.replacen('у', "ю", 1);
        } else if first == 'о' && !uk {
            s = s.replacen('о', "е", 1);
        }
    } else if lc == 'й' && is_vowel(first) {
        r.pop();
        if first == 'у' {
            s = s.replacen('у', "ю", 1);
        } else if first == 'е' {
            s = s.replacen('е', if uk { "є" } else { "е" }, 1);
        }
    } else if is_vowel(lc) && (first == 'е' || first == 'о') {
        if uk && lc == 'і' && first == 'е' {
            s = s.replacen('е', "є", 1);
        } else if uk && lc == 'і' && suffix == "ов" {
            s = "єв".to_string();
        } else if !uk && (suffix == "ов" || suffix == "ев") {
            s = "в".to_string();
        }
    } else if !uk && "жчшщ".contains(lc) && suffix == "ов" {
        s = "ев".to_string();
    }
    r + &s
}

impl Tables {
    /// The tables, parsed once per process (they are pure data).
    pub fn get() -> &'static Tables {
        static T: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
        T.get_or_init(Tables::load)
    }

    pub fn load() -> Tables {
        let mut given = Vec::new();
        let mut gw: [[Vec<(usize, u32)>; 2]; 2] = Default::default();
        for line in data_lines(GIVEN).skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let female = f[0] == "f";
            let idx = given.len();
            let w_ua: u32 = f[3].parse().expect("w_ua");
            let w_ru: u32 = f[4].parse().expect("w_ru");
            let sx = usize::from(female);
            gw[0][sx].push((idx, w_ua));
            gw[1][sx].push((idx, w_ru));
            given.push(GivenName {
                female,
                uk: f[1].to_string(),
                ru: f[2].to_string(),
                patr: [f[5].to_string(), f[6].to_string(), f[7].to_string(), f[8].to_string()],
            });
        }
        let given_dist = gw.map(|sides| sides.map(|v| Weighted::new(&v)));

        let mut st = SurnameBuilder::default();
        // Scale: the listed Ukrainian surnames are counted in thousands of bearers in a population
        // of about 45 million, where the top 100 cover roughly 8%; the tail below gets the rest.
        for line in data_lines(SURNAMES_UA).skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let k: u32 = f[2].parse().expect("count");
            // Units: bearers per 45 million (in thousands) -> weight per million.
            st.push(f[0].to_string(), f[1].to_string(), 0, k * 1000 / 45);
        }
        for line in data_lines(SURNAMES_RU).skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let k: u32 = f[1].parse().expect("per 10k");
            // Units: per 10,000 -> per million.
            st.push(f[0].to_string(), f[0].to_string(), 1, k * 100);
        }
        // The tail: roots in Zipf order times suffix weights, normalised so the tail holds about
        // 90% of the Ukrainian and 80% of the Russian mass (Russian surnames concentrate more).
        st.head_done = true;
        let parts = parse_parts();
        // Real stems (data file) weigh 1 / (rank + 200), a mild fall-off; synthetic
        // consonant-vowel-consonant stems (Бас-, Кур-, Мил-) add the long tail of rare surnames
        // real lists are full of. Together: tens of thousands of surnames, the commonest of
        // them below the head's leaders, as in real populations.
        const BASE: f64 = 10.0;
        let cvc = cvc_stems();
        let cvc_w = 0.0004;
        let ua_stems = parts
            .ua_roots
            .iter()
            .enumerate()
            .map(|(ri, (u, r))| (u.clone(), r.clone(), 1.0 / (ri as f64 + 200.0)))
            .chain(cvc.iter().map(|c| (c.clone(), c.clone(), cvc_w)));
        let mut tail_ua = Vec::new();
        for (ruk, rru, rw) in ua_stems {
            let soft_end = is_vowel(last_char(&ruk)) || matches!(last_char(&ruk), 'й' | 'ь');
            for (suk, sru, sw) in &parts.ua_suffixes {
                // Stems ending in a vowel (Мусі-, Горді-) take only -єнко / -єв.
                if is_vowel(last_char(&ruk)) && !matches!(suk.as_str(), "енко" | "ов") {
                    continue;
                }
                tail_ua.push((join(&ruk, suk, true), join(&rru, sru, false), BASE * f64::from(*sw) * rw));
                if soft_end || !matches!(suk.as_str(), "енко" | "ук" | "ко") {
                    continue;
                }
                for (iuk, iru, iw) in &parts.ua_infixes {
                    let (stem_uk, stem_ru) = (format!("{ruk}{iuk}"), format!("{rru}{iru}"));
                    let w = f64::from(*iw) * f64::from(*sw) * rw;
                    tail_ua.push((join(&stem_uk, suk, true), join(&stem_ru, sru, false), w));
                }
            }
        }
        let ru_stems = parts
            .ru_roots
            .iter()
            .enumerate()
            .map(|(ri, r)| (r.clone(), 1.0 / (ri as f64 + 200.0)))
            .chain(cvc.iter().map(|c| (c.clone(), cvc_w)));
        let mut tail_ru = Vec::new();
        for (r, rw) in ru_stems {
            let soft_end = is_vowel(last_char(&r)) || matches!(last_char(&r), 'й' | 'ь');
            for (s, sw) in &parts.ru_suffixes {
                // Stems ending in a vowel (Сергее-) take only -в.
                if is_vowel(last_char(&r)) && s != "ов" {
                    continue;
                }
                tail_ru.push((join(&r, s, false), BASE * f64::from(*sw) * rw));
                if soft_end || !matches!(s.as_str(), "ов" | "ин") {
                    continue;
                }
                for (i, iw) in &parts.ru_infixes {
                    tail_ru.push((join(&format!("{r}{i}"), s, false), f64::from(*iw) * f64::from(*sw) * rw));
                }
            }
        }
        let head: [u64; 2] = [0, 1].map(|s| st.weights[s].iter().map(|x| u64::from(x.1)).sum());
        let tsum_ua: f64 = tail_ua.iter().map(|t| t.2).sum();
        let tsum_ru: f64 = tail_ru.iter().map(|t| t.1).sum();
        let target_ua = head[0] as f64 * 9.0; // tail = 90%
        let target_ru = head[1] as f64 * 4.0; // tail = 80%
        for (uk, ru, w) in tail_ua {
            let w = ((w / tsum_ua) * target_ua).round().max(1.0) as u32;
            st.push(uk, ru, 0, w);
        }
        for (ru, w) in tail_ru {
            let w = ((w / tsum_ru) * target_ru).round().max(1.0) as u32;
            st.push(ru.clone(), ru, 1, w);
        }
        let SurnameBuilder { surnames, weights: sw, .. } = st;
        let surname_dist = sw.map(|v| Weighted::new(&v));

        let mut regions = Vec::new();
        let mut rw: [Vec<(usize, u32)>; 2] = Default::default();
        for line in data_lines(REGIONS).skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let side = if f[0] == "ua" { Side::Ua } else { Side::Ru };
            let settlements = f[6]
                .split('|')
                .map(|p| {
                    let (a, b) = p.split_once('/').unwrap_or((p, p));
                    (a.to_string(), b.to_string())
                })
                .collect();
            rw[side as usize].push((regions.len(), f[5].parse().expect("region weight")));
            regions.push(Region {
                side,
                group: f[1].to_string(),
                uk: f[2].to_string(),
                ru: f[3].to_string(),
                en: f[4].to_string(),
                settlements,
            });
        }
        let region_dist = rw.map(|v| Weighted::new(&v));
        Tables { given, surnames, regions, given_dist, surname_dist, region_dist }
    }
}

/// A rung of the rank ladder in Ukrainian, Russian and English. The ladders of the two armies
/// are aligned by NATO grade so one index serves both.
pub const RANKS: [(&str, &str, &str); 15] = [
    ("солдат", "рядовой", "Private"),
    ("старший солдат", "ефрейтор", "Senior Private"),
    ("молодший сержант", "младший сержант", "Junior Sergeant"),
    ("сержант", "сержант", "Sergeant"),
    ("старший сержант", "старший сержант", "Senior Sergeant"),
    ("головний сержант", "старшина", "Chief Sergeant"),
    ("штаб-сержант", "прапорщик", "Staff Sergeant"),
    ("майстер-сержант", "старший прапорщик", "Master Sergeant"),
    ("молодший лейтенант", "младший лейтенант", "Junior Lieutenant"),
    ("лейтенант", "лейтенант", "Lieutenant"),
    ("старший лейтенант", "старший лейтенант", "Senior Lieutenant"),
    ("капітан", "капитан", "Captain"),
    ("майор", "майор", "Major"),
    ("підполковник", "подполковник", "Lieutenant Colonel"),
    ("полковник", "полковник", "Colonel"),
];
/// Relative frequency of each rank among the dead (enlisted far outnumber officers).
pub const RANK_WEIGHTS: [u32; 15] = [350, 200, 120, 80, 70, 40, 20, 10, 30, 30, 25, 15, 8, 4, 1];
/// Ranks from this index up are officers (more often named in obituaries and the press).
pub const OFFICER_FROM: u8 = 8;

/// Service branches / categories (the "category" column of named-loss lists), per side, as
/// (Ukrainian, Russian, English, weight).
pub const SERVICES: [&[(&str, &str, &str, u32)]; 2] = [
    &[
        ("ЗСУ", "ВСУ", "Armed Forces", 78),
        ("НГУ", "НГУ", "National Guard", 10),
        ("ДПСУ", "ГПСУ", "Border Guard", 4),
        ("ТрО", "ТрО", "Territorial Defence", 8),
    ],
    &[
        ("контракт", "контрактник", "contract soldier", 40),
        ("мобілізований", "мобилизованный", "mobilised", 25),
        ("доброволець", "доброволец", "volunteer", 10),
        ("ув'язнений", "заключённый", "prison recruit", 12),
        ("ПВК Вагнер", "ЧВК Вагнер", "Wagner PMC", 8),
        ("Росгвардія", "Росгвардия", "Rosgvardia", 5),
    ],
];

/// Units, per side, as (Ukrainian, Russian, English). Real formation names; which soldier served
/// where is invented.
pub const UNITS: [&[(&str, &str, &str)]; 2] = [
    &[
        ("24 ОМБр", "24 ОМБр", "24th Mechanized Brigade"),
        ("93 ОМБр", "93 ОМБр", "93rd Mechanized Brigade"),
        ("72 ОМБр", "72 ОМБр", "72nd Mechanized Brigade"),
        ("53 ОМБр", "53 ОМБр", "53rd Mechanized Brigade"),
        ("54 ОМБр", "54 ОМБр", "54th Mechanized Brigade"),
        ("28 ОМБр", "28 ОМБр", "28th Mechanized Brigade"),
        ("30 ОМБр", "30 ОМБр", "30th Mechanized Brigade"),
        ("92 ОШБр", "92 ОШБр", "92nd Assault Brigade"),
        ("47 ОМБр", "47 ОМБр", "47th Mechanized Brigade"),
        ("59 ОШБр", "59 ОШБр", "59th Assault Brigade"),
        ("3 ОШБр", "3 ОШБр", "3rd Assault Brigade"),
        ("79 ОДШБр", "79 ОДШБр", "79th Air Assault Brigade"),
        ("80 ОДШБр", "80 ОДШБр", "80th Air Assault Brigade"),
        ("25 ОПДБр", "25 ОВДБр", "25th Airborne Brigade"),
        ("95 ОДШБр", "95 ОДШБр", "95th Air Assault Brigade"),
        ("36 ОБрМП", "36 ОБрМП", "36th Marine Brigade"),
        ("10 ОГШБр", "10 ОГШБр", "10th Mountain Assault Brigade"),
        ("14 ОМБр", "14 ОМБр", "14th Mechanized Brigade"),
        ("57 ОМПБр", "57 ОМПБр", "57th Motorized Brigade"),
        ("58 ОМПБр", "58 ОМПБр", "58th Motorized Brigade"),
        ("110 ОМБр", "110 ОМБр", "110th Mechanized Brigade"),
        ("115 ОМБр", "115 ОМБр", "115th Mechanized Brigade"),
        ("12 БрОП НГУ", "12 БрОН НГУ", "12th Special Purpose Brigade (NGU)"),
        ("4 БрОП НГУ", "4 БрОН НГУ", "4th Rapid Reaction Brigade (NGU)"),
        ("в/ч А0501", "в/ч А0501", "military unit A0501"),
        ("в/ч А1302", "в/ч А1302", "military unit A1302"),
        ("в/ч А4010", "в/ч А4010", "military unit A4010"),
        ("в/ч А7014", "в/ч А7014", "military unit A7014"),
    ],
    &[
        ("155 ОБрМП", "155 ОБрМП", "155th Naval Infantry Brigade"),
        ("810 ОБрМП", "810 ОБрМП", "810th Naval Infantry Brigade"),
        ("76 ДШД", "76 ДШД", "76th Air Assault Division"),
        ("106 ПДД", "106 ВДД", "106th Airborne Division"),
        ("98 ПДД", "98 ВДД", "98th Airborne Division"),
        ("7 ДШД", "7 ДШД", "7th Air Assault Division"),
        ("4 ТД", "4 ТД", "4th Tank Division"),
        ("2 МСД", "2 МСД", "2nd Motor Rifle Division"),
        ("150 МСД", "150 МСД", "150th Motor Rifle Division"),
        ("3 МСД", "3 МСД", "3rd Motor Rifle Division"),
        ("144 МСД", "144 МСД", "144th Motor Rifle Division"),
        ("37 ОМСБр", "37 ОМСБр", "37th Motor Rifle Brigade"),
        ("64 ОМСБр", "64 ОМСБр", "64th Motor Rifle Brigade"),
        ("5 ОТБр", "5 ОТБр", "5th Tank Brigade"),
        ("36 ОМСБр", "36 ОМСБр", "36th Motor Rifle Brigade"),
        ("в/ч 12676", "в/ч 12676", "military unit 12676"),
        ("в/ч 22179", "в/ч 22179", "military unit 22179"),
        ("в/ч 41659", "в/ч 41659", "military unit 41659"),
        ("в/ч 61424", "в/ч 61424", "military unit 61424"),
        ("в/ч 11731", "в/ч 11731", "military unit 11731"),
        ("Шторм-Z", "Шторм-Z", "Storm-Z"),
        ("ПВК Вагнер", "ЧВК Вагнер", "Wagner PMC"),
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn female_forms_follow_the_rules() {
        assert_eq!(female_surname("Андрєєв", true), "Андрєєва");
        assert_eq!(female_surname("Ковалевський", true), "Ковалевська");
        assert_eq!(female_surname("Ковалевский", false), "Ковалевская");
        assert_eq!(female_surname("Білий", true), "Біла");
        assert_eq!(female_surname("Белый", false), "Белая");
        assert_eq!(female_surname("Осадчий", false), "Осадчая");
        assert_eq!(female_surname("Крайній", true), "Крайня");
        assert_eq!(female_surname("Крайний", false), "Крайняя");
        assert_eq!(female_surname("Шевченко", true), "Шевченко");
        assert_eq!(female_surname("Мельник", true), "Мельник");
        assert_eq!(female_surname("Іванів", true), "Іванів");
        assert_eq!(female_surname("Черных", false), "Черных");
        assert_eq!(female_surname("Соловьёв", false), "Соловьёва");
    }

    #[test]
    fn seams_join_as_the_languages_spell_them() {
        assert_eq!(join("Коваль", "енко", true), "Коваленко");
        assert_eq!(join("Коваль", "ук", true), "Ковалюк");
        assert_eq!(join("Мусі", "енко", true), "Мусієнко");
        assert_eq!(join("Сергее", "ов", false), "Сергеев");
        assert_eq!(join("Кузьмич", "ов", false), "Кузьмичев");
        assert_eq!(join("Иван", "ов", false), "Иванов");
    }

    #[test]
    fn tables_load_and_have_a_long_tail() {
        let t = Tables::load();
        assert!(t.given.len() > 80);
        assert!(t.surnames.len() > 3000, "{}", t.surnames.len());
        assert_eq!(t.regions.iter().filter(|r| r.side == Side::Ua).count(), 25);
        assert!(t.given.iter().filter(|g| !g.female).all(|g| g.patr.iter().all(|p| !p.is_empty())));
    }
}
