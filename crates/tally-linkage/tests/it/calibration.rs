//! Calibration when namesakes share more than random pairs do: the case that breaks the
//! conditional independence of Fellegi-Sunter among non-matches.

use rand::{Rng, SeedableRng};
use tally_domain::{ParsedFields, PartialDate, Record, RecordKey};
use tally_linkage::levels::CmpField;
use tally_linkage::model::{name_class, PARAMS_VERSION};
use tally_linkage::{FxHashMap, LinkConfig, LinkError, Linker, Params};

const STEMS: &[&str] = &[
    "Shevch", "Koval", "Bondar", "Tkach", "Kravch", "Oliyn", "Polishch", "Moroz", "March", "Lys", "Rud", "Savch",
    "Petr", "Klym", "Pavl", "Kuzm", "Ponomar", "Kharch", "Levch", "Karp", "Vasyl", "Hrytsk", "Melnych", "Boyk",
];
const SUFFIXES: &[&str] = &["enko", "uk", "yk", "ak", "ych", "ets"];
const REGIONS: &[&str] = &["Poltava", "Sumy", "Chernihiv", "Lviv", "Volyn", "Zakarpattia"];
const GIVEN: &[&str] = &["Oleksandr", "Serhii", "Andrii", "Volodymyr", "Dmytro", "Mykola", "Ivan", "Yurii", "Petro"];

/// Two populations (think: two parts of a country) with their own surnames, regions and units,
/// and given names in common. Namesakes are thus always of one population, and agree on region
/// and unit twice as often as random pairs. Two lists; dates often missing, so that many pairs
/// rest on names, region and unit alone.
pub fn two_populations(persons: u32, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), FxHashMap::default());
    let mut next = [0u32; 2];
    for p in 0..persons {
        let pop = rng.gen_range(0..2usize);
        let half = STEMS.len() / 2;
        let stem = STEMS[pop * half + rng.gen_range(0..half)];
        let surname = format!("{stem}{}", SUFFIXES[rng.gen_range(0..SUFFIXES.len())]);
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let region = REGIONS[pop * 3 + rng.gen_range(0..3)];
        let unit = format!("A{}", 1000 + pop * 5 + rng.gen_range(0..5));
        let birth = PartialDate::ymd(rng.gen_range(1965..2004), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        for s in 0..LISTS.len() {
            if s == 1 && !rng.gen_bool(0.6) {
                continue;
            }
            let f = ParsedFields {
                surname: Some(surname.clone()),
                given_name: Some(given.into()),
                birth_date: rng.gen_bool(0.5).then_some(birth),
                region: rng.gen_bool(0.9).then(|| region.to_string()),
                unit: rng.gen_bool(0.7).then(|| unit.clone()),
                ..Default::default()
            };
            push_record(&mut records, &mut truth, &mut next, s, p, f);
        }
    }
    (records, truth)
}

/// The two lists of this module's worlds.
const LISTS: [&str; 2] = ["lista", "listb"];

/// Add person `p`'s record in list `s` (numbered in the list's order) to the world.
fn push_record(
    records: &mut Vec<Record>,
    truth: &mut FxHashMap<RecordKey, u32>,
    next: &mut [u32; 2],
    s: usize,
    p: u32,
    fields: ParsedFields,
) {
    next[s] += 1;
    let key = RecordKey::new(LISTS[s], next[s].to_string());
    truth.insert(key.clone(), p);
    records.push(Record { id: 0, key, line: u64::from(next[s]) + 1, raw: vec![], fields });
}

fn cfg() -> LinkConfig {
    let mut c = LinkConfig::default();
    c.train.u_pairs = 40_000;
    c
}

/// Over the kept pairs with probability in [0.3, 0.9): (pairs, mean predicted - observed rate).
fn mid_range_bias(l: &Linker, truth: &FxHashMap<RecordKey, u32>) -> (usize, f64) {
    let (mut n, mut gap) = (0usize, 0.0);
    for p in &l.pairs {
        let pr = p.probability();
        if (0.3..0.9).contains(&pr) {
            let same = truth[&l.table.keys[p.a as usize]] == truth[&l.table.keys[p.b as usize]];
            n += 1;
            gap += pr - f64::from(u8::from(same));
        }
    }
    (n, gap / n.max(1) as f64)
}

/// The same model without the name-class conditioning: what a version-1 model scores.
fn independent(p: &Params) -> Params {
    let mut p = p.clone();
    p.version = 1;
    p.u_given_names.clear();
    p.namesake_pairs.clear();
    p
}

