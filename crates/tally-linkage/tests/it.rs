//! Integration tests of the linkage core: order independence, incremental = full, stable ids,
//! human decisions, evaluation numbers, explanations.

#[path = "it/calibration.rs"]
mod calibration;
#[path = "it/world.rs"]
mod world;

#[path = "it/blocking.rs"]
mod blocking;
#[path = "it/ids.rs"]
mod ids;
#[path = "it/saved_names.rs"]
mod saved_names;

use proptest::prelude::*;
use tally_domain::{ParsedFields, PartialDate, PersonId, Record, RecordKey, Sex};
use tally_linkage::{evaluate, Decisions, FxHashMap, LinkConfig, Linker, Roll};
use world::{key, rec, world};

fn cfg() -> LinkConfig {
    let mut c = LinkConfig::default();
    c.train.u_pairs = 20_000;
    c
}

/// The partition as a canonical value: record -> smallest record key of its person.
fn partition(roll: &Roll) -> Vec<(RecordKey, RecordKey)> {
    let mut first: FxHashMap<PersonId, RecordKey> = FxHashMap::default();
    for a in &roll.assignments {
        let e = first.entry(a.person).or_insert_with(|| a.record.clone());
        if a.record < *e {
            *e = a.record.clone();
        }
    }
    roll.assignments.iter().map(|a| (a.record.clone(), first[&a.person].clone())).collect()
}

fn truth_map(w: &world::World) -> FxHashMap<RecordKey, u32> {
    w.truth.iter().cloned().collect()
}

fn prev_of(roll: &Roll) -> FxHashMap<RecordKey, PersonId> {
    roll.assignments.iter().map(|a| (a.record.clone(), a.person)).collect()
}

#[test]
fn links_a_small_world_well() {
    let w = world(400, 7);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let pred: Vec<(RecordKey, PersonId)> = roll.assignments.iter().map(|a| (a.record.clone(), a.person)).collect();
    let ev = evaluate(&pred, &truth_map(&w));
    assert!(ev.bcubed.f1 > 0.97, "{ev:?}");
    assert!(ev.pairwise.precision > 0.97, "{ev:?}");
    assert!(l.scorer.params.em_converged);
    let recall = l.blocking.estimated_recall.unwrap();
    assert!(recall > 0.9 && recall <= 1.0, "{recall}");
}

#[test]
fn parameters_carry_seed_and_input_hash_and_round_trip() {
    let w = world(150, 3);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let p = &l.scorer.params;
    assert_eq!(p.seed, cfg().train.seed);
    assert_eq!(p.input_hash.len(), 64);
    let json = serde_json::to_string(p).unwrap();
    let back: tally_linkage::Params = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, p);
    // The same input in another order hashes the same; other input does not.
    let mut rev = w.records.clone();
    rev.reverse();
    let l2 = Linker::train(&rev, cfg()).unwrap();
    assert_eq!(l2.scorer.params, *p);
    let l3 = Linker::train(&w.records[1..], cfg()).unwrap();
    assert_ne!(l3.scorer.params.input_hash, p.input_hash);
}

proptest! {
    #![proptest_config(ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn linking_is_independent_of_input_order(seed in 0u64..1000) {
        let w = world(120, 11);
        let mut shuffled = w.records.clone();
        // Seeded Fisher-Yates so the case is reproducible.
        let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        let a = Linker::train(&w.records, cfg()).unwrap();
        let b = Linker::train(&shuffled, cfg()).unwrap();
        prop_assert_eq!(&a.scorer.params, &b.scorer.params);
        prop_assert_eq!(a.kept_pairs(), b.kept_pairs());
        let ra = a.roll(&Decisions::default(), &FxHashMap::default(), 1);
        let rb = b.roll(&Decisions::default(), &FxHashMap::default(), 1);
        prop_assert_eq!(&ra.assignments, &rb.assignments, "ids, too, are minted in canonical order");
    }
}

#[test]
fn incremental_equals_full() {
    let w = world(300, 5);
    let full = Linker::train(&w.records, cfg()).unwrap();
    let params = full.scorer.params.clone();
    // Split: the first two thirds are the roll, the rest a new source arriving later.
    let cut = w.records.len() * 2 / 3;
    let (old, new) = w.records.split_at(cut);
    let base = Linker::with_params(old, cfg(), params.clone()).unwrap();
    let kept: Vec<(RecordKey, RecordKey)> = base.kept_pairs().into_iter().map(|(a, b, _)| (a, b)).collect();
    let mut inc = Linker::from_parts(old, cfg(), params.clone(), &kept).unwrap();
    inc.add(new).unwrap();
    let full2 = Linker::with_params(&w.records, cfg(), params).unwrap();
    assert_eq!(inc.kept_pairs(), full2.kept_pairs());
    assert_eq!(full2.kept_pairs(), full.kept_pairs());
    let d = Decisions::default();
    let r_inc = inc.roll(&d, &FxHashMap::default(), 1);
    let r_full = full2.roll(&d, &FxHashMap::default(), 1);
    assert_eq!(partition(&r_inc), partition(&r_full));
    assert_eq!(r_inc.assignments, r_full.assignments);
}

/// The partial re-cluster after `add` (only threshold components holding a new record) gives
/// the same roll (persons, ids, probabilities, labels, flags, events) as clustering everything,
/// with human decisions that reach across old and new records, and import-minted ids on the
/// new records.
#[test]
fn partial_recluster_equals_full_cluster() {
    for seed in [5u64, 13, 21] {
        // Large enough that some new pairs below the threshold touch old records left untouched.
        let w = world(2000, seed);
        let full = Linker::train(&w.records, cfg()).unwrap();
        let params = full.scorer.params.clone();
        let cut = w.records.len() * 3 / 4;
        let (old, new) = w.records.split_at(cut);
        let is_new = |k: &RecordKey| new.iter().any(|r| &r.key == k);
        let kept = full.kept_pairs();
        let mut d = Decisions::default();
        // A grey-zone pair touching a new record is confirmed, a strong old pair is rejected.
        if let Some((a, b, _)) = kept.iter().find(|(a, b, p)| *p < 0.95 && (is_new(a) || is_new(b))) {
            d.must.push((a.clone(), b.clone()));
        }
        if let Some((a, b, _)) = kept.iter().find(|(a, b, p)| *p >= 0.999 && !is_new(a) && !is_new(b)) {
            d.cannot.push((a.clone(), b.clone()));
        }
        assert!(!d.must.is_empty() && !d.cannot.is_empty(), "seed {seed}: the world has no such pairs");
        let mut l = Linker::with_params(old, cfg(), params).unwrap();
        let base = l.roll(&d, &FxHashMap::default(), 1);
        l.add(new).unwrap();
        let minted: FxHashMap<RecordKey, PersonId> =
            new.iter().enumerate().map(|(i, r)| (r.key.clone(), PersonId(base.next_id + i as i64))).collect();
        let next_id = base.next_id + new.len() as i64;
        let mut all = prev_of(&base);
        all.extend(minted.clone());
        let expect = l.roll(&d, &all, next_id);
        assert!(expect.persons < base.persons + new.len() as u64, "seed {seed}: new records link to old ones");
        let got = l.roll_incremental(base.clone(), &d, &minted, next_id);
        assert_eq!(got, expect, "seed {seed}");
        // Without earlier ids for the new records, too.
        let expect = l.roll(&d, &prev_of(&base), base.next_id);
        assert_eq!(l.roll_incremental(base.clone(), &d, &FxHashMap::default(), base.next_id), expect, "seed {seed}");
        // An id of the new records that an untouched person holds: still the full answer.
        let untouched = base.assignments.last().unwrap().person;
        let clash: FxHashMap<RecordKey, PersonId> = [(new[0].key.clone(), untouched)].into_iter().collect();
        let mut all = prev_of(&base);
        all.extend(clash.clone());
        assert_eq!(l.roll_incremental(base, &d, &clash, next_id), l.roll(&d, &all, next_id), "seed {seed}");
    }
}

