//! Invariants of the domain vocabulary.
#![allow(clippy::disallowed_methods)] // tests and benches read fixtures and time runs; purity binds the library

use proptest::prelude::*;
use tally_domain::{PartialDate, Precision, SourceKind, Status};

fn any_date() -> impl Strategy<Value = PartialDate> {
    prop_oneof![
        (1900i32..2030, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| PartialDate::ymd(y, m, d).unwrap()),
        (1900i32..2030, 1u8..=12).prop_map(|(y, m)| PartialDate::ym(y, m).unwrap()),
        (1900i32..2030).prop_map(PartialDate::year),
        (1900i32..2020, 0i32..5).prop_map(|(y, k)| PartialDate::range(y, y + k).unwrap()),
        (18u16..70, 2022i32..2027).prop_map(|(a, y)| PartialDate::from_age(a, y).unwrap()),
    ]
}

proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), ..proptest::prelude::ProptestConfig::default() })]
    #[test]
    fn canonical_text_round_trips(d in any_date()) {
        let back = PartialDate::parse_canonical(&d.to_string()).unwrap();
        prop_assert_eq!(back, d);
    }

    #[test]
    fn json_round_trips(d in any_date()) {
        let s = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<PartialDate>(&s).unwrap(), d);
    }

    /// A date is compatible with itself and contains itself; compatibility is symmetric.
    #[test]
    fn compatibility_is_reflexive_and_symmetric(a in any_date(), b in any_date()) {
        prop_assert!(a.compatible(a) && a.contains(a));
        prop_assert_eq!(a.compatible(b), b.compatible(a));
        if a.contains(b) { prop_assert!(a.compatible(b)); }
    }

    /// Never more precision than given: a coarser date has no finer fields.
    #[test]
    fn no_invented_fields(d in any_date()) {
        match d.precision() {
            Precision::Day => prop_assert!(d.day().is_some() && d.month().is_some()),
            Precision::Month => prop_assert!(d.day().is_none() && d.month().is_some()),
            _ => prop_assert!(d.day().is_none() && d.month().is_none()),
        }
    }
}

#[test]
fn year_contains_its_days_but_not_others() {
    let y = PartialDate::year(1996);
    assert!(y.contains(PartialDate::ymd(1996, 12, 31).unwrap()));
    assert!(!y.compatible(PartialDate::ymd(1997, 1, 1).unwrap()));
    let m = PartialDate::ym(1996, 2).unwrap();
    assert_eq!(m.day_span().1 - m.day_span().0, 28, "1996 is a leap year: 29 days in February");
}

#[test]
fn source_kinds_parse_from_their_names() {
    for k in SourceKind::ALL {
        assert_eq!(k.as_str().parse::<SourceKind>().unwrap(), k);
    }
    assert_eq!("exchange-manifest".parse::<SourceKind>().unwrap(), SourceKind::ExchangeManifest);
    assert!("newspaper clipping".parse::<SourceKind>().is_err());
}

#[test]
fn statuses_parse_from_their_names() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()).unwrap(), s);
    }
}