#[test]
fn namesakes_raise_u_for_region_and_unit() {
    let (records, _) = two_populations(6000, 5);
    let l = Linker::train(&records, cfg()).unwrap();
    let p = &l.scorer.params;
    assert_eq!(p.u_given_names.len(), 4);
    let (place, unit) = (CmpField::Place.index(), CmpField::Unit.index());
    // Level 3 of place is "region" (no settlements here), level 1 of unit "equal". Random pairs
    // agree on region about 1 time in 6 and namesakes 1 in 3; on unit 1 in 10 and 1 in 5.
    let class = 3; // surname and given name agree
    assert!(p.namesake_pairs[class] > 500, "{:?}", p.namesake_pairs);
    let (ur, uc) = (p.u[place][3], p.u_given_names[class][place][3]);
    assert!((0.12..0.22).contains(&ur) && (0.26..0.40).contains(&uc), "region: random {ur}, namesakes {uc}");
    let (ur, uc) = (p.u[unit][1], p.u_given_names[class][unit][1]);
    assert!((0.07..0.13).contains(&ur) && (0.15..0.26).contains(&uc), "unit: random {ur}, namesakes {uc}");
    // The names themselves keep their random-pair u, and class 0 is the random-pair u.
    assert_eq!(p.u_given_names[0], p.u);
    assert_eq!(p.u_given_names[class][CmpField::Surname.index()], p.u[CmpField::Surname.index()]);
}

#[test]
fn conditioning_on_the_name_class_calibrates_mid_range_pairs() {
    let (records, truth) = two_populations(6000, 5);
    let cond = Linker::train(&records, cfg()).unwrap();
    let indep = Linker::with_params(&records, cfg(), independent(&cond.scorer.params)).unwrap();
    let (nc, bc) = mid_range_bias(&cond, &truth);
    let (ni, bi) = mid_range_bias(&indep, &truth);
    assert!(nc >= 100 && ni >= 100, "mid-range pairs: {nc} conditioned, {ni} independent");
    // Independence over-counts the agreement of namesakes on region and unit: over-confident.
    assert!(bi > 0.04, "independent model's mid-range bias {bi:+.4} over {ni} pairs");
    eprintln!("mid-range bias: conditioned {bc:+.4} ({nc} pairs), independent {bi:+.4} ({ni} pairs)");
    assert!(bc.abs() < bi / 2.0, "conditioned {bc:+.4} ({nc} pairs) vs independent {bi:+.4} ({ni} pairs)");
}

#[test]
fn version_1_parameters_still_load_and_score_without_conditioning() {
    let (records, _) = two_populations(800, 9);
    let l = Linker::train(&records, cfg()).unwrap();
    assert_eq!(l.scorer.params.version, PARAMS_VERSION);
    let v1 = independent(&l.scorer.params);
    let old = Linker::with_params(&records, cfg(), v1.clone()).unwrap();
    for c in 0..4 {
        assert_eq!(old.scorer.wc[c], old.scorer.w, "class {c}");
    }
    // A pair's weight is then the plain sum over fields, whatever its name class.
    for p in old.pairs.iter().take(50) {
        let sum: f64 = (0..9).map(|f| old.scorer.w[f][tally_linkage::levels::level(p.pattern, f) as usize]).sum();
        let via: f64 = (0..9).map(|f| old.scorer.field_weight(p.pattern, f)).sum();
        assert_eq!(sum, via, "class {}", name_class(p.pattern));
    }
    // A version from the future (or before 1) is refused, with a hint to retrain.
    for v in [0, PARAMS_VERSION + 1] {
        let mut p = v1.clone();
        p.version = v;
        match Linker::with_params(&records, cfg(), p) {
            Err(e @ LinkError::ParamsVersion(..)) => assert!(e.to_string().contains("tally link --retrain"), "{e}"),
            other => panic!("version {v} accepted: {:?}", other.map(|_| ())),
        }
    }
}