#[test]
fn person_ids_are_stable_across_reruns_and_growth() {
    let w = world(200, 9);
    let cut = w.records.len() - 40;
    let first = Linker::train(&w.records[..cut], cfg()).unwrap();
    let params = first.scorer.params.clone();
    let r1 = first.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let prev = prev_of(&r1);
    // Re-run on the same records: every id is the same, nothing new is minted.
    let again = Linker::with_params(&w.records[..cut], cfg(), params.clone()).unwrap();
    let r2 = again.roll(&Decisions::default(), &prev, r1.next_id);
    assert_eq!(r2.assignments, r1.assignments);
    assert_eq!(r2.next_id, r1.next_id);
    // Grow the roll: a person keeps its id as long as its records persist.
    let grown = Linker::with_params(&w.records, cfg(), params.clone()).unwrap();
    let r3 = grown.roll(&Decisions::default(), &prev, r1.next_id);
    let p3 = prev_of(&r3);
    let kept = r1.assignments.iter().filter(|a| p3[&a.record] == a.person).count();
    assert!(kept as f64 >= 0.99 * r1.assignments.len() as f64, "{kept} of {}", r1.assignments.len());
    assert!(r3.next_id > r1.next_id, "new persons get fresh ids");
    let old_ids: std::collections::HashSet<PersonId> = prev.values().copied().collect();
    for a in &r3.assignments {
        if !prev.contains_key(&a.record) && !old_ids.contains(&a.person) {
            assert!(a.person.0 >= r1.next_id);
        }
    }
    // Remove a source: persons that keep any record keep their id.
    let fewer: Vec<_> = w.records[..cut].iter().filter(|r| r.key.source != "media").cloned().collect();
    let shrunk = Linker::with_params(&fewer, cfg(), params).unwrap();
    let r4 = shrunk.roll(&Decisions::default(), &prev, r1.next_id);
    let now: std::collections::HashSet<PersonId> = r4.assignments.iter().map(|a| a.person).collect();
    let surviving: std::collections::HashSet<PersonId> = r4.assignments.iter().map(|a| prev[&a.record]).collect();
    assert!(surviving.is_subset(&now), "every person with a surviving record keeps its id");
    // Only a person whose records came apart (a split) mints ids.
    let splits = r4.events.iter().filter(|e| matches!(e, tally_linkage::IdEvent::Split { .. })).count() as i64;
    assert_eq!(
        r4.next_id - r1.next_id,
        r4.events
            .iter()
            .map(|e| match e {
                tally_linkage::IdEvent::Split { into, .. } => into.len() as i64 - 1,
                _ => 0,
            })
            .sum::<i64>()
    );
    assert!(splits <= 3, "{splits} splits");
}

fn person(s: &str, g: &str, birth: PartialDate, sex: Sex) -> ParsedFields {
    ParsedFields {
        surname: Some(s.into()),
        given_name: Some(g.into()),
        birth_date: Some(birth),
        sex: Some(sex),
        ..Default::default()
    }
}

#[test]
fn review_decisions_override_the_model_and_survive_a_relink() {
    let w = world(150, 21);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let r0 = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let part0 = partition(&r0);
    // Pick a linked pair and a pair of different persons.
    let linked = l.pairs.iter().find(|p| p.probability() > 0.99).expect("some link");
    let (a, b) = (l.table.keys[linked.a as usize].clone(), l.table.keys[linked.b as usize].clone());
    let lone = part0.iter().find(|(r, f)| r == f && *r != a && *r != b).unwrap().0.clone();
    let d = Decisions { must: vec![(a.clone(), lone.clone())], cannot: vec![(a.clone(), b.clone())] };
    let check = |roll: &Roll| {
        let p = prev_of(roll);
        assert_ne!(p[&a], p[&b], "cannot-link keeps them apart");
        assert_eq!(p[&a], p[&lone], "must-link joins them");
    };
    let r1 = l.roll(&d, &prev_of(&r0), r0.next_id);
    check(&r1);
    // A full re-link (new model, records in another order) still obeys the decisions.
    let mut rev = w.records.clone();
    rev.reverse();
    let l2 = Linker::train(&rev, cfg()).unwrap();
    check(&l2.roll(&d, &prev_of(&r1), r1.next_id));
    // And decisions leave the review queue.
    let q = l.review_queue(&d);
    assert!(!q.iter().any(|(x, y, _)| (x == &a && y == &b) || (x == &b && y == &a)));
}

#[test]
fn chaining_through_conflicts_is_refused() {
    // A and C differ in sex and birth date; B (no sex, year-only birth) links to both.
    let by = |y| PartialDate::ymd(y, 3, 4).unwrap();
    let mut recs = vec![
        rec("s1", "A", person("Kovalenko", "Oleksandr", by(1990), Sex::Male)),
        rec(
            "s2",
            "B",
            ParsedFields {
                surname: Some("Kovalenko".into()),
                given_name: Some("Oleksandr".into()),
                birth_date: Some(PartialDate::year(1990)),
                ..Default::default()
            },
        ),
        rec("s3", "C", person("Kovalenko", "Oleksandr", PartialDate::ymd(1990, 11, 20).unwrap(), Sex::Female)),
    ];
    // Background so that EM has something to learn from.
    recs.extend(world(200, 4).records);
    let mut c = cfg();
    c.threshold = 0.0; // link everything the blocks produce: only the guard can keep A and C apart
    let l = Linker::train(&recs, c).unwrap();
    let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let p = prev_of(&roll);
    assert_ne!(p[&key("s1", "A")], p[&key("s3", "C")]);
    assert!(roll.clustering.refused > 0);
}

#[test]
fn evaluation_on_a_hand_made_example() {
    // Truth: {1,2,3} {4,5} {6}. Prediction: {1,2} {3,4,5} {6}.
    let truth: FxHashMap<u32, &str> =
        [(1, "x"), (2, "x"), (3, "x"), (4, "y"), (5, "y"), (6, "z")].into_iter().collect();
    let pred = [(1, 'a'), (2, 'a'), (3, 'b'), (4, 'b'), (5, 'b'), (6, 'c')];
    let ev = evaluate(&pred, &truth);
    // Predicted pairs: 12, 34, 35, 45 = 4; true pairs: 12, 13, 23, 45 = 4; correct: 12, 45 = 2.
    assert_eq!((ev.predicted_pairs, ev.true_pairs, ev.correct_pairs), (4, 4, 2));
    assert!((ev.pairwise.precision - 0.5).abs() < 1e-12);
    assert!((ev.pairwise.recall - 0.5).abs() < 1e-12);
    // B-cubed precision: records 1,2: 2/2; 3: 1/3; 4,5: 2/3; 6: 1 -> (1+1+1/3+2/3+2/3+1)/6 = 14/18.
    assert!((ev.bcubed.precision - 14.0 / 18.0).abs() < 1e-12);
    // B-cubed recall: 1,2: 2/3; 3: 1/3; 4,5: 2/2; 6: 1 -> (2/3+2/3+1/3+1+1+1)/6 = 14/18.
    assert!((ev.bcubed.recall - 14.0 / 18.0).abs() < 1e-12);
    assert_eq!((ev.predicted_persons, ev.true_persons, ev.records), (3, 3, 6));
}

