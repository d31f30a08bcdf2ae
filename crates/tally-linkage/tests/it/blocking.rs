//! Blocking rules: each catches a pair the others miss, the block cap holds for them, and the
//! label-free recall estimate follows them.

use super::world::{rec, world};
use super::{cfg, true_blocking_recall};
use tally_domain::{ParsedFields, PartialDate, Record};
use tally_linkage::blocking::{candidate_pairs, is_candidate, name_roles, BlockIndex};
use tally_linkage::table::Table;
use tally_linkage::{BlockingConfig, KeyField, Linker};

fn names(s: &str, g: &str, p: &str) -> ParsedFields {
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    ParsedFields { surname: opt(s), given_name: opt(g), patronymic: opt(p), ..Default::default() }
}

/// Whether records 0 and 1 are a candidate pair under `cfg`.
fn paired(records: &[Record], cfg: &BlockingConfig) -> bool {
    let t = Table::from_records(records).unwrap();
    let idx = BlockIndex::build(&t, cfg);
    is_candidate(&idx, 0, 1)
}

/// The default rules without those that use `field`.
fn without(field: KeyField) -> BlockingConfig {
    let mut c = BlockingConfig::default();
    c.rules.retain(|r| !r.fields.contains(&field));
    c
}

#[test]
fn name_roles_follow_the_given_name() {
    let recs = [
        rec("a", "1", names("Sychovych", "Ivan", "Mykolaiovych")),
        rec("b", "1", names("Ivan", "Mykolaiovych", "Sychovych")),
        rec("b", "2", names("Ruslan", "Pulko", "")),
        rec("b", "3", names("Yevhenovych", "Kulykyshyn", "Valerii")),
        // A surname that is also a given name stays where it is when the given-name column
        // holds a given name.
        rec("b", "4", names("Roman", "Oleh", "")),
        // Initials in the given-name column are a given name.
        rec("b", "5", names("Marko", "A.", "M.")),
    ];
    let t = Table::from_records(&recs).unwrap();
    assert_eq!(name_roles(&t, 0), [0, 1, 2]);
    assert_eq!(name_roles(&t, 1), [2, 0, 1]);
    assert_eq!(name_roles(&t, 2), [1, 0, 2]);
    assert_eq!(name_roles(&t, 3), [1, 2, 0]);
    assert_eq!(name_roles(&t, 4), [0, 1, 2]);
    assert_eq!(name_roles(&t, 5), [0, 1, 2]);
    // The rotated record blocks with the one written in order (surname + initial), though no
    // column of one agrees with the same column of the other.
    assert_ne!(t.name_key(0, 0), t.name_key(0, 1));
    assert_ne!(t.name_key(1, 0), t.name_key(1, 1));
    let idx = BlockIndex::build(&t, &BlockingConfig::default());
    assert!(is_candidate(&idx, 0, 1));
}

#[test]
fn swapped_names_with_a_slip_block_through_the_roles() {
    // Given name in the surname column and a slip in the surname: the date of death and the
    // given name (found in its column by its role) pair them.
    let dd = PartialDate::ymd(2023, 5, 2).unwrap();
    let recs = [
        rec("a", "1", ParsedFields { death_date: Some(dd), ..names("Pulo", "Ruslan", "Antonovych") }),
        rec("b", "1", ParsedFields { death_date: Some(dd), ..names("Ruslan", "Pulko", "") }),
    ];
    assert!(paired(&recs, &BlockingConfig::default()));
    assert!(!paired(&recs, &without(KeyField::DeathDay)));
}

#[test]
fn a_written_initial_blocks_with_an_iotated_name() {
    // «Y.» is `i` in canonical form, Yurii is `uri`: the canonical initials differ, the
    // written ones agree.
    let recs = [rec("a", "1", names("Tuvenko", "Y.", "")), rec("b", "1", names("Tuvenko", "Yurii", ""))];
    assert!(paired(&recs, &BlockingConfig::default()));
    assert!(!paired(&recs, &without(KeyField::GivenInitialWritten)));
    // Cyrillic initials read as Latin: «Ю.» agrees with Yurii.
    let recs = [rec("a", "1", names("Тувенко", "Ю.", "")), rec("b", "1", names("Tuvenko", "Yurii", ""))];
    assert!(paired(&recs, &BlockingConfig::default()));
}

fn with_region(s: &str, g: &str, region: &str) -> ParsedFields {
    ParsedFields { region: Some(region.into()), ..names(s, g, "") }
}

#[test]
fn a_late_surname_slip_blocks_with_given_name_and_region() {
    let recs = [
        rec("a", "1", with_region("Shubinov", "Andrey", "Republic of Bashkortostan")),
        rec("b", "1", with_region("Shubino", "Andrey", "Башкортостан")),
    ];
    assert!(paired(&recs, &BlockingConfig::default()));
    assert!(!paired(&recs, &without(KeyField::Region)));
}