/// Two peoples with their own surnames: the first has few (each common), the second many.
/// List "ru" holds only the first people (with a share of duplicates), list "ua" only the
/// second, list "media" both. The roll-wide frequency of a first-people surname is diluted by
/// the second people, so within "ru" it understates how often namesakes share it.
fn two_peoples(persons: u32, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), FxHashMap::default());
    let mut next: FxHashMap<&str, u32> = FxHashMap::default();
    let mut push = |src: &'static str, p: u32, f: ParsedFields, records: &mut Vec<Record>| {
        let n = next.entry(src).or_insert(0);
        *n += 1;
        let key = RecordKey::new(src, n.to_string());
        truth.insert(key.clone(), p);
        records.push(Record { id: 0, key, line: u64::from(*n) + 1, raw: vec![], fields: f });
    };
    for p in 0..persons {
        let first = rng.gen_bool(0.5);
        let surname = if first {
            format!("{}ov", STEMS[rng.gen_range(0..12)])
        } else {
            format!("{}{}", STEMS[rng.gen_range(12..STEMS.len())], SUFFIXES[rng.gen_range(0..SUFFIXES.len())])
        };
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let birth = PartialDate::ymd(rng.gen_range(1965..2004), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        let fields = |rng: &mut rand_chacha::ChaCha8Rng| ParsedFields {
            surname: Some(surname.clone()),
            given_name: Some(given.into()),
            birth_date: rng.gen_bool(0.6).then_some(birth),
            ..Default::default()
        };
        let own = if first { "ru" } else { "ua" };
        push(own, p, fields(&mut rng), &mut records);
        if first && rng.gen_bool(0.15) {
            push(own, p, fields(&mut rng), &mut records);
        }
        if rng.gen_bool(0.5) {
            push("media", p, fields(&mut rng), &mut records);
        }
    }
    (records, truth)
}

