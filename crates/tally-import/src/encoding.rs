//! Turning a file's bytes into text: detect UTF-8 (with or without BOM), UTF-16 with BOM
//! (Excel's "Unicode text") and Windows-1251, or decode with an encoding the caller names.

use crate::ImportError;
use encoding_rs::Encoding;

/// How many leading bytes are checked for signs of binary data. Enough to cover a header and
/// some rows, small enough to stay cheap on large files.
const SNIFF: usize = 8192;

/// Text decoded from a file, with the encoding that was used.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// Canonical encoding name ("utf-8", "windows-1251", "utf-16le", ...).
    pub encoding: String,
}

/// The encoding for a label such as `utf-8`, `cp1251`, `windows-1251` (WHATWG labels).
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, ImportError> {
    let l = label.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "cp1251" | "win1251" | "win-1251" => "windows-1251",
        "utf8" => "utf-8",
        other => other,
    };
    Encoding::for_label(l.as_bytes()).ok_or_else(|| ImportError::UnknownEncoding(label.to_string()))
}

/// Decode `bytes`, detecting the encoding unless `explicit` names one.
pub fn decode(bytes: &[u8], explicit: Option<&str>) -> Result<Decoded, ImportError> {
    if let Some(label) = explicit {
        let enc = encoding_for_label(label)?;
        // An explicit encoding still honours a BOM of the same family, and strips it.
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(ImportError::Undecodable {
                encoding: enc.name().to_ascii_lowercase(),
                offset: first_bad_offset(enc, bytes),
            });
        }
        return Ok(Decoded { text: text.into_owned(), encoding: enc.name().to_ascii_lowercase() });
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(ImportError::Undecodable {
                encoding: enc.name().to_ascii_lowercase(),
                offset: first_bad_offset(enc, &bytes[bom_len..]) + bom_len,
            });
        }
        return Ok(Decoded { text: text.into_owned(), encoding: enc.name().to_ascii_lowercase() });
    }
    check_not_binary(bytes)?;
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Decoded { text: s.to_string(), encoding: "utf-8".into() }),
        Err(e) => {
            // Not UTF-8. Lists from Ukrainian and Russian offices that are not UTF-8 are
            // almost always Windows-1251; accept that only if the result reads as Cyrillic
            // text, so that a Latin-1 or KOI8 file is refused rather than turned to mojibake.
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
            if plausible_cyrillic(&text) {
                Ok(Decoded { text: text.into_owned(), encoding: "windows-1251".into() })
            } else {
                Err(ImportError::UnknownText { utf8_error_at: e.valid_up_to() })
            }
        }
    }
}

fn first_bad_offset(enc: &'static Encoding, bytes: &[u8]) -> usize {
    if enc == encoding_rs::UTF_8 {
        return std::str::from_utf8(bytes).err().map(|e| e.valid_up_to()).unwrap_or(0);
    }
    // Bisect on prefixes; decoding errors are rare, so this runs at most once per failed file.
    let (mut lo, mut hi) = (0usize, bytes.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        let (_, bad) = enc.decode_without_bom_handling(&bytes[..=mid]);
        if bad {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Refuse data that is clearly not text: NUL bytes, or many control characters, near the start.
fn check_not_binary(bytes: &[u8]) -> Result<(), ImportError> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    if let Some(pos) = head.iter().position(|&b| b == 0) {
        return Err(ImportError::Binary { reason: format!("NUL byte at offset {pos}") });
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)).count();
    if control * 100 > head.len().max(1) {
        return Err(ImportError::Binary {
            reason: format!("{control} control bytes in the first {} bytes", head.len()),
        });
    }
    Ok(())
}

/// Whether decoded Windows-1251 text looks like Cyrillic writing: most non-ASCII characters
/// are Cyrillic letters (or the few punctuation marks 1251 carries, such as « » № — ’), and
/// words are not odd mixtures. Latin-1 read as 1251 puts Cyrillic letters inside Latin words
/// ("Mьller"); KOI8-R read as 1251 puts capitals after small letters ("иБЮМНБ").
fn plausible_cyrillic(text: &str) -> bool {
    let is_cyr = |c: char| ('\u{0400}'..='\u{04FF}').contains(&c);
    let (mut cyr, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if is_cyr(c) || "«»№—–’‘“”„…".contains(c) {
            cyr += 1;
        } else {
            other += 1;
        }
    }
    let (mut words, mut odd) = (0usize, 0usize);
    for w in text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().any(is_cyr)) {
        words += 1;
        let mixed = w.chars().any(|c| c.is_ascii_alphabetic());
        let caps_inside = w.chars().zip(w.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase());
        if mixed || caps_inside {
            odd += 1;
        }
    }
    cyr > 0 && other * 10 <= cyr && odd * 10 <= words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_utf8_bom_and_1251() {
        let d = decode("\u{feff}Прізвище\n".as_bytes(), None).unwrap();
        assert_eq!(d.text, "Прізвище\n");
        assert_eq!(d.encoding, "utf-8");
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Фамилия;Имя\nИванов;Иван\n");
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.text.starts_with("Фамилия;Имя"));
    }

    #[test]
    fn explicit_encoding_is_checked() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Фамилия");
        let err = decode(&bytes, Some("utf-8")).unwrap_err();
        assert!(matches!(err, ImportError::Undecodable { offset: 0, .. }), "{err}");
        assert_eq!(decode(&bytes, Some("cp1251")).unwrap().text, "Фамилия");
        assert!(matches!(decode(b"x", Some("klingon")), Err(ImportError::UnknownEncoding(_))));
    }

    #[test]
    fn refuses_binary_and_latin1() {
        assert!(matches!(decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None), Err(ImportError::Binary { .. })));
        // "Müller" in Latin-1: not UTF-8, and not Cyrillic when read as 1251.
        assert!(matches!(decode(b"M\xfcller,J\xe9r\xf4me\n", None), Err(ImportError::UnknownText { .. })));
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for u in "ПІБ\tДата\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes, None).unwrap();
        assert_eq!(d.text, "ПІБ\tДата\n");
        assert_eq!(d.encoding, "utf-16le");
    }
}
