//! Invariants over generated strings.

use proptest::prelude::*;

fn name_like() -> impl Strategy<Value = String> {
    prop_oneof!["[а-яіїєґёА-ЯІЇЄҐЁ'’ʼ\\- .a-zA-Z0-9«»,]{0,24}", "[A-Za-zšžčŝêâûïìĭëğ'ʹ′ \\-]{0,24}", "\\PC{0,16}",]
}

proptest! {
    #![proptest_config(ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), cases: 512, ..ProptestConfig::default() })]

    /// The typo rule's stack edit distance, and its early stop at a bound, agree with strsim's
    /// optimal string alignment (short strings over a small alphabet, so that transpositions,
    /// repeats and near misses are common; and some Cyrillic).
    #[test]
    fn bounded_edit_distance_agrees_with_strsim(a in "[abcо]{0,12}", b in "[abcо]{0,12}", k in 0usize..4) {
        let d = strsim::osa_distance(&a, &b);
        prop_assert_eq!(tally_names::osa_distance(&a, &b), d);
        prop_assert_eq!(tally_names::osa_within(&a, &b, k), Some(d).filter(|&d| d <= k));
    }

    #[test]
    fn normalize_is_idempotent(s in name_like()) {
        let once = tally_names::normalize(&s);
        prop_assert_eq!(tally_names::normalize(&once), once.clone(), "input {:?}", s);
    }

    #[test]
    fn key_ignores_normalization(s in name_like()) {
        prop_assert_eq!(tally_names::name_key(&tally_names::normalize(&s)), tally_names::name_key(&s));
    }

    #[test]
    fn cyrillic_in_latin_out(s in "[а-яіїєґёъыэА-ЯІЇЄҐЁЪЫЭ' -]{1,20}") {
        for std in tally_names::standards() {
            let out = tally_names::transliterate(&std.id, &s).unwrap();
            prop_assert!(!out.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)), "{} {:?} -> {:?}", std.id, s, out);
        }
    }

    #[test]
    fn compare_part_is_symmetric(a in name_like(), b in name_like()) {
        for k in [tally_names::PartKind::Surname, tally_names::PartKind::Given, tally_names::PartKind::Patronymic] {
            let (x, y) = (tally_names::compare_part(k, &a, &b), tally_names::compare_part(k, &b, &a));
            prop_assert!((x.score - y.score).abs() < 1e-9 && x.level == y.level, "{:?} {:?} {:?}", k, x, y);
            prop_assert!((0.0..=1.0).contains(&x.score));
        }
    }

    #[test]
    fn whole_names_and_phrases_never_panic(a in name_like(), b in name_like()) {
        let c = tally_names::compare(&a, &b);
        prop_assert!((0.0..=1.0).contains(&c.score), "{:?}", c);
        let n = tally_names::to_nominative(&a);
        // Words that are not capitalised Cyrillic names are kept as they are.
        prop_assert_eq!(n.split_whitespace().count(), a.split_whitespace().count(), "{:?} -> {:?}", a, n);
        for (_, p) in tally_names::to_cyrillic_candidates(&b, None) {
            prop_assert!((0.0..=1.0).contains(&p));
        }
    }
}