#[test]
fn name_frequencies_are_taken_in_each_records_source() {
    let (records, _) = two_peoples(4000, 11);
    let own = Linker::train(&records, cfg()).unwrap();
    let p = &own.scorer.params;
    assert_eq!(p.version, PARAMS_VERSION);
    assert_eq!(p.source_tf.iter().map(|s| s.source.as_str()).collect::<Vec<_>>(), ["media", "ru", "ua"]);
    // The two peoples' surnames never meet in the own lists: their frequencies vary from list
    // to list far more than sampling would (a small shape); the given names are drawn alike.
    assert_eq!(p.source_tf_shape.len(), 2);
    assert!(p.source_tf_shape[0] < 2.0, "surname shape {}", p.source_tf_shape[0]);
    assert!(p.source_tf_shape[1] > 5.0 * p.source_tf_shape[0], "given-name shape {:?}", p.source_tf_shape);
    let mut v2 = p.clone();
    v2.version = 2;
    v2.source_tf.clear();
    let wide = Linker::with_params(&records, cfg(), v2).unwrap();
    let t = &own.table;
    // Records by source and surname, in table order.
    let mut by: FxHashMap<(&str, &str), Vec<u32>> = FxHashMap::default();
    for (i, r) in records.iter().enumerate() {
        by.entry((r.key.source.as_str(), r.fields.surname.as_deref().unwrap()))
            .or_default()
            .push(t.find(&r.key).unwrap());
        assert_eq!(t.find(&r.key), Some(i as u32), "table order is input order here");
    }
    let count = |src: &str, name: &str| by.get(&(src, name)).map_or(0, Vec::len) as f64;
    let n_src = |src: &str| records.iter().filter(|r| r.key.source.as_str() == src).count() as f64;
    let u_agree = p.u[0][1] + p.u[0][2];
    let surname = format!("{}ov", STEMS[0]);
    let (ru, media) = (&by[&("ru", surname.as_str())], &by[&("media", surname.as_str())]);
    // Two records of the Russian list: the name's frequency there (leaving one out), which is
    // about twice its roll-wide frequency (half the roll is the other people).
    // The posterior mean under a gamma law of shape alpha around the roll-wide frequency
    // (`source_tf_shape`); held in single precision (hence 1e-5 below).
    // The roll-wide frequency itself is shrunk towards the average chance of agreeing by 200
    // pseudo-records (a roll of a few records says nothing of how common a name is).
    let n_all = records.len() as f64;
    let roll = (count("ru", &surname) + count("media", &surname) - 1.0 + 200.0 * u_agree) / (n_all + 200.0);
    let alpha = p.source_tf_shape[0];
    let shrunk = |c: f64, n: f64| (c - 1.0 + alpha) / (n + alpha / roll);
    let f_ru = shrunk(count("ru", &surname), n_src("ru"));
    let pat = |l: &Linker, a: u32, b: u32| {
        tally_linkage::levels::pack(&tally_linkage::compare::levels(
            &l.table,
            &tally_linkage::compare::NameCache::default(),
            a,
            b,
        ))
    };
    let adj = own.scorer.tf_pair(t, 0, ru[0], ru[1], pat(&own, ru[0], ru[1]));
    assert!((adj - (u_agree / f_ru).log2()).abs() < 1e-5, "{adj} vs {}", (u_agree / f_ru).log2());
    // Version-3 parameters (no shape) keep the fixed shrinkage they were trained with: 1,000
    // pseudo-records at the roll-wide frequency, every name at least one record of the list.
    let mut v3 = p.clone();
    v3.version = 3;
    v3.source_tf_shape.clear();
    let old = Linker::with_params(&records, cfg(), v3).unwrap();
    let legacy = |c: f64, n: f64| ((c - 1.0).max(1.0) + 1000.0 * roll) / (n + 1000.0);
    let adj3 = old.scorer.tf_pair(t, 0, ru[0], ru[1], pat(&old, ru[0], ru[1]));
    let want3 = (u_agree / legacy(count("ru", &surname), n_src("ru"))).log2();
    assert!((adj3 - want3).abs() < 1e-5, "{adj3} vs {want3}");
    let roll_wide = wide.scorer.tf_pair(t, 0, ru[0], ru[1], pat(&wide, ru[0], ru[1]));
    assert!(roll_wide - adj > 0.4, "per source {adj:.3} bits, roll-wide {roll_wide:.3}");
    // A Russian record and a media record: the persons both lists hold are of the people where
    // the name is commoner (the Russian list's frequency), so the Bayes factor is m x f_ru /
    // (f_ru x f_media) = m / f_media.
    let f_media = shrunk(count("media", &surname), n_src("media"));
    assert!(f_ru > f_media * 1.5, "ru {f_ru}, media {f_media}");
    let adj = own.scorer.tf_pair(t, 0, ru[0], media[0], pat(&own, ru[0], media[0]));
    assert!((adj - (u_agree / f_media).log2()).abs() < 1e-5, "{adj} vs {}", (u_agree / f_media).log2());
    // A source the parameters do not know scores with the roll-wide frequencies.
    let mut unknown = records.clone();
    for r in unknown.iter_mut().filter(|r| r.key.source.as_str() == "media") {
        r.key = RecordKey::new("new_list", r.key.source_record_id.to_string());
    }
    let later = Linker::with_params(&unknown, cfg(), p.clone()).unwrap();
    let lt = &later.table;
    let (a, b) = (lt.find(&records[ru[0] as usize].key).unwrap(), lt.find(&unknown[media[0] as usize].key).unwrap());
    let expected = later.scorer.tf_adjust(0, lt.name_tf_key(0, a)).min(later.scorer.tf_adjust(0, lt.name_tf_key(0, b)));
    assert_eq!(later.scorer.tf_pair(lt, 0, a, b, pat(&later, a, b)), expected);
    // A record with surname and given name swapped: its surname column holds a given name, so
    // its source frequency there says nothing about the surname the pair agrees on, and the
    // pair takes the roll-wide adjustment (of the commoner spelling).
    let mut swapped = records.clone();
    let mut f = records[ru[0] as usize].fields.clone();
    std::mem::swap(&mut f.surname, &mut f.given_name);
    swapped.push(Record { id: 0, key: RecordKey::new("ru", "swapped"), line: 9999, raw: vec![], fields: f });
    let later = Linker::with_params(&swapped, cfg(), p.clone()).unwrap();
    let lt = &later.table;
    let (a, b) = (lt.find(&records[ru[0] as usize].key).unwrap(), lt.find(&RecordKey::new("ru", "swapped")).unwrap());
    assert_eq!(tally_linkage::compare::levels(lt, &tally_linkage::compare::NameCache::default(), a, b)[..2], [2, 2]);
    // The waterfall says why two names in different columns are "equivalent".
    let e = later.explain(&lt.keys[a as usize], &lt.keys[b as usize]).unwrap();
    for field in ["surname", "given_name"] {
        let st = e.steps.iter().find(|st| st.field == field).unwrap();
        assert_eq!(st.level, "equivalent");
        assert!(st.why.contains("swapped"), "{field}: {}", st.why);
    }
    for k in 0..2 {
        let expected =
            later.scorer.tf_adjust(k, lt.name_tf_key(k, a)).min(later.scorer.tf_adjust(k, lt.name_tf_key(k, b)));
        assert_eq!(later.scorer.tf_pair(lt, k, a, b, pat(&later, a, b)), expected, "part {k}");
    }
}

