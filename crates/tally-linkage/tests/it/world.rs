//! A small seeded world for tests: persons with namesakes, and records of them in several
//! sources with slips (typos, year-only dates, missing fields, swapped day and month).

use rand::{Rng, SeedableRng};
use tally_domain::{ParsedFields, PartialDate, Record, RecordKey, Sex};

// Surnames are stems times suffixes (a few hundred), drawn with Zipf-like weights so that
// common names make namesakes, as in real lists.
const STEMS: &[&str] = &[
    "Shevch", "Koval", "Bondar", "Tkach", "Kravch", "Oliyn", "Polishch", "Moroz", "March", "Lys", "Rud", "Savch",
    "Petr", "Klym", "Pavl", "Kuzm", "Ponomar", "Kharch", "Levch", "Karp", "Vasyl", "Hrytsk", "Melnych", "Boyk",
    "Kushn", "Sydor", "Fedor", "Yaremch", "Didench", "Ostap", "Zaich", "Holub", "Tymosh", "Sav", "Hnat",
];
const SUFFIXES: &[&str] = &["enko", "uk", "yk", "ak", "ovych", "ych", "ets", "iv", "ko"];
const GIVEN_M: &[&str] = &[
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
];
const GIVEN_F: &[&str] = &["Olena", "Tetiana", "Nataliia", "Iryna", "Svitlana"];
const PATR: &[&str] = &[
    "Oleksandrovych",
    "Serhiiovych",
    "Andriiovych",
    "Volodymyrovych",
    "Mykolaiovych",
    "Ivanovych",
    "Vasylovych",
    "Petrovych",
];
const SETTLEMENTS: &[&str] = &["Kyiv", "Lviv", "Poltava", "Sumy", "Chernihiv", "Odesa", "Dnipro", "Kharkiv"];
const UNITS: &[&str] = &["A0123", "A1234", "A4567", "A7890", "A2222"];

pub struct World {
    pub records: Vec<Record>,
    /// (record key, true person)
    pub truth: Vec<(RecordKey, u32)>,
}

fn typo(rng: &mut impl Rng, s: &str) -> String {
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

pub fn world(persons: u32, seed: u64) -> World {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut records = Vec::new();
    let mut truth = Vec::new();
    let sources = ["mod", "obits", "media"];
    let mut next_id = [0u32; 3];
    for p in 0..persons {
        let female = rng.gen_bool(0.05);
        let zipf = |rng: &mut rand_chacha::ChaCha8Rng, n: usize| {
            // Inverse-CDF draw from weights 1/(k+1).
            let h: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
            let mut x = rng.gen::<f64>() * h;
            for k in 0..n {
                x -= 1.0 / (k + 1) as f64;
                if x <= 0.0 {
                    return k;
                }
            }
            n - 1
        };
        let surname_owned =
            format!("{}{}", STEMS[zipf(&mut rng, STEMS.len())], SUFFIXES[zipf(&mut rng, SUFFIXES.len())]);
        let surname = surname_owned.as_str();
        let given =
            if female { GIVEN_F[rng.gen_range(0..GIVEN_F.len())] } else { GIVEN_M[rng.gen_range(0..GIVEN_M.len())] };
        let patr = PATR[rng.gen_range(0..PATR.len())];
        let by = rng.gen_range(1965..2004);
        let (bm, bd) = (rng.gen_range(1..=12u8), rng.gen_range(1..=28u8));
        let dd = PartialDate::ymd(2022 + rng.gen_range(0..3), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        let settlement = SETTLEMENTS[rng.gen_range(0..SETTLEMENTS.len())];
        let unit = UNITS[rng.gen_range(0..UNITS.len())];
        // Each person appears in one to three sources.
        let n = rng.gen_range(1..=3);
        for (s, src) in sources.iter().enumerate().take(n) {
            let mut f = ParsedFields {
                surname: Some(if rng.gen_bool(0.1) { typo(&mut rng, surname) } else { surname.into() }),
                given_name: Some(if rng.gen_bool(0.05) { typo(&mut rng, given) } else { given.into() }),
                patronymic: rng.gen_bool(0.7).then(|| patr.to_string()),
                birth_date: Some(if rng.gen_bool(0.2) {
                    PartialDate::year(by)
                } else if rng.gen_bool(0.03) && bd <= 12 {
                    PartialDate::ymd(by, bd, bm).unwrap()
                } else {
                    PartialDate::ymd(by, bm, bd).unwrap()
                }),
                death_date: rng.gen_bool(0.8).then_some(dd),
                settlement: rng.gen_bool(0.6).then(|| settlement.to_string()),
                unit: rng.gen_bool(0.5).then(|| unit.to_string()),
                sex: Some(if female { Sex::Female } else { Sex::Male }),
                ..Default::default()
            };
            if rng.gen_bool(0.05) {
                f.birth_date = None;
            }
            next_id[s] += 1;
            let key = RecordKey::new(*src, next_id[s].to_string());
            truth.push((key.clone(), p));
            records.push(Record { id: 0, key, line: u64::from(next_id[s]) + 1, raw: vec![], fields: f });
        }
    }
    World { records, truth }
}

pub fn rec(src: &str, id: &str, f: ParsedFields) -> Record {
    Record { id: 0, key: key(src, id), line: 2, raw: vec![], fields: f }
}

pub fn key(src: &str, id: &str) -> RecordKey {
    RecordKey::new(src, id)
}