#[test]
fn explanation_adds_up_to_the_probability() {
    let w = world(150, 2);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let p = l.pairs.iter().find(|p| p.probability() > 0.5).unwrap();
    let (a, b) = (l.table.keys[p.a as usize].clone(), l.table.keys[p.b as usize].clone());
    let e = l.explain(&a, &b).unwrap();
    assert!((e.probability - p.probability()).abs() < 1e-9);
    let sum: f64 = e.prior + e.steps.iter().map(|s| s.weight).sum::<f64>();
    assert!((sum - e.total).abs() < 1e-9);
    assert!(!e.blocked_by.is_empty());
    let text = e.render();
    assert!(text.contains("surname") && text.contains("probability"), "{text}");
}

#[test]
fn label_free_error_estimates_track_the_truth() {
    let w = world(400, 13);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let e = l.errors;
    assert!(e.links > 0);
    assert!(e.false_link_rate >= 0.0 && e.false_link_rate < 0.05, "{e:?}");
    assert!(e.missed_link_rate < 0.2, "{e:?}");
    let alts = l.alternatives(&[0.5, 0.95, 0.999], &Decisions::default());
    assert!(alts[0].1.persons <= alts[1].1.persons && alts[1].1.persons <= alts[2].1.persons);
}

/// Incremental = full also when the new records push a block over the cap: a full run skips
/// the whole block, so pairs of old records that only it held are dropped on `add`, and the
/// partial re-cluster takes in the persons they joined (status item 7 of issue 4).
#[test]
fn incremental_equals_full_when_new_records_push_a_block_over_the_cap() {
    let w = world(600, 5);
    let cut = w.records.len() * 2 / 3;
    let (old, new) = w.records.split_at(cut);
    let mut crossed = 0;
    for cap in 2..12 {
        let mut c = cfg();
        c.blocking.max_block = cap;
        let full = Linker::train(&w.records, c.clone()).unwrap();
        let params = full.scorer.params.clone();
        let before = Linker::with_params(old, c.clone(), params.clone()).unwrap();
        let after = full.kept_pairs();
        let is_new = |k: &RecordKey| new.iter().any(|r| &r.key == k);
        // Old pairs the full run no longer has: their block went over the cap.
        let lost = before
            .kept_pairs()
            .into_iter()
            .filter(|(a, b, _)| !is_new(a) && !is_new(b) && !after.iter().any(|(x, y, _)| x == a && y == b))
            .count();
        if lost == 0 {
            continue;
        }
        crossed += 1;
        // The store's path: rebuild from kept pairs, add the new source.
        let kept: Vec<(RecordKey, RecordKey)> = before.kept_pairs().into_iter().map(|(a, b, _)| (a, b)).collect();
        let mut inc = Linker::from_parts(old, c.clone(), params.clone(), &kept).unwrap();
        inc.add(new).unwrap();
        let got = inc.kept_pairs();
        let extra = got.iter().filter(|p| !after.contains(p)).count();
        assert!(got == after, "cap {cap}: {lost} pairs lost by the full run, {extra} kept by the incremental one");
        let d = Decisions::default();
        assert_eq!(
            inc.roll(&d, &FxHashMap::default(), 1).assignments,
            full.roll(&d, &FxHashMap::default(), 1).assignments,
            "cap {cap}"
        );
        // The partial re-cluster after `add` equals clustering everything.
        let mut l = before;
        let base = l.roll(&d, &FxHashMap::default(), 1);
        l.add(new).unwrap();
        let expect = l.roll(&d, &prev_of(&base), base.next_id);
        assert_eq!(l.roll_incremental(base.clone(), &d, &FxHashMap::default(), base.next_id), expect, "cap {cap}");
    }
    assert!(crossed >= 2, "the world must push some blocks over some caps: {crossed}");
}

/// Regions, ranks and unit numbers written in another script or language are evidence both
/// ways: «Одеська область» agrees with "Odesa Oblast", «старший солдат» with "Senior Private",
/// and "47th Mechanized Brigade" disagrees with «53 ОМБр».
#[test]
fn regions_ranks_and_units_compare_across_scripts() {
    let f = |s: &str, g: &str, region: &str, rank: &str, unit: &str| ParsedFields {
        surname: Some(s.into()),
        given_name: Some(g.into()),
        region: Some(region.into()),
        rank: Some(rank.into()),
        unit: Some(unit.into()),
        ..Default::default()
    };
    let mut recs = vec![
        rec("ua", "1", f("Шевченко", "Олександр", "Одеська область", "старший солдат", "47 ОМБр")),
        rec("en", "1", f("Shevchenko", "Oleksandr", "Odesa Oblast", "Senior Private", "47th Mechanized Brigade")),
        rec("en", "2", f("Shevchenko", "Oleksandr", "Lviv Oblast", "Captain", "53rd Mechanized Brigade")),
        // "Kyiv" is the city; an oblast column writes it for Kyiv Oblast too.
        rec("ua", "2", f("Коваленко", "Іван", "Київська", "солдат", "")),
        rec("en", "3", f("Kovalenko", "Ivan", "Kyiv", "Private", "")),
        rec("en", "4", f("Kovalenko", "Ivan", "Kharkiv", "Private", "")),
        // Ranks abbreviated as lists write them: «ст. сержант» is Senior Sergeant, not a rank unknown.
        rec("ua", "3", f("Бондар", "Сергій", "", "ст. сержант", "")),
        rec("ru", "1", f("Бондарь", "Сергей", "", "старший сержант", "")),
        rec("en", "5", f("Bondar", "Serhii", "", "Sr. Sgt.", "")),
    ];
    recs.extend(world(200, 5).records);
    let l = Linker::train(&recs, cfg()).unwrap();
    let level = |b: &str, field: &str| {
        let e = l.explain(&key("ua", "1"), &key("en", b)).unwrap();
        e.steps.iter().find(|s| s.field == field).unwrap().level.clone()
    };
    assert_eq!(level("1", "place"), "region");
    assert_eq!(level("1", "rank"), "equal");
    assert_eq!(level("1", "unit"), "equal");
    assert_eq!(level("2", "place"), "different");
    assert_eq!(level("2", "rank"), "different");
    assert_eq!(level("2", "unit"), "different");
    let explain = |b: &str| l.explain(&key("ua", "2"), &key("en", b)).unwrap();
    let place = |e: &tally_linkage::Explanation| e.steps.iter().find(|s| s.field == "place").unwrap().clone();
    let (kyiv, kharkiv) = (place(&explain("3")), place(&explain("4")));
    assert_eq!((kyiv.level.as_str(), kyiv.weight), ("missing", 0.0), "{kyiv:?}");
    assert!(kyiv.why.contains("city with region status"), "{kyiv:?}");
    assert_eq!(kharkiv.level, "different");
    assert!(kharkiv.weight < 0.0);
    let rank = |b: (&str, &str)| {
        let e = l.explain(&key("ua", "3"), &key(b.0, b.1)).unwrap();
        e.steps.iter().find(|s| s.field == "rank").unwrap().level.clone()
    };
    assert_eq!(rank(("ru", "1")), "equal");
    assert_eq!(rank(("en", "5")), "equal");
    let (p1, p2) =
        (l.pair_probability(&key("ua", "1"), &key("en", "1")), l.pair_probability(&key("ua", "1"), &key("en", "2")));
    assert!(p1.unwrap() > p2.unwrap_or(0.0), "{p1:?} {p2:?}");
}

