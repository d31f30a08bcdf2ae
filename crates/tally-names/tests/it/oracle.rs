//! Optional oracle check against the reference Python implementations (translitua for Ukrainian, iuliia
//! for Russian) on generated names. Runs only when TALLY_NAMES_ORACLE names a Python interpreter that has
//! both packages installed (e.g. `TALLY_NAMES_ORACLE=python3 cargo test -p tally-names oracle`); the default
//! test run does not need Python.

use std::process::Command;

const UK_MAP: &[(&str, &str)] = &[
    ("ua_kmu_2010", "UkrainianKMU"),
    ("ua_icao_9303", "UkrainianPassport2007"),
    ("ua_national_1996", "UkrainianNational1996"),
    ("ua_bgn_pcgn_1965", "UkrainianBGN"),
    ("ua_iso9_1995", "UkrainianISO9"),
    ("ua_dstu_9112_a", "UkrainianDSTU9112A"),
    ("ua_dstu_9112_b", "UkrainianDSTU9112B"),
    ("ua_scholarly", "UkrainianWWS"),
    ("ua_ala_lc", "UkrainianALALC"),
];
const RU_MAP: &[(&str, &str)] = &[
    ("ru_icao_9303", "ICAO_DOC_9303"),
    ("ru_gost_52535", "GOST_52535"),
    ("ru_mvd_310", "MVD_310"),
    ("ru_mvd_782", "MVD_782"),
    ("ru_bgn_pcgn", "BGN_PCGN"),
    ("ru_wikipedia", "WIKIPEDIA"),
    ("ru_gost_779", "GOST_779"),
    ("ru_gost_779_alt", "GOST_779_ALT"),
    ("ru_scientific", "SCIENTIFIC"),
    ("ru_ala_lc", "ALA_LC"),
];

fn words(alphabet: &str, n: usize) -> Vec<String> {
    // Deterministic pseudo-random words (a linear congruential walk; no RNG crate needed).
    let letters: Vec<char> = alphabet.chars().collect();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = 2 + (x >> 60) as usize % 9;
            let mut w = String::new();
            for i in 0..len {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let c = letters[(x >> 33) as usize % letters.len()];
                w.extend(if i == 0 { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] });
            }
            w
        })
        .collect()
}

#[test]
fn oracle_translitua_and_iuliia() {
    let Ok(py) = std::env::var("TALLY_NAMES_ORACLE") else {
        return;
    };
    let uk = words("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'", 300);
    let ru = words("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", 300);
    let script = r#"
import sys, json, unicodedata
from translitua import translit
import translitua, iuliia
req = json.load(sys.stdin)
out = {}
for std, cls in req["uk"]:
    out[std] = [unicodedata.normalize("NFC", translit(w, getattr(translitua, cls))) for w in req["uk_words"]]
for std, name in req["ru"]:
    out[std] = [unicodedata.normalize("NFC", getattr(iuliia, name).translate(w)) for w in req["ru_words"]]
json.dump(out, sys.stdout)
"#;
    let req = serde_json::json!({"uk": UK_MAP, "ru": RU_MAP, "uk_words": uk, "ru_words": ru});
    let mut child = Command::new(py)
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("TALLY_NAMES_ORACLE must name a runnable python");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(req.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed: install translitua and iuliia");
    let got: std::collections::HashMap<String, Vec<String>> = serde_json::from_slice(&out.stdout).unwrap();
    let mut bad = Vec::new();
    for (std, _) in UK_MAP.iter().chain(RU_MAP) {
        let ws = if std.starts_with("ua_") { &uk } else { &ru };
        for (w, want) in ws.iter().zip(&got[*std]) {
            // iuliia 0.13's bgn_pcgn, gost_779, scientific and ala_lc tables write ё as the Cyrillic letter
            // itself; translit.json (and so tally-names) gives the standards' Latin ë.
            let want = want.replace('ё', "ë").replace('Ё', "Ë");
            let mine = tally_names::transliterate(std, w).unwrap();
            if mine != want {
                bad.push(format!("{std} {w}: oracle {want:?}, ours {mine:?}"));
            }
        }
    }
    assert!(bad.is_empty(), "{} differences:\n{}", bad.len(), bad.join("\n"));
}
