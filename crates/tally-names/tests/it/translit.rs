//! Every conformance vector of test_data/names/translit_examples.csv, and every official sample.

use crate::examples;
use unicode_normalization::UnicodeNormalization;

#[test]
fn every_vector_of_the_19_standards() {
    let ids: Vec<String> = tally_names::standards().into_iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 19);
    let mut n = 0;
    let mut bad = Vec::new();
    for (cyr, _lang, std, latin) in examples() {
        if !ids.contains(&std) {
            continue;
        }
        n += 1;
        let got = tally_names::transliterate(&std, &cyr).unwrap();
        let want: String = latin.nfc().collect();
        if got != want {
            bad.push(format!("{std} {cyr:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(bad.is_empty(), "{} of {n} vectors fail:\n{}", bad.len(), bad.join("\n"));
    // 15 Ukrainian names x 9 standards + 13 Russian names x 10 standards.
    assert_eq!(n, 15 * 9 + 13 * 10);
}

#[test]
fn official_samples_of_the_russian_standards() {
    let mut n = 0;
    for s in tally_names::standards() {
        for (cyr, latin) in tally_names::official_samples(&s.id).unwrap() {
            let want: String = latin.nfc().collect();
            assert_eq!(tally_names::transliterate(&s.id, &cyr).unwrap(), want, "{} {cyr:?}", s.id);
            n += 1;
        }
    }
    assert!(n >= 20, "{n} samples");
}

#[test]
fn unknown_standard_is_an_error_naming_the_known_ones() {
    let e = tally_names::transliterate("ua_kmu", "Юрій").unwrap_err().to_string();
    assert!(e.contains("ua_kmu_2010"), "{e}");
}

#[test]
fn capitals_words_and_context() {
    let t = |s: &str, x: &str| tally_names::transliterate(s, x).unwrap();
    // A list in capitals stays in capitals, word by word.
    assert_eq!(t("ua_kmu_2010", "ШЕВЧЕНКО Олександр"), "SHEVCHENKO Oleksandr");
    assert_eq!(t("ua_kmu_2010", "ЗГУРСЬКИЙ"), "ZGHURSKYI");
    // Word-initial forms after a hyphen and inside a word; apostrophe variants (KMU examples).
    assert_eq!(t("ua_kmu_2010", "Знам’янка"), "Znamianka");
    assert_eq!(t("ua_kmu_2010", "Знамʼянка"), "Znamianka");
    assert_eq!(t("ua_kmu_2010", "Ярошенко-Юрченко"), "Yaroshenko-Yurchenko");
    assert_eq!(t("ua_kmu_2010", "Ньютон"), "Niuton");
    assert_eq!(t("ua_kmu_2010", "Розгон"), "Rozghon");
    // DSTU 9112: a consonant before й takes an apostrophe; every apostrophe variant gives '.
    assert_eq!(t("ua_dstu_9112_a", "Київ, Щастя, підйом"), "Kyïv, Ŝastja, pid'jom");
    assert_eq!(t("ua_dstu_9112_b", "Дарʼя"), "Dar'ja");
    // Wikipedia: -ий at the end of a word.
    assert_eq!(t("ru_wikipedia", "Дмитрий Юрий"), "Dmitry Yury");
    // Stress marks do not split words.
    assert_eq!(t("ua_kmu_2010", "Оле́г Ю́рченко"), "Oleh Yurchenko");
    // Letters foreign to a standard's alphabet get their counterpart, never pass through as Cyrillic.
    assert_eq!(t("ru_icao_9303", "Сергій Ґудзь"), "Sergii Gudz");
    assert_eq!(t("ua_kmu_2010", "Лысенко Эдуард"), "Lysenko Eduard");
}