/// A list without a region column writes the region into the settlement («с. Іванівка, Донецька
/// обл.», «с. Миколаївка Одеської обл.»): it compares as the region, so the same village in
/// another region is told apart.
#[test]
fn a_region_inside_the_settlement_compares_as_the_region() {
    let f = |s: &str, g: &str, settlement: &str, region: Option<&str>| ParsedFields {
        surname: Some(s.into()),
        given_name: Some(g.into()),
        settlement: Some(settlement.into()),
        region: region.map(Into::into),
        ..Default::default()
    };
    let mut recs = vec![
        rec("ua", "1", f("Бойко", "Петро", "с. Іванівка, Донецька обл.", None)),
        rec("en", "1", f("Boiko", "Petro", "Ivanivka", Some("Donetsk Oblast"))),
        rec("en", "2", f("Boiko", "Petro", "Ivanivka", Some("Kherson Oblast"))),
        rec("ua", "2", f("Лисенко", "Ігор", "с. Миколаївка Одеської обл.", None)),
        rec("en", "3", f("Lysenko", "Ihor", "Mykolaivka", Some("Odesa Oblast"))),
        // The region first, and in its colloquial name: «Житомирщина, с. Гута».
        rec("ua", "3", f("Ткаченко", "Іван", "Житомирщина, с. Гута", None)),
        rec("en", "4", f("Tkachenko", "Ivan", "Huta", Some("Zhytomyr Oblast"))),
        rec("ua", "4", f("Ткаченко", "Іван", "с. Гута, Житомирська обл.", None)),
    ];
    recs.extend(world(200, 5).records);
    let l = Linker::train(&recs, cfg()).unwrap();
    let level = |a: &str, b: &str| {
        let e = l.explain(&key("ua", a), &key("en", b)).unwrap();
        e.steps.iter().find(|s| s.field == "place").unwrap().level.clone()
    };
    assert_eq!(level("1", "1"), "settlement_and_region");
    assert_eq!(level("1", "2"), "different", "the same village name in another region");
    assert_eq!(level("2", "3"), "settlement_and_region");
    assert_eq!(level("3", "4"), "settlement_and_region");
    let e = l.explain(&key("ua", "3"), &key("ua", "4")).unwrap();
    assert_eq!(e.steps.iter().find(|s| s.field == "place").unwrap().level, "settlement_and_region");
}

/// The prior depends on the pair of sources, estimated by EM without labels: the generated
/// world's lists overlap heavily, while a person rarely appears twice in one list, so the prior
/// within a list is far below the prior between two lists; the explanation starts from it.
#[test]
fn the_prior_is_per_pair_of_sources() {
    let w = world(400, 8);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let sp = &l.scorer.params.source_priors;
    assert_eq!(sp.len(), 6, "three sources: six pairs, {sp:?}");
    let prior = |a: &str, b: &str| sp.iter().find(|p| p.a == a && p.b == b).unwrap().prior;
    assert!(prior("mod", "obits") > 10.0 * prior("mod", "mod"), "{sp:?}");
    // The expected matches between two lists come close to the truth.
    let truth = truth_map(&w);
    let true_between = w
        .records
        .iter()
        .filter(|r| r.key.source == "mod")
        .flat_map(|a| w.records.iter().filter(|r| r.key.source == "obits").map(move |b| (a, b)))
        .filter(|(a, b)| truth[&a.key] == truth[&b.key])
        .count() as f64;
    let e = sp.iter().find(|p| p.a == "mod" && p.b == "obits").unwrap().expected_matches;
    assert!((e - true_between).abs() < 0.1 * true_between, "expected {e}, true {true_between}");
    let p = l.pairs.iter().find(|p| p.probability() > 0.5).unwrap();
    let e = l.explain(&l.table.keys[p.a as usize], &l.table.keys[p.b as usize]).unwrap();
    assert!((e.prior - l.scorer.prior_for(&l.table, p.a, p.b)).abs() < 1e-12);
}

#[test]
fn chaining_through_far_dates_is_refused() {
    // A and C are namesakes whose dates of death lie months apart and whose years of birth lie
    // five years apart (no sex, no day-precise birth on one side, so only the date guard can tell
    // them apart); B, with no dates, links to both.
    let with = |id: &str, birth: Option<PartialDate>, death: Option<PartialDate>| {
        rec(
            "s",
            id,
            ParsedFields {
                surname: Some("Kovalenko".into()),
                given_name: Some("Oleksandr".into()),
                patronymic: Some("Petrovych".into()),
                birth_date: birth,
                death_date: death,
                ..Default::default()
            },
        )
    };
    let d = |y, m, day| Some(PartialDate::ymd(y, m, day).unwrap());
    let mut recs = vec![
        with("A", d(1990, 3, 4), d(2023, 1, 10)),
        with("B", None, None),
        with("C", Some(PartialDate::year(1985)), d(2023, 9, 1)),
        // D: a death date within the tolerance of A's, no birth date: A's person may take it.
        with("D", None, d(2023, 2, 20)),
    ];
    recs.extend(world(200, 4).records);
    let mut c = cfg();
    c.threshold = 0.0; // link everything the blocks produce: only the guard can keep A and C apart
    for reversed in [false, true] {
        let mut rs = recs.clone();
        if reversed {
            rs.reverse();
        }
        let l = Linker::train(&rs, c.clone()).unwrap();
        let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
        let p = prev_of(&roll);
        assert_ne!(p[&key("s", "A")], p[&key("s", "C")], "far dates of death and birth keep A and C apart");
        assert_eq!(p[&key("s", "A")], p[&key("s", "D")], "dates of death 41 days apart are one person's");
        assert!(roll.clustering.refused > 0);
    }
}

/// True blocking recall: the share of true pairs some rule makes candidates.
fn true_blocking_recall(l: &Linker, truth: &[(RecordKey, u32)]) -> f64 {
    let mut by: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for (k, p) in truth {
        by.entry(*p).or_default().push(l.table.find(k).unwrap());
    }
    let (mut all, mut found) = (0u64, 0u64);
    for rs in by.values() {
        for i in 0..rs.len() {
            for j in i + 1..rs.len() {
                all += 1;
                found += u64::from(l.is_candidate(rs[i], rs[j]));
            }
        }
    }
    found as f64 / all.max(1) as f64
}