/// A new user's first try: two lists of four, one in Cyrillic with full dates, the other in
/// Latin letters with less. Eight records give 28 pairs, four of them matches, and four
/// candidate pairs: too few to learn from. Before the reference priors, EM put all four
/// candidates among the non-matches (prior 2^-31.6), u came from pairs that were one in seven
/// matches, and every name was "one in eight": no pair linked. The weak priors (reference u,
/// pseudo-matches for EM, name frequencies shrunk to the average) leave such a roll with sensible
/// weights, and weigh nothing in rolls of thousands (the synthetic worlds' figures did not move).
#[test]
fn a_roll_of_eight_records_links_its_four_persons() {
    let date = |s: &str| {
        let v: Vec<i32> = s.split('-').map(|x| x.parse().unwrap()).collect();
        match v.len() {
            1 => PartialDate::year(v[0]),
            _ => PartialDate::ymd(v[0], v[1] as u8, v[2] as u8).unwrap(),
        }
    };
    let rec = |src: &str, id: usize, s: &str, g: &str, p: &str, b: &str, d: &str, r: &str| Record {
        id: 0,
        key: RecordKey::new(src, id.to_string()),
        line: id as u64 + 1,
        raw: vec![],
        fields: ParsedFields {
            surname: Some(s.into()),
            given_name: Some(g.into()),
            patronymic: (!p.is_empty()).then(|| p.into()),
            birth_date: (!b.is_empty()).then(|| date(b)),
            death_date: (!d.is_empty()).then(|| date(d)),
            region: (!r.is_empty()).then(|| r.into()),
            ..Default::default()
        },
    };
    let records = vec![
        rec("obits", 1, "Шевченко", "Олександр", "Іванович", "1990-03-12", "2023-06-05", "Київська область"),
        rec("obits", 2, "Коваленко", "Петро", "Миколайович", "1985", "2023-07-01", "Львівська область"),
        rec("obits", 3, "Бондаренко", "Ігор", "Васильович", "", "", ""),
        rec("obits", 4, "Ткаченко", "Андрій", "", "1991", "2024-01-15", "Харківська область"),
        rec("list", 1, "Shevchenko", "Oleksandr", "Ivanovych", "1990-03-12", "2023-06-05", "Kyiv Oblast"),
        rec("list", 2, "Kovalenko", "Petro", "Mykolaiovych", "1985", "", "Lviv Oblast"),
        rec("list", 3, "Bondarenko", "Ihor", "", "", "", ""),
        rec("list", 4, "Tkachenko", "Andriy", "", "1991", "2024-01-15", "Kharkiv Oblast"),
    ];
    let l = Linker::train(&records, LinkConfig::default()).unwrap();
    let linked: Vec<(String, String)> = l
        .pairs
        .iter()
        .filter(|p| p.probability() >= 0.95)
        .map(|p| {
            (
                l.table.keys[p.a as usize].source_record_id.to_string(),
                l.table.keys[p.b as usize].source_record_id.to_string(),
            )
        })
        .collect();
    assert_eq!(linked.len(), 4, "{linked:?}");
    assert!(linked.iter().all(|(a, b)| a == b), "{linked:?}");
    // The prior is the share of pairs that match (4 of 28 here), not a collapse to nothing.
    assert!(l.scorer.prior > -4.0, "prior {} bits", l.scorer.prior);
}

/// Counts of each source, of the roll, and the roll's size.
type NameCounts = (Vec<tally_linkage::model::SourceTf>, [Vec<(u64, u32)>; 2], u64);

/// Name counts per source drawn from the law `source_tf_shape` assumes: a name's frequency in
/// a source is gamma with shape `alpha` around its frequency in the population, its count
/// Poisson. Returns the sources' counts, the roll's and its size (both parts alike).
fn gamma_poisson_counts(alpha: u32, seed: u64) -> NameCounts {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let sizes = [20_000u64, 15_000, 25_000, 10_000];
    let names = 400u64;
    let z: f64 = (0..names).map(|r| 1.0 / (r as f64 + 5.0)).sum();
    let poisson = |rng: &mut rand_chacha::ChaCha8Rng, mean: f64| {
        // Knuth's product of uniforms: means here stay below a few hundred.
        let (limit, mut prod, mut k) = ((-mean).exp(), 1.0f64, 0u32);
        loop {
            prod *= rng.gen::<f64>();
            if prod <= limit {
                return k;
            }
            k += 1;
        }
    };
    let mut roll: FxHashMap<u64, u32> = FxHashMap::default();
    let mut sources = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        let mut tf = Vec::new();
        for r in 0..names {
            let f = 0.5 / z / (r as f64 + 5.0);
            // Gamma of integer shape: a sum of `alpha` exponentials of mean f / alpha.
            let fs: f64 = (0..alpha).map(|_| -(1.0 - rng.gen::<f64>()).ln() * f / f64::from(alpha)).sum();
            let c = poisson(&mut rng, n as f64 * fs);
            if c > 0 {
                tf.push((r + 1, c));
                *roll.entry(r + 1).or_insert(0) += c;
            }
        }
        sources.push(tally_linkage::model::SourceTf { source: format!("s{i}"), records: n, tf: [tf.clone(), tf] });
    }
    let mut roll: Vec<(u64, u32)> = roll.into_iter().collect();
    roll.sort_unstable();
    (sources, [roll.clone(), roll], sizes.iter().sum())
}

