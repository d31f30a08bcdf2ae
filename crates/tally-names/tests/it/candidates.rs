//! Latin -> Cyrillic candidates.

use tally_names::{to_cyrillic_candidates, transliterate, Lang};

#[test]
fn common_names_come_back_first() {
    for (latin, lang, want) in [
        ("Oleksandr", None, "Олександр"),
        ("Aleksandr", Some(Lang::Ru), "Александр"),
        ("Aleksandr", None, "Александр"),
        ("Shevchenko", None, "Шевченко"),
        ("Serhii", None, "Сергій"),
        ("Sergey", Some(Lang::Ru), "Сергей"),
        ("Mykola", None, "Микола"),
        ("Hryhorii", Some(Lang::Uk), "Григорій"),
        ("Kovalchuk", Some(Lang::Uk), "Ковальчук"),
        ("Yuliia Kovalchuk", Some(Lang::Uk), "Юлія Ковальчук"),
        ("Olha", Some(Lang::Uk), "Ольга"),
    ] {
        let c = to_cyrillic_candidates(latin, lang);
        assert_eq!(c.first().map(|x| x.0.as_str()), Some(want), "{latin}: {c:?}");
        let total: f64 = c.iter().map(|x| x.1).sum();
        assert!(total <= 1.01 && c.windows(2).all(|w| w[0].1 >= w[1].1), "{latin}: {c:?}");
    }
}

#[test]
fn kmu_spellings_round_trip_into_the_candidates() {
    // For every Ukrainian vector, the KMU Latin form's candidates include the Cyrillic word it came from.
    let mut miss = Vec::new();
    for (cyr, lang, std, latin) in crate::examples() {
        if lang != "uk" || std != "ua_kmu_2010" {
            continue;
        }
        for (c, l) in cyr.split(' ').zip(latin.split(' ')) {
            assert_eq!(transliterate("ua_kmu_2010", c).unwrap(), l);
            let cands = to_cyrillic_candidates(l, Some(Lang::Uk));
            let want = tally_names::normalize(c);
            if !cands.iter().take(10).any(|(x, _)| tally_names::normalize(x) == want) {
                miss.push(format!("{l} -> {c}: {cands:?}"));
            }
        }
    }
    assert!(miss.len() <= 3, "{}", miss.join("\n"));
}