#[test]
fn blocking_recall_estimate_counts_the_initial_rule() {
    // One source writes given names as initials (obituaries: «Kovalenko O.»): only the
    // surname + initial rule (and dates) find its matches, and the estimate must count them.
    let mut w = world(500, 17);
    for r in w.records.iter_mut().filter(|r| r.key.source_record_id.ends_with(['1', '3', '5'])) {
        if let Some(g) = r.fields.given_name.take() {
            r.fields.given_name = Some(format!("{}.", g.chars().next().unwrap()));
        }
    }
    let l = Linker::train(&w.records, cfg()).unwrap();
    let (est, truth) = (l.estimate_blocking_recall(), true_blocking_recall(&l, &w.truth));
    assert!((est - truth).abs() < 0.03, "estimate {est:.4} true {truth:.4}");
    // Without the initial rules (canonical and written initial) the true recall drops, and so
    // must the estimate.
    let mut c = cfg();
    use tally_linkage::KeyField::{GivenInitial, GivenInitialWritten};
    c.blocking.rules.retain(|r| !r.fields.contains(&GivenInitial) && !r.fields.contains(&GivenInitialWritten));
    let l2 = Linker::train(&w.records, c).unwrap();
    let (est2, truth2) = (l2.estimate_blocking_recall(), true_blocking_recall(&l2, &w.truth));
    assert!(truth2 < truth, "the initial rule finds matches: {truth2:.4} vs {truth:.4}");
    assert!(est2 < est, "estimate without the initial rule {est2:.4}, with it {est:.4}");
    assert!((est2 - truth2).abs() < 0.05, "estimate {est2:.4} true {truth2:.4}");
}

#[test]
fn chaining_across_a_pair_the_model_rejected_is_refused() {
    // A and C are namesakes with different patronymics, units and places: compared (they share
    // a name block) and scored below the review floor. B, a bare name, links to both.
    let p = |id: &str, patr: Option<&str>, unit: Option<&str>, settlement: Option<&str>| {
        rec(
            "s",
            id,
            ParsedFields {
                surname: Some("Kovalenko".into()),
                given_name: Some("Oleksandr".into()),
                patronymic: patr.map(Into::into),
                unit: unit.map(Into::into),
                settlement: settlement.map(Into::into),
                ..Default::default()
            },
        )
    };
    let mut recs = vec![
        p("A", Some("Petrovych"), Some("72 OMBr"), Some("Lviv")),
        p("B", None, None, None),
        p("C", Some("Ivanovych"), Some("14 OMBr"), Some("Kharkiv")),
    ];
    recs.extend(world(200, 4).records);
    let mut c = cfg();
    c.threshold = 0.0; // every kept pair is a link: only the guard can keep A and C apart
    for reversed in [false, true] {
        let mut rs = recs.clone();
        if reversed {
            rs.reverse();
        }
        let l = Linker::train(&rs, c.clone()).unwrap();
        let (a, b, cc) = (key("s", "A"), key("s", "B"), key("s", "C"));
        assert!(l.pair_probability(&a, &cc).is_none(), "A and C scored below the review floor");
        assert!(l.pair_probability(&a, &b).is_some() && l.pair_probability(&b, &cc).is_some());
        let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
        let pm = prev_of(&roll);
        assert_ne!(pm[&a], pm[&cc], "the model's rejection of A~C holds through B");
        // B matches two people of its list equally (a list names a person once): it joins
        // neither, and the roll says why. Threshold 0 asks no margin of the stronger link, but
        // an exact tie has no stronger link.
        assert!(pm[&b] != pm[&a] && pm[&b] != pm[&cc], "B, a bare name, joins neither");
        assert!(
            roll.clustering.flags.iter().any(|f| f.records.contains(&b) && f.reason.contains("about as strongly")),
            "{:?}",
            roll.clustering.flags
        );
    }
}

#[test]
fn a_snapshot_round_trip_links_new_records_exactly_as_the_original() {
    let w = world(2000, 17);
    let cut = w.records.len() * 3 / 4;
    let (old, new) = w.records.split_at(cut);
    let mut orig = Linker::train(old, cfg()).unwrap();
    let d = Decisions::default();
    let base = orig.roll(&d, &FxHashMap::default(), 1);
    let bytes = orig.snapshot();
    let mut back = Linker::from_snapshot(&bytes).unwrap();
    let base_back = tally_linkage::roll_from_bytes(&tally_linkage::roll_to_bytes(&base)).unwrap();
    assert_eq!(base_back, base);
    // A loaded linker saves and loads again (hash maps may list their entries in another order,
    // so the bytes need not be equal).
    assert_eq!(Linker::from_snapshot(&back.snapshot()).unwrap().pairs, back.pairs);
    orig.add(new).unwrap();
    back.add(new).unwrap();
    assert_eq!(back.pairs, orig.pairs);
    assert_eq!(back.kept_pairs(), orig.kept_pairs());
    let expect = orig.roll_incremental(base.clone(), &d, &FxHashMap::default(), base.next_id);
    let got = back.roll_incremental(base_back, &d, &FxHashMap::default(), base.next_id);
    assert_eq!(got, expect);
    assert!(expect.persons < base.persons + new.len() as u64, "new records link to old ones");
    // Explanations need the prepared names the snapshot does not carry.
    let (a, b) = (&new[0].key, &old[0].key);
    assert_eq!(back.explain(a, b).unwrap().render(), orig.explain(a, b).unwrap().render());
}

#[test]
fn a_damaged_or_foreign_snapshot_is_an_error() {
    let w = world(200, 3);
    let l = Linker::train(&w.records, cfg()).unwrap();
    let bytes = l.snapshot();
    assert!(Linker::from_snapshot(&bytes[..bytes.len() / 2]).is_err(), "truncated");
    assert!(Linker::from_snapshot(b"not a snapshot at all").is_err(), "foreign");
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(Linker::from_snapshot(&longer).is_err(), "trailing bytes");
    let mut other_version = bytes.clone();
    other_version[8] ^= 0xff;
    let e = Linker::from_snapshot(&other_version).unwrap_err().to_string();
    assert!(e.contains("format version"), "{e}");
    // A roll is not a linker.
    let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    assert!(Linker::from_snapshot(&tally_linkage::roll_to_bytes(&roll)).is_err());
}

/// EM on candidate pairs that are mostly namesakes (every name the same, the birth date
/// different) keeps "match" meaning the same person: the m-probability of a different birth date
/// stays within its bound (`M_DIFFERENT_MAX`), and a namesake pair is not a likely match.
#[test]
fn em_among_namesakes_keeps_match_meaning_the_same_person() {
    use tally_linkage::levels::{pack, CmpField};
    use tally_linkage::model::{em, M_DIFFERENT_MAX};
    // Levels: surname, given name, patronymic, birth date, death date, place, unit, rank, sex.
    // Without the bound EM settles on "same name" here: share 0.29, m(birth different) 0.91.
    let counts = vec![
        (pack(&[1, 1, 1, 1, 1, 0, 0, 0, 1]), 2_000u64), // the same person
        (pack(&[1, 1, 1, 2, 0, 0, 0, 0, 1]), 800),      // the same person, a year-only birth date
        (pack(&[1, 1, 0, 0, 0, 0, 0, 0, 1]), 3_000),    // the same person, no dates
        (pack(&[1, 1, 1, 6, 4, 0, 0, 0, 1]), 20_000),   // namesakes
        (pack(&[1, 1, 1, 6, 0, 0, 0, 0, 1]), 8_000),    // namesakes, one date missing
        (pack(&[1, 1, 1, 0, 4, 0, 0, 0, 1]), 3_000),
        (pack(&[1, 1, 1, 0, 0, 0, 0, 0, 1]), 5_000), // namesakes without dates
        (pack(&[1, 5, 5, 6, 4, 0, 0, 0, 1]), 100_000), // the same surname only
    ];
    let fit = em(&counts, 500, 1e-9);
    let birth = CmpField::BirthDate as usize;
    let different = fit.m[birth].len() - 1;
    let cap = M_DIFFERENT_MAX.iter().find(|(f, _)| *f == CmpField::BirthDate).unwrap().1;
    let observed: f64 = fit.m[birth][1..].iter().sum();
    assert!(fit.m[birth][different] <= cap * observed + 1e-12, "m(birth different) {:?}", fit.m[birth]);
    // The share of matches EM finds is the share of the same person, not of the same name.
    let total: u64 = counts.iter().map(|c| c.1).sum();
    assert!(fit.lambda < 7_000.0 / total as f64, "lambda {} of {total} pairs (5,800 are the same person)", fit.lambda);
}

