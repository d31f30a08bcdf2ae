//! The benches' seeded world: persons with realistic skew (Zipf surnames and given names),
//! namesakes, typos, partial dates and missing fields, written by up to four sources.
//!
//! [`Script::Latin`] is the world `link` has always used (every name in Latin letters).
//! [`Script::Mixed`] is the cross-script world: names are made in Ukrainian Cyrillic and two
//! of the four sources write them in Latin under a transliteration standard drawn per record
//! from those the names crate knows, one writes Russian forms in Cyrillic (Александр for
//! Олександр, и for і), as the lists of the war do. Every draw of the Latin world is made in
//! the same order in both, so the Latin world does not change.

#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use tally_domain::{ParsedFields, PartialDate, Record, RecordKey, Sex};

/// The script(s) a world's names are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Mixed,
}

pub struct Vocab {
    surnames: Vec<String>,
    given: Vec<String>,
    patr: Vec<String>,
    places: Vec<String>,
    units: Vec<String>,
    /// The same names in Ukrainian Cyrillic (index for index), and the given names and
    /// patronymics in Russian form.
    surnames_cyr: Vec<String>,
    given_uk: Vec<String>,
    given_ru: Vec<String>,
    patr_uk: Vec<String>,
    patr_ru: Vec<String>,
}

/// The Cyrillic of the Latin syllables and suffixes below (same order).
const SYL_CYR: [&str; 48] = [
    "ко", "ва", "лен", "шев", "чен", "бон", "дар", "тка", "мо", "роз", "ли", "сен", "ру", "де", "сав", "пет", "кли",
    "пав", "куз", "по", "но", "мар", "хар", "лев", "кар", "вас", "гри", "мел", "бой", "куш", "си", "фе", "до", "я",
    "рем", "ді", "ос", "та", "зай", "го", "люб", "ти", "мо", "гна", "бі", "ло", "зе", "ні",
];
const SUF_CYR: [&str; 12] = ["енко", "ук", "ик", "ак", "ович", "ич", "ець", "ів", "ко", "ський", "чук", "ишин"];
const GIVEN_UK: [&str; 50] = [
    "Олександр",
    "Сергій",
    "Андрій",
    "Володимир",
    "Дмитро",
    "Микола",
    "Іван",
    "Юрій",
    "Василь",
    "Олексій",
    "Віктор",
    "Петро",
    "Максим",
    "Богдан",
    "Тарас",
    "Роман",
    "Ігор",
    "Віталій",
    "Руслан",
    "Денис",
    "Артем",
    "Анатолій",
    "Михайло",
    "Павло",
    "Євген",
    "Вадим",
    "Валерій",
    "Степан",
    "Григорій",
    "Федір",
    "Ілля",
    "Костянтин",
    "Леонід",
    "Назар",
    "Олег",
    "Ростислав",
    "Святослав",
    "Владислав",
    "Ярослав",
    "Захар",
    "Антон",
    "Борис",
    "Данило",
    "Едуард",
    "Георгій",
    "Кирило",
    "Марко",
    "Орест",
    "Семен",
    "Тимур",
];
const GIVEN_RU: [&str; 50] = [
    "Александр",
    "Сергей",
    "Андрей",
    "Владимир",
    "Дмитрий",
    "Николай",
    "Иван",
    "Юрий",
    "Василий",
    "Алексей",
    "Виктор",
    "Пётр",
    "Максим",
    "Богдан",
    "Тарас",
    "Роман",
    "Игорь",
    "Виталий",
    "Руслан",
    "Денис",
    "Артём",
    "Анатолий",
    "Михаил",
    "Павел",
    "Евгений",
    "Вадим",
    "Валерий",
    "Степан",
    "Григорий",
    "Фёдор",
    "Илья",
    "Константин",
    "Леонид",
    "Назар",
    "Олег",
    "Ростислав",
    "Святослав",
    "Владислав",
    "Ярослав",
    "Захар",
    "Антон",
    "Борис",
    "Даниил",
    "Эдуард",
    "Георгий",
    "Кирилл",
    "Марк",
    "Орест",
    "Семён",
    "Тимур",
];

/// A patronymic from a Cyrillic given name (Сергій -> Сергійович, Петро -> Петрович,
/// Василь -> Васильович; Russian: Сергей -> Сергеевич, Николай -> Николаевич).
fn patronymic(g: &str, ru: bool) -> String {
    let stem = |n: usize| g.chars().take(g.chars().count() - n).collect::<String>();
    let last = g.chars().last().unwrap_or(' ');
    match (last, ru) {
        ('й', false) => format!("{g}ович"),
        ('й', true) => format!("{}евич", stem(1)),
        ('ь', _) => format!("{g}ович"),
        ('о' | 'а' | 'я', _) => format!("{}ович", stem(1)),
        _ => format!("{g}ович"),
    }
}