#[test]
fn the_spread_of_name_frequencies_across_sources_is_estimated() {
    // Method of moments on 400 names in four sources, eight draws each: the estimate scatters
    // by about a quarter around the shape (the few common names weigh most), and tells sources
    // that differ much (2) from sources that differ little (50). Without the Poisson term it
    // would take sampling noise for a spread (28 at 50, on average, and this test fails); the
    // other sources' frequency, itself sampled, pulls large shapes down a little (about 38).
    for alpha in [2u32, 50] {
        let est: Vec<f64> = (1..=8u64)
            .map(|seed| {
                let (sources, roll, total) = gamma_poisson_counts(alpha, seed);
                let est = tally_linkage::model::source_tf_shape(&sources, &roll, total);
                assert!(est.len() == 2 && est[0] == est[1], "{est:?}");
                est[0]
            })
            .collect();
        let mean = est.iter().sum::<f64>() / est.len() as f64;
        let a = f64::from(alpha);
        assert!(mean > a * 0.65 && mean < a * 1.25, "shape {alpha}: estimates {est:?}");
        assert!(est.iter().all(|&e| e > a * 0.5 && e < a * 1.6), "shape {alpha}: estimates {est:?}");
    }
}

/// Units that fall together: each unit has its region and a few days of heavy losses, and its
/// men (strangers to one another) die on those days. Two lists; names with slips.
fn units_that_fall_together(persons: u32, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), FxHashMap::default());
    let mut next = [0u32; 2];
    let days: Vec<[PartialDate; 3]> = (0..12)
        .map(|_| [0; 3].map(|_| PartialDate::ymd(2023, rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap()))
        .collect();
    for p in 0..persons {
        let surname = format!("{}{}", STEMS[rng.gen_range(0..STEMS.len())], SUFFIXES[rng.gen_range(0..SUFFIXES.len())]);
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let u = rng.gen_range(0..12usize);
        let death = days[u][rng.gen_range(0..3)];
        let birth = PartialDate::ymd(rng.gen_range(1965..2004), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        for s in 0..LISTS.len() {
            if s == 1 && !rng.gen_bool(0.6) {
                continue;
            }
            let f = ParsedFields {
                surname: Some(surname.clone()),
                given_name: Some(given.into()),
                birth_date: rng.gen_bool(0.5).then_some(birth),
                death_date: rng.gen_bool(0.9).then_some(death),
                region: rng.gen_bool(0.9).then(|| REGIONS[u % REGIONS.len()].to_string()),
                unit: rng.gen_bool(0.8).then(|| format!("A{}", 2000 + u)),
                ..Default::default()
            };
            push_record(&mut records, &mut truth, &mut next, s, p, f);
        }
    }
    (records, truth)
}

#[test]
fn strangers_of_one_unit_share_region_and_death_day() {
    let (records, _) = units_that_fall_together(3000, 8);
    let l = Linker::train(&records, cfg()).unwrap();
    let (t, s, p) = (&l.table, &l.scorer, &l.scorer.params);
    let (place, death, unit) = (CmpField::Place.index(), CmpField::DeathDate.index(), CmpField::Unit.index());
    assert!(p.comrade_pairs > 1000, "strangers of one unit: {}", p.comrade_pairs);
    // A unit's men die on three days, so two of them share the day about once in three; random
    // pairs about once in 36 (twelve units, 36 days). And they always share the region.
    let (exact, region) = (1, 3);
    let given_unit = p.u_death_given_unit[region][exact];
    assert!(given_unit > 0.25 && given_unit > 5.0 * p.u[death][exact], "{given_unit} vs {}", p.u[death][exact]);
    assert!(p.u_place_given_unit[region] > 0.9, "{:?}", p.u_place_given_unit);
    // A pair of one unit, region and day of death loses what the two agreements had counted
    // twice; the waterfall shows it and still adds up.
    let sp = l
        .pairs
        .iter()
        .find(|sp| {
            let lv = |f: usize| tally_linkage::levels::level(sp.pattern, f);
            lv(unit) == 1 && lv(death) == 1 && lv(place) == region as u8
        })
        .expect("a kept pair of one unit, region and day");
    let adj = s.comrade_adjust(sp.pattern);
    assert!(adj < -2.0, "adjustment {adj}");
    let e = l.explain(&t.keys[sp.a as usize], &t.keys[sp.b as usize]).unwrap();
    let step = e.steps.iter().find(|st| st.field == "unit context").expect("the step");
    assert_eq!(step.weight, adj);
    assert!((e.total - sp.weight).abs() < 1e-9, "explained {} vs scored {}", e.total, sp.weight);
    // Parameters without u given the unit (version 4) score as before: no adjustment.
    let mut old = p.clone();
    old.version = 4;
    old.u_place_given_unit.clear();
    old.u_death_given_unit.clear();
    let before = Linker::with_params(&records, cfg(), old).unwrap();
    for sp in &l.pairs {
        assert_eq!(before.scorer.comrade_adjust(sp.pattern), 0.0);
        let diff = s.weight(t, sp.a, sp.b, sp.pattern) - before.scorer.weight(t, sp.a, sp.b, sp.pattern);
        assert!((diff - s.comrade_adjust(sp.pattern)).abs() < 1e-9, "weight moved by {diff}");
    }
}

/// For each of [`GIVEN`], another given name with its initial.
const SAME_INITIAL: [&str; 9] = ["Ostap", "Stepan", "Anton", "Vasyl", "Denys", "Maksym", "Ihor", "Yaroslav", "Pavlo"];

/// Two lists of one people, where the second list's clerk wrote another given name of the same
/// initial for one man in ten (a slip the comparator can only call "different"). Half the
/// records give a day of birth, half a day of death: a match with a wrong given name is a
/// candidate only through a rule keyed on the surname and its initial or on a day.
fn wrong_given_names(persons: u32, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), FxHashMap::default());
    let mut next = [0u32; 2];
    for p in 0..persons {
        let (stem, suffix) = (STEMS[rng.gen_range(0..STEMS.len())], rng.gen_range(0..SUFFIXES.len()));
        let given = rng.gen_range(0..GIVEN.len());
        let birth = PartialDate::ymd(rng.gen_range(1965..2004), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        let death = PartialDate::ymd(rng.gen_range(2022..2026), rng.gen_range(1..=12), rng.gen_range(1..=28)).unwrap();
        for s in 0..LISTS.len() {
            // The other name of the same initial: a clerk who expanded an initial wrongly.
            let slip = s == 1 && rng.gen_bool(0.1);
            let g = if slip { SAME_INITIAL[given] } else { GIVEN[given] };
            // And half its surnames with another ending: found, if at all, by the given name.
            let sur = if s == 1 && rng.gen_bool(0.5) {
                format!("{stem}{}", SUFFIXES[(suffix + 1) % SUFFIXES.len()])
            } else {
                format!("{stem}{}", SUFFIXES[suffix])
            };
            let f = ParsedFields {
                surname: Some(sur),
                given_name: Some(g.into()),
                birth_date: rng.gen_bool(0.5).then_some(birth),
                death_date: rng.gen_bool(0.5).then_some(death),
                ..Default::default()
            };
            push_record(&mut records, &mut truth, &mut next, s, p, f);
        }
    }
    (records, truth)
}