/// A record of an Oleksandr Kovalenko, with a patronymic and a birth date if given.
fn oleksandr_kovalenko(src: &str, id: &str, patronymic: Option<&str>, born: Option<PartialDate>) -> Record {
    rec(
        src,
        id,
        ParsedFields {
            surname: Some("Kovalenko".into()),
            given_name: Some("Oleksandr".into()),
            patronymic: patronymic.map(Into::into),
            birth_date: born,
            ..Default::default()
        },
    )
}

/// A record that links to two different people of one list joins the stronger when it outweighs
/// the other by the rival margin (logit of the threshold), and neither when it does not.
#[test]
fn a_record_between_two_people_of_one_list_joins_only_a_clear_winner() {
    let p = oleksandr_kovalenko;
    let d = |y, m, dd| Some(PartialDate::ymd(y, m, dd).unwrap());
    let mut recs = vec![
        p("off", "A", Some("Petrovych"), d(1985, 3, 12)),
        p("off", "C", Some("Petrovych"), d(1979, 11, 3)),
        // A bare name: as like A as C.
        p("fam", "B", Some("Petrovych"), None),
        // The same, with A's birth date: A by far.
        p("fam", "D", Some("Petrovych"), d(1985, 3, 12)),
    ];
    recs.extend(world(300, 6).records);
    let l = Linker::train(&recs, cfg()).unwrap();
    let roll = l.roll(&Decisions::default(), &FxHashMap::default(), 1);
    let pm = prev_of(&roll);
    let (a, b, c, dd) = (key("off", "A"), key("fam", "B"), key("off", "C"), key("fam", "D"));
    assert_ne!(pm[&a], pm[&c]);
    for x in [&a, &c] {
        let pr = l.pair_probability(x, &b).unwrap_or(0.0);
        assert!(pr >= l.cfg.threshold, "B links to {x:?} above the threshold ({pr})");
    }
    assert!(pm[&b] != pm[&a] && pm[&b] != pm[&c], "B is as like A as C: it joins neither");
    assert_eq!(pm[&dd], pm[&a], "D has A's birth date");
}

/// The rival margin is the link threshold's log odds: a record whose link to one person outweighs
/// its link to another person of the same list by 5 bits joins the first at threshold 0.95 (the
/// first is then the same person with probability at least 2^5 / (2^5 + 1) = 0.97), and neither
/// at 0.99 (0.97 falls short of it).
#[test]
fn the_rival_margin_follows_the_threshold() {
    use tally_linkage::cluster::{cluster_with, rival_margin_bits, Edge};
    use tally_linkage::table::Table;
    assert!((rival_margin_bits(0.95) - 19f64.log2()).abs() < 1e-12);
    assert!((rival_margin_bits(0.99) - 99f64.log2()).abs() < 1e-12);
    assert_eq!(rival_margin_bits(0.5), 0.0);
    assert_eq!(rival_margin_bits(0.3), 0.0);
    let p = |src: &str, id: &str| oleksandr_kovalenko(src, id, None, None);
    let l = Linker::train(&[p("off", "A"), p("off", "C"), p("fam", "B")], cfg()).unwrap();
    let t = &l.table;
    let rank = Table::ranks_of(l.order());
    let (a, b, c) =
        (t.find(&key("off", "A")).unwrap(), t.find(&key("fam", "B")).unwrap(), t.find(&key("off", "C")).unwrap());
    let edges = [Edge { a: b, b: a, weight: 12.0 }, Edge { a: b, b: c, weight: 7.0 }];
    // A and C were compared and found to be different people.
    let apart = |x, y| (x, y) == (a, c) || (x, y) == (c, a);
    let at = |th: f64| cluster_with(t, &rank, &edges, &[], &[], rival_margin_bits(th), apart).label;
    let lab = at(0.95);
    assert_eq!(lab[b as usize], lab[a as usize], "5 bits clear the 4.25 of threshold 0.95");
    assert_ne!(lab[b as usize], lab[c as usize]);
    let lab = at(0.99);
    assert!(lab[b as usize] != lab[a as usize] && lab[b as usize] != lab[c as usize], "5 bits fall short of 6.63");
}

/// The chaining guard's hard conflict read from two records' fields (as the review queue reads
/// it from the store) agrees with the one read from the encoded table, on every pair of a
/// synthetic world and of records made to conflict.
#[test]
fn fields_conflict_agrees_with_the_table() {
    use tally_linkage::cluster::{fields_conflict, hard_conflict};
    use tally_linkage::table::Table;
    let mut records = world(300, 3).records;
    let day = |y, m, d| Some(PartialDate::ymd(y, m, d).unwrap());
    let made = [
        (Some(Sex::Male), day(1990, 3, 4), None),
        (Some(Sex::Female), day(1990, 3, 4), None),
        (None, day(1990, 3, 20), None),
        (None, Some(PartialDate::parse_canonical("1990").unwrap()), day(2024, 5, 1)),
        (None, Some(PartialDate::parse_canonical("1975").unwrap()), day(2024, 12, 1)),
    ];
    for (i, (sex, birth_date, death_date)) in made.into_iter().enumerate() {
        records.push(Record {
            key: RecordKey::new("made", i.to_string()),
            fields: ParsedFields {
                surname: Some("Petrenko".into()),
                sex,
                birth_date,
                death_date,
                ..Default::default()
            },
            ..records[0].clone()
        });
    }
    let t = Table::from_records(&records).unwrap();
    let (mut yes, mut no) = (0, 0);
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            let by_table = hard_conflict(&t, i as u32, j as u32);
            assert_eq!(fields_conflict(&records[i].fields, &records[j].fields), by_table, "{i} {j}");
            if by_table {
                yes += 1;
            } else {
                no += 1;
            }
        }
    }
    assert!(yes > 0 && no > 0, "{yes} {no}");
    let n = records.len() - 5;
    assert!(hard_conflict(&t, n as u32, n as u32 + 1), "two sexes");
    assert!(!hard_conflict(&t, n as u32, n as u32 + 2), "same month of the same year: a typed day, not two persons");
    assert!(hard_conflict(&t, n as u32 + 3, n as u32 + 4), "births 15 years apart, deaths 7 months apart");
}