/// Russian letters for Ukrainian ones in a surname (і, ї -> и, є -> е, и -> ы).
fn russify(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'и' => 'ы',
            'і' | 'ї' => 'и',
            'є' => 'е',
            'І' | 'Ї' => 'И',
            'Є' => 'Е',
            c => c,
        })
        .collect()
}

pub fn vocab(rng: &mut impl Rng) -> Vocab {
    let syl = [
        "ko", "va", "len", "shev", "chen", "bon", "dar", "tka", "mo", "roz", "ly", "sen", "ru", "de", "sav", "pet",
        "kly", "pav", "kuz", "po", "no", "mar", "khar", "lev", "kar", "vas", "hry", "mel", "boy", "kush", "sy", "fe",
        "do", "ya", "rem", "di", "os", "ta", "zai", "ho", "lub", "ty", "mo", "hna", "bi", "lo", "ze", "ni",
    ];
    let suf = ["enko", "uk", "yk", "ak", "ovych", "ych", "ets", "iv", "ko", "skyi", "chuk", "yshyn"];
    let mut surnames = std::collections::BTreeMap::new();
    let cap = |s: String| {
        let mut c = s.chars();
        c.next().unwrap().to_uppercase().collect::<String>() + c.as_str()
    };
    while surnames.len() < 30_000 {
        let n = rng.gen_range(1..=3);
        let ix: Vec<usize> = (0..n).map(|_| rng.gen_range(0..syl.len())).collect();
        let x = rng.gen_range(0..suf.len());
        let s: String = ix.iter().map(|&i| syl[i]).chain([suf[x]]).collect();
        let c: String = ix.iter().map(|&i| SYL_CYR[i]).chain([SUF_CYR[x]]).collect();
        // The first spelling of a Latin string keeps its Cyrillic (as the set kept the string).
        surnames.entry(cap(s)).or_insert_with(|| cap(c));
    }
    let (mut surnames, mut surnames_cyr): (Vec<String>, Vec<String>) = surnames.into_iter().unzip();
    // Shuffle so Zipf ranks are not alphabetical.
    for i in (1..surnames.len()).rev() {
        let j = rng.gen_range(0..=i);
        surnames.swap(i, j);
        surnames_cyr.swap(i, j);
    }
    let given: Vec<String> = [
        "Oleksandr",
        "Serhii",
        "Andrii",
        "Volodymyr",
        "Dmytro",
        "Mykola",
        "Ivan",
        "Yurii",
        "Vasyl",
        "Oleksii",
        "Viktor",
        "Petro",
        "Maksym",
        "Bohdan",
        "Taras",
        "Roman",
        "Ihor",
        "Vitalii",
        "Ruslan",
        "Denys",
        "Artem",
        "Anatolii",
        "Mykhailo",
        "Pavlo",
        "Yevhen",
        "Vadym",
        "Valerii",
        "Stepan",
        "Hryhorii",
        "Fedir",
        "Illia",
        "Kostiantyn",
        "Leonid",
        "Nazar",
        "Oleh",
        "Rostyslav",
        "Sviatoslav",
        "Vladyslav",
        "Yaroslav",
        "Zakhar",
        "Anton",
        "Borys",
        "Danylo",
        "Eduard",
        "Heorhii",
        "Kyrylo",
        "Marko",
        "Orest",
        "Semen",
        "Tymur",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let patr = given.iter().map(|g| format!("{g}ovych")).collect();
    let places = (0..600).map(|i| format!("Selo{}{}", syl[i % syl.len()], i)).collect();
    let units = (0..400).map(|i| format!("A{:04}", 1000 + i * 7)).collect();
    let given_uk: Vec<String> = GIVEN_UK.iter().map(|s| s.to_string()).collect();
    let given_ru: Vec<String> = GIVEN_RU.iter().map(|s| s.to_string()).collect();
    let patr_uk = given_uk.iter().map(|g| patronymic(g, false)).collect();
    let patr_ru = given_ru.iter().map(|g| patronymic(g, true)).collect();
    Vocab { surnames, given, patr, places, units, surnames_cyr, given_uk, given_ru, patr_uk, patr_ru }
}

/// Zipf-like draw over n items (weight 1/(k+10)), via a precomputed CDF.
pub struct Zipf(Vec<f64>);
impl Zipf {
    pub fn new(n: usize) -> Zipf {
        let mut c = Vec::with_capacity(n);
        let mut s = 0.0;
        for k in 0..n {
            s += 1.0 / (k as f64 + 10.0);
            c.push(s);
        }
        for x in &mut c {
            *x /= s;
        }
        Zipf(c)
    }
    pub fn draw(&self, rng: &mut impl Rng) -> usize {
        let x: f64 = rng.gen();
        self.0.partition_point(|&c| c < x).min(self.0.len() - 1)
    }
}

pub fn typo(rng: &mut impl Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    if c.len() < 4 {
        return s.to_string();
    }
    let i = rng.gen_range(1..c.len() - 1);
    match rng.gen_range(0..3) {
        0 => {
            c.remove(i);
        }
        1 => c.swap(i, i + 1),
        _ => c[i] = ['a', 'e', 'i', 'o', 'y'][rng.gen_range(0..5)],
    }
    c.into_iter().collect()
}

/// About `n` records of n/2.2 persons across four sources, handed to `emit` one by one with
/// their person (so the bench never holds them all: they go straight into the linkage table).
pub fn world(n: usize, seed: u64, script: Script, mut emit: impl FnMut(Record, u32)) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let v = vocab(&mut rng);
    let (zs, zg, zp) = (Zipf::new(v.surnames.len()), Zipf::new(v.given.len()), Zipf::new(v.places.len()));
    let sources = ["mod", "obits", "media", "family"];
    let std_ids = |lang: tally_names::Lang| -> Vec<String> {
        tally_names::standards().into_iter().filter(|s| s.lang == lang).map(|s| s.id).collect()
    };
    let (uk_std, ru_std) = (std_ids(tally_names::Lang::Uk), std_ids(tally_names::Lang::Ru));
    let mut next = [0u64; 4];
    let mut p = 0u32;
    let mut made = 0usize;
    while made < n {
        p += 1;
        let (is, ig, ip) = (zs.draw(&mut rng), zg.draw(&mut rng), zg.draw(&mut rng));
        let by = rng.gen_range(1960..2005);
        let (bm, bd) = (rng.gen_range(1..=12u8), rng.gen_range(1..=28u8));
        let dd = PartialDate::ymd(2022 + rng.gen_range(0..3), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        let place = &v.places[zp.draw(&mut rng)];
        let unit = &v.units[rng.gen_range(0..v.units.len())];
        let copies = [1, 2, 2, 3, 3, 4][rng.gen_range(0..6)];
        for (si, src) in sources.iter().enumerate().take(copies) {
            if made >= n {
                break;
            }
            // The names as this source writes them.
            let (s, g, pa) = match script {
                Script::Latin => (v.surnames[is].clone(), v.given[ig].clone(), v.patr[ip].clone()),
                Script::Mixed => {
                    let uk = (v.surnames_cyr[is].clone(), v.given_uk[ig].clone(), v.patr_uk[ip].clone());
                    let ru = (russify(&v.surnames_cyr[is]), v.given_ru[ig].clone(), v.patr_ru[ip].clone());
                    let latin =
                        |(s, g, pa): (String, String, String), ids: &[String], rng: &mut rand_chacha::ChaCha8Rng| {
                            let id = &ids[rng.gen_range(0..ids.len())];
                            let t = |x: &str| tally_names::transliterate(id, x).unwrap();
                            (t(&s), t(&g), t(&pa))
                        };
                    match si {
                        0 => uk,
                        1 => latin(uk, &uk_std, &mut rng),
                        2 => ru,
                        _ => latin(ru, &ru_std, &mut rng),
                    }
                }
            };
            let f = ParsedFields {
                surname: Some(if rng.gen_bool(0.08) { typo(&mut rng, &s) } else { s }),
                given_name: Some(if rng.gen_bool(0.04) { typo(&mut rng, &g) } else { g }),
                patronymic: rng.gen_bool(0.6).then_some(pa),
                birth_date: if rng.gen_bool(0.05) {
                    None
                } else if rng.gen_bool(0.2) {
                    Some(PartialDate::year(by))
                } else if rng.gen_bool(0.02) {
                    Some(PartialDate::ymd(by + 1, bm, bd).unwrap())
                } else {
                    Some(PartialDate::ymd(by, bm, bd).unwrap())
                },
                death_date: rng.gen_bool(0.8).then_some(dd),
                settlement: rng.gen_bool(0.6).then(|| place.clone()),
                unit: rng.gen_bool(0.5).then(|| unit.clone()),
                sex: Some(Sex::Male),
                ..Default::default()
            };
            next[si] += 1;
            made += 1;
            let key = RecordKey::new(src.to_string(), next[si].to_string());
            emit(Record { id: made as i64, key, line: next[si] + 1, raw: vec![], fields: f }, p);
        }
    }
}