#[test]
fn an_early_surname_slip_blocks_on_the_last_four_letters() {
    let recs = [
        rec("a", "1", with_region("Vovchychenko", "Yevhen", "Chernihiv Oblast")),
        rec("b", "1", with_region("Volchichenko", "Yevgeny", "Чернігівська область")),
    ];
    assert!(paired(&recs, &BlockingConfig::default()));
    assert!(!paired(&recs, &without(KeyField::SurnameSuffix4)));
}

#[test]
fn a_garbled_surname_blocks_on_given_name_region_and_month_of_death() {
    let recs = [
        rec(
            "a",
            "1",
            ParsedFields {
                death_date: Some(PartialDate::ymd(2023, 5, 2).unwrap()),
                ..with_region("Khmara", "Oleh", "Kyiv Oblast")
            },
        ),
        rec(
            "b",
            "1",
            ParsedFields {
                death_date: Some(PartialDate::ym(2023, 5).unwrap()),
                ..with_region("Chmara", "Oleh", "Kyiv Oblast")
            },
        ),
    ];
    assert!(paired(&recs, &BlockingConfig::default()));
    assert!(!paired(&recs, &without(KeyField::DeathMonth)));
}

#[test]
fn the_cap_holds_for_the_new_rules() {
    // Seven records share given name, region and month of death, and nothing else: over a cap
    // of five, the block is skipped and reported, and none of its pairs is a candidate.
    let sur = ["Khmara", "Bondar", "Tkachuk", "Levchuk", "Marchuk", "Savchuk", "Dudnyk"];
    let recs: Vec<Record> = sur
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let f = ParsedFields {
                death_date: Some(PartialDate::ym(2023, 5).unwrap()),
                ..with_region(s, "Oleh", "Kyiv Oblast")
            };
            rec("a", &i.to_string(), f)
        })
        .collect();
    let mut c = BlockingConfig { max_block: 5, ..Default::default() };
    let t = Table::from_records(&recs).unwrap();
    let idx = BlockIndex::build(&t, &c);
    let (pairs, report) = candidate_pairs(&t, &c, &idx);
    assert!(pairs.is_empty(), "{pairs:?}");
    let r = report.rules.iter().find(|r| r.rule == "given_key & region_key & death_month").unwrap();
    assert_eq!((r.skipped_blocks, r.skipped_pairs, r.largest_block), (1, 21, 7));
    // Under the cap, the same block gives all its pairs.
    c.max_block = 7;
    let idx = BlockIndex::build(&t, &c);
    assert_eq!(candidate_pairs(&t, &c, &idx).0.len(), 21);
}

#[test]
fn blocking_recall_estimate_follows_the_region_rules() {
    // A media list: names, region and a month of death, nothing else. Its matches with a
    // slipped surname are found only by the rules on given name and region, and the estimate
    // must see both their gain and their absence.
    let mut w = world(600, 23);
    let regions = ["Kyiv Oblast", "Odesa Oblast", "Lviv Oblast", "Kharkiv Oblast", "Poltava Oblast"];
    for (r, (_, p)) in w.records.iter_mut().zip(&w.truth) {
        r.fields.region = Some(regions[*p as usize % regions.len()].to_string());
        if r.key.source == "media" {
            let f = &mut r.fields;
            f.birth_date = None;
            f.patronymic = None;
            f.settlement = None;
            f.death_date = f.death_date.take().map(|d| PartialDate::ym(d.year_value(), d.month().unwrap()).unwrap());
        }
    }
    let l = Linker::train(&w.records, cfg()).unwrap();
    let (est, truth) = (l.estimate_blocking_recall(), true_blocking_recall(&l, &w.truth));
    assert!((est - truth).abs() < 0.03, "estimate {est:.4} true {truth:.4}");
    let mut c = cfg();
    c.blocking.rules.retain(|r| !r.fields.contains(&KeyField::Region));
    let l2 = Linker::train(&w.records, c).unwrap();
    let (est2, truth2) = (l2.estimate_blocking_recall(), true_blocking_recall(&l2, &w.truth));
    assert!(truth2 < truth, "the region rules find matches: {truth2:.4} vs {truth:.4}");
    assert!(est2 < est, "estimate without the region rules {est2:.4}, with them {est:.4}");
    assert!((est2 - truth2).abs() < 0.03, "estimate {est2:.4} true {truth2:.4}");
}

#[test]
fn a_pair_compared_across_misaligned_columns_is_no_veto() {
    use tally_linkage::blocking::columns_aligned;
    let recs = [
        rec("a", "1", names("Pulo", "Ruslan", "Antonovych")),
        rec("b", "1", names("Ruslan", "Pulko", "")),
        rec("c", "1", names("Pulko", "Ruslan", "")),
        rec("d", "1", names("Ruslan", "Pulo", "")),
    ];
    let t = Table::from_records(&recs).unwrap();
    // As written on both sides: the comparison is evidence.
    assert!(columns_aligned(&t, 0, 2));
    // A role moved (the given name stood in the surname column): no evidence.
    assert!(!columns_aligned(&t, 0, 1) && !columns_aligned(&t, 1, 0));
    // Surname and given name swapped, both known to the dictionary or not: no evidence.
    assert!(!columns_aligned(&t, 0, 3) && !columns_aligned(&t, 3, 0));
}