/// Surnames with slips of the pen (one record in ten) among Zipf-common names, in three lists:
/// a close pair is a slip from the commoner spelling or two neighbouring names. With a u sample
/// large enough to hold random close pairs.
fn close_world() -> (world::World, LinkConfig) {
    let mut c = cfg();
    c.train.u_pairs = 200_000;
    (world(3000, 17), c)
}

#[test]
fn close_surnames_weigh_by_the_commoner_spelling() {
    let (w, c) = close_world();
    let trained = Linker::train(&w.records, c.clone()).unwrap();
    // Parameters as before version 7, without the split by the spelling that tells (see
    // `close_surnames_split_by_the_spelling_that_tells`): the roll-wide adjustment.
    let mut legacy = trained.scorer.params.clone();
    legacy.close_tells.clear();
    legacy.close_pooled = None;
    let l = Linker::with_params(&w.records, c.clone(), legacy).unwrap();
    assert!(!l.scorer.splits_close());
    let p = &l.scorer.params;
    assert!(p.close_surname_counts.len() >= 30, "random close pairs: {}", p.close_surname_counts.len());
    assert!(p.close_surname_counts.windows(2).all(|x| x[0] <= x[1]), "sorted");
    // The same parameters without the counts: no adjustment.
    let mut plain = p.clone();
    plain.close_surname_counts.clear();
    let without = Linker::with_params(&w.records, c, plain).unwrap();
    let (t, s) = (&l.table, &l.scorer);
    let truth = truth_map(&w);
    let (mut close, mut sum_match, mut n_match, mut sum_non, mut n_non) = (0, 0.0, 0, 0.0, 0);
    for sp in &l.pairs {
        let (a, b) = (sp.a, sp.b);
        let adj = s.close_pair(t, a, b, sp.pattern);
        let diff = s.weight(t, a, b, sp.pattern) - without.scorer.weight(t, a, b, sp.pattern);
        assert!((diff - adj).abs() < 1e-9, "weight moved by {diff}, adjustment {adj}");
        if tally_linkage::levels::level(sp.pattern, 0) != 3 {
            assert_eq!(adj, 0.0);
            continue;
        }
        close += 1;
        let ta = s.tf_adjust(0, t.name_tf_key(0, a));
        let tb = s.tf_adjust(0, t.name_tf_key(0, b));
        assert_eq!(adj, s.close_adjust(tb, ta), "symmetric");
        assert_eq!(adj, s.close_adjust(ta.min(tb), ta.min(tb) + 3.0), "the commoner spelling decides");
        if truth[&t.keys[a as usize]] == truth[&t.keys[b as usize]] {
            (sum_match, n_match) = (sum_match + adj, n_match + 1);
        } else {
            (sum_non, n_non) = (sum_non + adj, n_non + 1);
        }
    }
    assert!(n_match >= 20 && n_non >= 20, "close pairs kept: {close} ({n_match} matches, {n_non} not)");
    // Slips come from names of every frequency, neighbouring strangers from the commonest.
    let (mm, mn) = (sum_match / n_match as f64, sum_non / n_non as f64);
    eprintln!(
        "close pairs {close}: mean adjustment, matches {mm:+.2} bits ({n_match}), non-matches {mn:+.2} ({n_non})"
    );
    assert!(mm > mn + 0.5, "mean adjustment: matches {mm:+.2} bits, non-matches {mn:+.2}");
    // The waterfall shows it, and still adds up.
    close_step_is_explained(&l);
}

/// A kept pair with a close surname term shows it as a step of its waterfall, which adds up to
/// the pair's weight.
fn close_step_is_explained(l: &Linker) {
    let (t, s) = (&l.table, &l.scorer);
    let sp = l.pairs.iter().find(|sp| s.close_pair(t, sp.a, sp.b, sp.pattern).abs() > 0.1).expect("a close pair");
    let e = l.explain(&t.keys[sp.a as usize], &t.keys[sp.b as usize]).unwrap();
    let step = e.steps.iter().find(|st| st.field == "surname spelling").expect("the close term's step");
    assert_eq!(step.weight, s.close_pair(t, sp.a, sp.b, sp.pattern));
    assert!((e.total - sp.weight).abs() < 1e-9, "explained {} vs scored {}", e.total, sp.weight);
}

#[test]
fn close_surnames_split_by_the_spelling_that_tells() {
    let (w, c) = close_world();
    let l = Linker::train(&w.records, c.clone()).unwrap();
    let (t, s) = (&l.table, &l.scorer);
    let p = &s.params;
    assert!(s.splits_close(), "a roll of 3,000 records has enough random close pairs to split on");
    assert_eq!(p.version, tally_linkage::model::PARAMS_VERSION);
    // Every pair of the three lists, within one list too, each fitted.
    assert_eq!(p.close_tells.len(), 6, "{:?}", p.close_tells);
    for ct in &p.close_tells {
        assert!(ct.a <= ct.b);
        assert!(ct.random_pairs >= 10_000, "{ct:?}");
        for g in 0..2 {
            assert!((0.0..0.5).contains(&ct.u[g]), "{ct:?}");
            assert!(ct.m[g] > 0.0 && ct.m[g] < 1.0, "{ct:?}");
            assert!(ct.mean_k[g] >= 1.0, "{ct:?}");
            assert!(ct.offset[g].is_finite() && ct.offset[g].abs() <= tally_linkage::close::OFFSET_CAP, "{ct:?}");
            let parts = (ct.m[g] / ct.u[g]).log2() + ct.mean_k[g].log2();
            assert!((ct.offset[g] - parts).abs() < 1e-9, "the offset from its parts: {ct:?}");
        }
    }
    let tells = |a: u32, b: u32| {
        let (x, y) = (&t.keys[a as usize].source, &t.keys[b as usize].source);
        let (x, y) = (x.min(y).to_string(), x.max(y).to_string());
        p.close_tells.iter().find(|ct| ct.a == x && ct.b == y).expect("the pair's lists")
    };
    let truth = truth_map(&w);
    let w_close = s.w[0][3];
    let (mut sum_match, mut n_match, mut sum_non, mut n_non) = (0.0, 0, 0.0, 0);
    let mut by_cell: FxHashMap<(String, String, usize), Vec<(u32, f64)>> = FxHashMap::default();
    // Every candidate pair, with the fitted parameters (the run keeps those at 0.2 and above).
    let mut c_all = c.clone();
    c_all.review_low = 0.0;
    let all = Linker::with_params(&w.records, c_all, p.clone()).unwrap();
    let at_floor: Vec<_> = all.kept_pairs().into_iter().filter(|x| x.2 >= c.review_low).collect();
    assert_eq!(at_floor, l.kept_pairs(), "the first pass held every close pair that reaches the floor");
    for sp in &all.pairs {
        let (a, b) = (sp.a, sp.b);
        let term = s.close_pair(t, a, b, sp.pattern);
        if tally_linkage::levels::level(sp.pattern, 0) != 3 {
            assert_eq!(term, 0.0);
            continue;
        }
        // The term: the pair of lists' offset for the group, less the close level's weight and
        // log2 k, k the count of the spelling that tells less one.
        let (ca, cb) = (s.surname_count(t, a), s.surname_count(t, b));
        let lone = ca.min(cb) <= 1;
        let k = if lone { ca.max(cb) } else { ca.min(cb) }.saturating_sub(1).max(1);
        let ct = tells(a, b);
        let g = usize::from(!lone);
        assert!((term - (ct.offset[g] - w_close - f64::from(k).log2())).abs() < 1e-12, "{term} {ct:?} k {k}");
        by_cell.entry((ct.a.clone(), ct.b.clone(), g)).or_default().push((k, term));
        if truth[&t.keys[a as usize]] == truth[&t.keys[b as usize]] {
            (sum_match, n_match) = (sum_match + term, n_match + 1);
        } else {
            (sum_non, n_non) = (sum_non + term, n_non + 1);
        }
    }
    assert!(n_match >= 20 && n_non >= 20, "close pairs kept: {n_match} matches, {n_non} not");
    let (mm, mn) = (sum_match / n_match as f64, sum_non / n_non as f64);
    eprintln!("close terms: matches {mm:+.2} bits ({n_match}), non-matches {mn:+.2} ({n_non})");
    assert!(mm > mn + 0.5, "mean close term: matches {mm:+.2} bits, non-matches {mn:+.2}");
    // Within a pair of lists and a group, the commoner the spelling that tells, the weaker.
    for v in by_cell.values_mut() {
        v.sort_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)));
        assert!(v.windows(2).all(|x| x[0].1 >= x[1].1), "{v:?}");
    }
    // The two passes of training give what one pass with the fitted parameters gives (so a
    // re-run and an incremental run score as the training run did), in any input order.
    let again = Linker::with_params(&w.records, c.clone(), p.clone()).unwrap();
    assert_eq!(again.kept_pairs(), l.kept_pairs());
    let d = Decisions::default();
    assert_eq!(again.roll(&d, &FxHashMap::default(), 1).assignments, l.roll(&d, &FxHashMap::default(), 1).assignments);
    let mut rev = w.records.clone();
    rev.reverse();
    let r = Linker::train(&rev, c).unwrap();
    assert_eq!(&r.scorer.params, p);
    assert_eq!(r.kept_pairs(), l.kept_pairs());
    // The waterfall shows the term, and still adds up.
    close_step_is_explained(&l);
}

