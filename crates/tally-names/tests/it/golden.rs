//! Equality check for the comparator: a large seeded set of name pairs (Ukrainian and Russian Cyrillic
//! forms from the crate's dictionary, their Latin spellings under several standards, capitals, typos,
//! declined forms, near neighbours) with the level, the exact score bits and a hash of the explanation
//! that `compare_part` gave when the file was made (before the comparator was optimised). Any change in
//! a level or a score, however small, fails here.
//!
//! Regenerate (only when a result is meant to change): `TALLY_BLESS_NAMES_GOLDEN=1 cargo test -p
//! tally-names --test it golden`.

use std::collections::HashMap;

use tally_names::{
    compare_part, compare_prepared, grade_prepared, level_prepared, prepare, transliterate, NameForm, PartKind,
};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test_data/compare_golden.tsv");
const DICT: &str = include_str!("../../data/uk_ru_names.tsv");
const STDS: &[&str] = &[
    "ua_kmu_2010",
    "ua_icao_9303",
    "ua_bgn_pcgn_1965",
    "ua_dstu_9112_a",
    "ru_icao_9303",
    "ru_mvd_310",
    "ru_bgn_pcgn",
    "ru_gost_779_alt",
    "ua_national_1996",
];

/// FNV-1a: a stable 64-bit hash of the explanation (the file stays small; the text is not the contract).
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
    }
    h
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64: seeded, reproducible.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn kind_name(k: PartKind) -> &'static str {
    match k {
        PartKind::Surname => "surname",
        PartKind::Given => "given",
        PartKind::Patronymic => "patronymic",
    }
}

fn typo(s: &str, r: &mut Rng) -> String {
    let cs: Vec<char> = s.chars().collect();
    if cs.len() < 3 {
        return s.to_string();
    }
    let k = 1 + r.below(cs.len() - 1);
    match r.below(3) {
        0 => cs.iter().enumerate().filter(|(j, _)| *j != k).map(|(_, c)| *c).collect(),
        1 => {
            let mut v = cs.clone();
            v.swap(k - 1, k);
            v.into_iter().collect()
        }
        _ => {
            let mut v = cs.clone();
            v[k] = v[k - 1];
            v.into_iter().collect()
        }
    }
}

/// Every spelling of one dictionary entry that the pairs draw from.
fn variants(uk: &str, ru: &[&str], r: &mut Rng) -> Vec<String> {
    let mut v = vec![uk.to_string()];
    v.extend(ru.iter().map(|s| s.to_string()));
    let cyr = v.clone();
    for c in &cyr {
        for _ in 0..3 {
            v.push(transliterate(STDS[r.below(STDS.len())], c).unwrap());
        }
    }
    v.push(uk.to_uppercase());
    v.push(typo(uk, r));
    let lat = v[cyr.len()].clone();
    v.push(typo(&lat, r));
    // Declined forms (genitive, instrumental) and a gender form, as lists and obituaries write them.
    v.push(format!("{uk}а"));
    v.push(format!("{uk}ом"));
    v.push(format!("{}а", ru[0]));
    v.sort();
    v.dedup();
    v
}