#[test]
fn a_name_part_learns_its_slips_from_pairs_blocked_without_it() {
    let (records, truth) = wrong_given_names(4000, 11);
    let l = Linker::train(&records, cfg()).unwrap();
    let (t, p) = (&l.table, &l.scorer.params);
    let (given, different) = (CmpField::GivenName.index(), 5);
    assert!(p.name_free_pairs[given] > 1000, "pairs blocked without the given name: {:?}", p.name_free_pairs);
    // Among all candidates, the matches with a garbled surname that rules keyed on the given
    // name found are matches whose given name is right: the main fit puts a wrong given name
    // at 0.075. Among the pairs found by rules not keyed on it (surname and initial, surname
    // and a day, two days) it is about its rate among matches, one in ten (0.118).
    let m = p.m[given][different];
    assert!((0.08..0.14).contains(&m), "m(given name different) = {m}");
    let idx = tally_linkage::blocking::BlockIndex::build(t, &l.cfg.blocking);
    let (pairs, _) = tally_linkage::blocking::candidate_pairs(t, &l.cfg.blocking, &idx);
    let pats = tally_linkage::compare::patterns(t, &mut Default::default(), &pairs);
    let main = tally_linkage::model::train_with_sources(t, &mut Default::default(), &pairs, &pats, &[], &l.cfg.train);
    assert!(main.name_free_pairs.iter().all(|&n| n == 0));
    assert!(main.m[given][different] < 0.8 * m, "main fit {} vs {m}", main.m[given][different]);
    // Scored with the name-free m, the matches with a wrong given name get more of their due
    // (0.71 on average against 0.66), and the mid-range pairs are less under-confident
    // (predicted - observed -0.109 against -0.157).
    let with_main = Linker::with_params(&records, cfg(), main).unwrap();
    let slips = |l: &Linker| {
        let (mut n, mut sum) = (0usize, 0.0);
        for sp in &l.pairs {
            let (ka, kb) = (&l.table.keys[sp.a as usize], &l.table.keys[sp.b as usize]);
            if truth[ka] == truth[kb] && tally_linkage::levels::level(sp.pattern, given) == different as u8 {
                n += 1;
                sum += sp.probability();
            }
        }
        (n, sum / n.max(1) as f64)
    };
    let (a, b) = (slips(&l), slips(&with_main));
    assert!(a.0 > 100 && a.1 > b.1 + 0.03, "{a:?} vs {b:?}");
    let (x, y) = (mid_range_bias(&l, &truth), mid_range_bias(&with_main, &truth));
    assert!(x.0 > 500 && x.1.abs() + 0.02 < y.1.abs(), "{x:?} vs {y:?}");
}