#[test]
fn random_close_pairs_estimate_every_pair_of_lists() {
    // The close split's u from stratified random pairs against the share counted over every
    // pair of records of each pair of lists (the world is small enough to enumerate).
    use tally_linkage::close::{group_and_log_k, random_close};
    use tally_linkage::table::{Table, NONE};
    let w = world(900, 17);
    let t = Table::from_records(&w.records).unwrap();
    let mut by_key: FxHashMap<u64, u32> = FxHashMap::default();
    for r in 0..t.len() {
        *by_key.entry(t.name_tf_key(0, r as u32)).or_default() += 1;
    }
    let count: Vec<u32> = t.names[0].canon_hash.iter().map(|h| by_key.get(h).copied().unwrap_or(0)).collect();
    let n = 40_000;
    let est = random_close(&t, &count, n, 7);
    assert_eq!(est.len(), 6, "three lists, six pairs of them");
    let ids = |s: u32| -> Vec<u32> {
        (0..t.len() as u32).filter(|&r| t.source[r as usize] == s && t.name_ids[0][r as usize] != NONE).collect()
    };
    let mut checked = [0; 2];
    for e in &est {
        let (xs, ys) = (ids(e.x), ids(e.y));
        let (mut pairs, mut close) = (0u64, [0u64; 2]);
        for &a in &xs {
            for &b in &ys {
                if a == b {
                    continue;
                }
                pairs += 1;
                let (ia, ib) = (t.name_ids[0][a as usize], t.name_ids[0][b as usize]);
                if ia != ib && tally_linkage::compare::name_level_of(&t, 0, ia, ib) == 3 {
                    close[group_and_log_k(count[ia as usize], count[ib as usize]).0] += 1;
                }
            }
        }
        assert_eq!(e.pairs, n as u64);
        for g in 0..2 {
            let exact = close[g] as f64 / pairs as f64;
            // Four standard errors of a share from n draws (the lone group's strata have at
            // most that error), and a floor for shares of a few pairs.
            let tol = 4.0 * (exact * (1.0 - exact) / n as f64).sqrt() + 2.0 / n as f64;
            assert!(
                (e.u[g] - exact).abs() <= tol,
                "group {g} of {}~{}: {} against {exact} (+-{tol})",
                e.x,
                e.y,
                e.u[g]
            );
            if close[g] >= 20 {
                checked[g] += 1;
            }
        }
    }
    assert!(checked[0] >= 2 && checked[1] >= 2, "pairs of lists with close pairs of each group: {checked:?}");
}

#[test]
fn two_spellings_of_one_name_take_the_commoner_frequency() {
    // Names under two spellings the comparator calls equivalent: common on one list, rare on
    // the other. Some meet in one canonical form (one frequency); the others are the case.
    const NAMES: [(&str, &str); 6] = [
        ("Pavlyuchenko", "Pavliuchenko"),
        ("Belous", "Bilous"),
        ("Kovalev", "Kovaliv"),
        ("Fedorov", "Fedoriv"),
        ("Kiselev", "Kyselov"),
        ("Andreev", "Andriiev"),
    ];
    let mut records = world(600, 5).records;
    let given = ["Ivan", "Petro", "Taras", "Bohdan", "Yurii", "Maksym"];
    for (n, (common, rare)) in NAMES.iter().enumerate() {
        let mut push = |src: &str, i: usize, surname: &str, given: &str, by: i32| {
            let f = ParsedFields {
                surname: Some(surname.into()),
                given_name: Some(given.into()),
                birth_date: Some(PartialDate::ymd(by, 3, 14).unwrap()),
                ..Default::default()
            };
            records.push(rec(src, &format!("x{n}-{i}"), f));
        };
        for i in 0..40 {
            push("mod", i, common, given[i % given.len()], 1970 + (i as i32 % 30));
        }
        push("obits", 100, rare, "Ivan", 1970);
    }
    let l = Linker::train(&records, cfg()).unwrap();
    let (t, s) = (&l.table, &l.scorer);
    let mut checked = 0;
    for (n, name) in NAMES.iter().enumerate() {
        let a = t.find(&key("mod", &format!("x{n}-0"))).unwrap();
        let b = t.find(&key("obits", &format!("x{n}-100"))).unwrap();
        if t.name_tf_key(0, a) == t.name_tf_key(0, b) {
            continue;
        }
        let sp = l.pairs.iter().find(|sp| (sp.a, sp.b) == (a.min(b), a.max(b))).expect("the pair is a candidate");
        assert_eq!(tally_linkage::levels::level(sp.pattern, 0), 2, "{:?}: equivalent surnames", name);
        let (la, lb) = (s.log_tf(t, 0, a).unwrap(), s.log_tf(t, 0, b).unwrap());
        assert!(la > lb + 1.0, "{:?}: the list's spelling is the commoner: {la} vs {lb}", name);
        let adj = s.tf_pair(t, 0, a, b, sp.pattern);
        assert_eq!(adj, s.tf_from_logs(0, la, lb, false));
        let rarer = s.tf_from_logs(0, la, lb, true);
        assert!(adj < rarer - 1.0, "{:?}: commoner {adj}, rarer {rarer}", name);
        checked += 1;
    }
    assert!(checked >= 1, "no pair of spellings with two canonical forms");
    eprintln!("{checked} of {} names with two canonical forms", NAMES.len());
}