fn generate() -> Vec<(PartKind, String, String)> {
    let mut r = Rng(0x7a11_4e5e_0001);
    let entries: Vec<(PartKind, &str, Vec<&str>)> = DICT
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let kind = match *f.first()? {
                "g" => PartKind::Given,
                "p" => PartKind::Patronymic,
                _ => PartKind::Surname,
            };
            let uk = *f.get(2)?;
            let ru: Vec<&str> = f.get(3)?.split('|').map(|s| if s == "=" { uk } else { s }).collect();
            Some((kind, uk, ru))
        })
        .collect();
    let mut pool: Vec<(PartKind, Vec<String>)> = Vec::new();
    for _ in 0..700 {
        let (k, uk, ru) = &entries[r.below(entries.len())];
        pool.push((*k, variants(uk, ru, &mut r)));
    }
    let mut out = Vec::new();
    for i in 0..pool.len() {
        let (k, vs) = &pool[i];
        // Within one entry: mostly the same name across scripts and standards.
        for _ in 0..9 {
            let a = &vs[r.below(vs.len())];
            let b = &vs[r.below(vs.len())];
            out.push((*k, a.clone(), b.clone()));
        }
        // Against other entries (a neighbour in the pool and a random one), under a random kind too.
        for j in [(i + 1) % pool.len(), r.below(pool.len())] {
            let ws = &pool[j].1;
            let a = &vs[r.below(vs.len())];
            let b = &ws[r.below(ws.len())];
            let kk = [PartKind::Surname, PartKind::Given, PartKind::Patronymic][r.below(3)];
            out.push((*k, a.clone(), b.clone()));
            out.push((kk, b.clone(), a.clone()));
        }
    }
    // Initials and empty sides.
    for _ in 0..100 {
        let vs = &pool[r.below(pool.len())].1;
        let a = &vs[r.below(vs.len())];
        let ini: String = a.chars().take(1).collect();
        out.push((PartKind::Given, ini + ".", vs[r.below(vs.len())].clone()));
        out.push((PartKind::Surname, a.clone(), String::new()));
    }
    out
}

fn line(k: PartKind, a: &str, b: &str) -> String {
    let c = compare_part(k, a, b);
    format!("{}\t{a}\t{b}\t{}\t{:016x}\t{:016x}", kind_name(k), c.level, c.score.to_bits(), fnv(&c.why))
}

#[test]
fn comparator_results_match_the_golden_file() {
    if std::env::var("TALLY_BLESS_NAMES_GOLDEN").is_ok() {
        let mut s = String::from("# kind\ta\tb\tlevel\tscore bits\tfnv-1a of why (see tests/it/golden.rs)\n");
        for (k, a, b) in generate() {
            s.push_str(&line(k, &a, &b));
            s.push('\n');
        }
        std::fs::write(FILE, s).unwrap();
    }
    let text = std::fs::read_to_string(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let mut n = 0;
    let mut translit = 0;
    let mut bad = Vec::new();
    // Forms prepared once and shared by every pair, as linkage holds them (their caches fill as they go).
    let mut forms: HashMap<String, NameForm> = HashMap::new();
    for want in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = want.split('\t').collect();
        let k = f[0].parse::<PartKind>().unwrap();
        let got = line(k, f[1], f[2]);
        if got != want {
            bad.push(format!("want {want}\n got {got}"));
        }
        for s in [f[1], f[2]] {
            forms.entry(s.to_string()).or_insert_with(|| prepare(s));
        }
        let (fa, fb) = (&forms[f[1]], &forms[f[2]]);
        let c = compare_prepared(k, fa, fb);
        let g = grade_prepared(k, fa, fb);
        let cached =
            format!("{}\t{}\t{}\t{}\t{:016x}\t{:016x}", f[0], f[1], f[2], c.level, c.score.to_bits(), fnv(&c.why));
        let quiet = format!("{}\t{}\t{}\t{}\t{:016x}\t{}", f[0], f[1], f[2], g.level, g.score.to_bits(), f[5]);
        // The level-only path (what linkage calls) gives the level, on fresh forms and on shared ones.
        let level_only = |l: tally_names::Level| format!("{}\t{}\t{}\t{}", f[0], f[1], f[2], l);
        let want_level = level_only(c.level);
        for got in
            [level_only(level_prepared(k, fa, fb)), level_only(level_prepared(k, &prepare(f[1]), &prepare(f[2])))]
        {
            if got != format!("{}\t{}\t{}\t{}", f[0], f[1], f[2], f[3]) || got != want_level {
                bad.push(format!("level_prepared: want {want}\n got {got}"));
            }
        }
        for (what, got) in [("cached forms", cached), ("grade_prepared", quiet)] {
            if got != want {
                bad.push(format!("{what}: want {want}\n got {got}"));
            }
        }
        translit += usize::from(f[3] == "translit");
        n += 1;
    }
    assert!(n > 9_000 && translit > 1_000, "{n} pairs, {translit} translit: the file lost its coverage");
    assert!(bad.is_empty(), "{} of {n} pairs changed:\n{}", bad.len(), bad[..bad.len().min(20)].join("\n"));
}