/// One person in two lists, the second writing another day of the month of birth for one man
/// in eight (a date of registration, a guess): the commonest error in a birth date.
fn wrong_days(persons: u32, seed: u64) -> (Vec<Record>, FxHashMap<RecordKey, u32>) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut records, mut truth) = (Vec::new(), FxHashMap::default());
    let mut next = [0u32; 2];
    for p in 0..persons {
        let surname = format!("{}{}", STEMS[rng.gen_range(0..STEMS.len())], SUFFIXES[rng.gen_range(0..SUFFIXES.len())]);
        let given = GIVEN[rng.gen_range(0..GIVEN.len())];
        let (y, m, d) = (rng.gen_range(1965..2004), rng.gen_range(1..=12), rng.gen_range(1..=28));
        let region = REGIONS[rng.gen_range(0..REGIONS.len())];
        for s in 0..LISTS.len() {
            let day = if s == 1 && rng.gen_bool(0.125) { rng.gen_range(1..=28) } else { d };
            let f = ParsedFields {
                surname: Some(surname.clone()),
                given_name: Some(given.into()),
                birth_date: Some(PartialDate::ymd(y, m, day).unwrap()),
                region: rng.gen_bool(0.8).then(|| region.to_string()),
                ..Default::default()
            };
            push_record(&mut records, &mut truth, &mut next, s, p, f);
        }
    }
    (records, truth)
}

#[test]
fn another_day_of_the_month_of_birth_is_a_level_of_its_own() {
    let (records, truth) = wrong_days(4000, 17);
    let l = Linker::train(&records, cfg()).unwrap();
    let p = &l.scorer.params;
    let (bd, same_month, different) = (CmpField::BirthDate.index(), 5, 6);
    assert_eq!(CmpField::BirthDate.level_names()[same_month], "same_month");
    // Among matches: one in eight draws another day, and two in five of those are one digit
    // away ("near", 0.047): 0.071. Among strangers one pair in some 450 was born in one month
    // of one year (39 years).
    assert!((0.05..0.10).contains(&p.m[bd][same_month]), "m {:?}", p.m[bd]);
    assert!(p.u[bd][same_month] < 0.005, "u {:?}", p.u[bd]);
    assert!(l.scorer.w[bd][same_month] > l.scorer.w[bd][different] + 8.0, "w {:?}", l.scorer.w[bd]);
    // The same model as version 5 fitted it: the two levels merged into "different".
    let mut v5 = p.clone();
    v5.version = 5;
    let merge = |v: &mut Vec<f64>| {
        let x = v.remove(same_month);
        v[same_month] += x;
    };
    merge(&mut v5.m[bd]);
    merge(&mut v5.u[bd]);
    for c in &mut v5.u_given_names {
        merge(&mut c[bd]);
    }
    let old = Linker::with_params(&records, cfg(), v5).unwrap();
    // Version-5 parameters load with the level at "different"'s weight, in every name class.
    for c in 0..old.scorer.wc.len() {
        assert_eq!(old.scorer.wc[c][bd][same_month], old.scorer.wc[c][bd][different], "class {c}");
    }
    // Pairs of one person born, by the lists, in one month on two days.
    let wrong_day = |l: &Linker| {
        let (mut n, mut sum) = (0usize, 0.0);
        for sp in &l.pairs {
            let (ka, kb) = (&l.table.keys[sp.a as usize], &l.table.keys[sp.b as usize]);
            if truth[ka] == truth[kb] && tally_linkage::levels::level(sp.pattern, bd) == same_month as u8 {
                n += 1;
                sum += sp.probability();
            }
        }
        (n, sum / n.max(1) as f64)
    };
    let (new, merged) = (wrong_day(&l), wrong_day(&old));
    eprintln!("m {:?}\nu {:?}\nwrong days: {new:?}, merged {merged:?}", p.m[bd], p.u[bd]);
    // With the level, 288 such pairs are kept at 0.97 on average; merged into "different",
    // 5 at 0.23 (the others fall below the review threshold).
    assert!(new.0 > 200 && new.1 > 0.9, "{new:?}");
    assert!(merged.0 < new.0 / 10 && merged.1 < 0.5, "{merged:?} against {new:?}");
}
