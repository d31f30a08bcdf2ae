//! One canonical, script-neutral form of a name, and the blocking key built from it.
//!
//! The *canonical Latin* form (internally "CL") is what every spelling of a name is mapped to before it is
//! compared: Cyrillic through a fixed letter table, Latin by reading back the digraphs and diacritics of all
//! 19 standards (`shch`/`sch`/`shh`/`šč`/`ŝ` are all щ, `ts`/`tc`/`cz`/`c` are ц, `zh`/`ž` is ж, `h`/`gh`/`ğ`
//! are г, `kh` is х, `y`/`j`/`ĭ` are vowels or glides ...). It uses its own ASCII alphabet: vowels
//! `a e i o u`, consonants as usual plus `j`=ж, `x`=х, `c`=ц, `q`=ч, `w`=ш (щ = `wq`). Glides are removed
//! (an `i` next to another vowel: `Yurii`, `Iurii`, `Jurij`, `Юрій` all give `uri`), soft signs and
//! apostrophes dropped, doubled letters collapsed (`Кирилл` = `Кирило` up to the last vowel).
//!
//! Latin spellings that no standard gives but that a language's own press writes are read by that
//! language's rules when a word shows them (see [`Reading`]): Polish `Szewczenko`, `Kowalczuk`,
//! `Łukaszenko`; German `Schewtschenko`, `Michailow`; French `Chevtchenko`, `Khrouchtchev`. A
//! word without such marks is read as the standards write.
//!
//! The *skeleton* keeps only the consonants of CL, with г and х merged (`Tihonov` from GOST 7.79 and
//! `Tikhonov` agree): vowels are where Ukrainian and Russian forms of one name differ (Олександр/Александр,
//! Білоус/Белоус, Андрєєв/Андреева), so leaving them out makes the key survive both languages and both
//! genders, and the dictionary folds the remaining pairs whose consonants differ (Микола/Николай).
//! A leading `A` marks a name that starts with a vowel. Skeletons of two consonants or fewer are too
//! coarse alone (Олег, Ольга, Анна, Інна), so they carry the class of the first vowel and whether the
//! name ends in a vowel.

/// How the Latin letters of one word are read: as the transliteration standards (and English
/// habit) write Ukrainian and Russian names, or as Polish, German or French transcribe them in
/// their own press. The three differ from the standards, and from each other, in `ch` (х in
/// Polish and German, ш in French, ч in the standards), `cz` (ч in Polish, ц in GOST 7.79 B),
/// `sch` (ш in German, щ as English writes it loosely), `j` (ж in French) and `z` (ц in German).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    Standard,
    /// `sz` ш, `cz` ч, `szcz` щ, `rz` and `ż` ж, `ch` х, `w` в, `ł` л (Zasady pisowni polskiej,
    /// transkrypcja z rosyjskiego i ukraińskiego).
    Polish,
    /// `sch` ш, `tsch` ч, `schtsch` щ, `ch` х, `z` ц, `w` в (Duden transcription).
    German,
    /// `ch` ш, `tch` ч, `chtch` щ, `kh` х, `ou` у, `j` ж (French press transcription).
    French,
    /// A word ending as German and Polish end Russian surnames (`-ow`, `-ew`, `-owa`, `-ewa`),
    /// with no other mark: `ch` is х in both (`Michailow`).
    CentralEuropean,
}

/// Which [`Reading`] a word's letters show: only marks that no standard writes count.
pub(crate) fn reading(word: &[char]) -> Reading {
    // Without allocating: this runs for every Latin word of million-name lists.
    let has = |m: &str| word.windows(m.len()).any(|w| w.iter().copied().eq(m.chars()));
    let ends = |m: &str| word.len() >= m.len() && m.chars().rev().zip(word.iter().rev()).all(|(a, &b)| a == b);
    // GOST 7.79 B writes ц as cz, but as c before e and i: cz there is Polish ч (before y it is
    // GOST's ця, Spiczya). Elsewhere cz is Polish in a word with a w and without v, x or an
    // apostrophe, which Polish never writes (в is w, х is ch) and GOST 7.79 B does (Kuzneczov,
    // Palanicza, Cz`opko).
    let polish_cz = word.windows(3).any(|w| w[0] == 'c' && w[1] == 'z' && matches!(w[2], 'e' | 'i'))
        || (has("cz") && has("w") && !word.iter().any(|&c| matches!(c, 'v' | 'x' | '\'')));
    if word.iter().any(|c| matches!(c, 'ł' | 'ż' | 'ś' | 'ć' | 'ń')) || has("sz") || polish_cz {
        return Reading::Polish;
    }
    let central_end = ["ow", "ew", "owa", "ewa", "owna", "ewna"].iter().any(|e| ends(e));
    // tsch is also ц then ч as the standards write them (Hrytschuk, Грицчук): German only with
    // a w or a German ending beside it.
    if (has("tsch") || has("sch")) && (central_end || has("w")) {
        return Reading::German;
    }
    // tch is also т then ч (Tetchenko, Chetchuk) and ou is оу (Bilous, Chernousov) as the
    // standards write them: French only where tch starts the word, follows a consonant (вч,
    // льч, нч: Chevtchenko, Kovaltchouk, Pantchenko) or ends chtch (щ).
    let french_tch = starts_with(word, "tch")
        || has("chtch")
        || word.windows(4).any(|w| {
            w[1..] == ['t', 'c', 'h']
                && w[0].is_ascii_alphabetic()
                && !matches!(w[0], 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 's')
        });
    if french_tch {
        return Reading::French;
    }
    if central_end {
        return Reading::CentralEuropean;
    }
    Reading::Standard
}

/// Whether a word starts with `m`.
fn starts_with(word: &[char], m: &str) -> bool {
    word.len() >= m.len() && word.iter().copied().zip(m.chars()).all(|(a, b)| a == b)
}

/// The canonical letters of a Latin spelling a [`Reading`] other than the standards' reads its own
/// way at `chars[p]`: what it gives and how many letters it takes, or `None` where it reads as the
/// standards do.
fn national(reading: Reading, chars: &[char], p: usize) -> Option<(&'static [u8], usize)> {
    // Each reading's own spellings and their canonical letters, longest first.
    const POLISH: &[(&str, &[u8])] =
        &[("szcz", b"wq"), ("sz", b"w"), ("cz", b"q"), ("rz", b"j"), ("ch", b"x"), ("ż", b"j")];
    const GERMAN: &[(&str, &[u8])] =
        &[("schtsch", b"wq"), ("tsch", b"q"), ("sch", b"w"), ("ch", b"x"), ("tz", b"c"), ("z", b"c")];
    // gu before e or i is French g (the u only keeps it hard): entered with its condition below.
    const FRENCH: &[(&str, &[u8])] = &[("chtch", b"wq"), ("tch", b"q"), ("ch", b"w"), ("ou", b"u"), ("j", b"j")];
    const CENTRAL: &[(&str, &[u8])] = &[("ch", b"x")];
    let at = |k: usize| chars.get(p + k).copied().unwrap_or('\0');
    let table = match reading {
        Reading::Standard => return None,
        Reading::Polish => POLISH,
        Reading::German => GERMAN,
        Reading::French => FRENCH,
        Reading::CentralEuropean => CENTRAL,
    };
    let found = table.iter().find_map(|&(m, to)| {
        let n = m.chars().count();
        m.chars().enumerate().all(|(k, c)| at(k) == c).then_some((to, n))
    });
    found.or_else(|| {
        (reading == Reading::French && at(0) == 'g' && at(1) == 'u' && matches!(at(2), 'e' | 'i' | 'y' | 'j'))
            .then_some((b"g".as_slice(), 2))
    })
}

/// Map one normalised token (lowercase, see [`crate::normalize`]) to the canonical Latin form.
pub(crate) fn canon_latin(norm: &str) -> String {
    let mut raw: Vec<u8> = Vec::with_capacity(norm.len() + 4);
    // The letters without marks, each with its word's reading (found before the marks go: an
    // apostrophe is evidence).
    let mut chars: Vec<char> = Vec::with_capacity(norm.len());
    // Empty when every word reads as the standards write (all Cyrillic words do): the common
    // case costs one scan of the bytes.
    let mut reads: Vec<Reading> = Vec::new();
    let all: Vec<char> =
        if norm.bytes().any(|b| b.is_ascii_alphabetic()) { norm.chars().collect() } else { Vec::new() };
    if all.is_empty() {
        chars.extend(norm.chars().filter(|c| !is_mark(*c)));
    }
    let mut start = 0;
    while !all.is_empty() {
        let end = all[start..].iter().position(|c| matches!(c, ' ' | '-')).map_or(all.len(), |e| start + e);
        let word = &all[start..end];
        let r = if word.iter().any(char::is_ascii_alphabetic) { reading(word) } else { Reading::Standard };
        for &c in word.iter().filter(|c| !is_mark(**c)) {
            chars.push(c);
            reads.push(r);
        }
        if end == all.len() {
            break;
        }
        chars.push(all[end]);
        reads.push(Reading::Standard);
        start = end + 1;
    }
    let n = chars.len();
    let mut p = 0;
    while p < n {
        let c = chars[p];
        if let Some((s, used)) = reads.get(p).and_then(|&r| national(r, &chars, p)) {
            raw.extend_from_slice(s);
            p += used;
            continue;
        }
        if crate::translit::is_cyrillic(c) {
            let s: &[u8] = match c {
                'а' => b"a",
                'б' => b"b",
                'в' => b"v",
                'г' | 'ґ' => b"g",
                'д' => b"d",
                'е' | 'э' => b"e",
                'ё' => b"io",
                'є' => b"ie",
                'ж' => b"j",
                'з' => b"z",
                'и' | 'і' | 'ы' | 'й' => b"i",
                'ї' => b"ii",
                'к' => b"k",
                'л' => b"l",
                'м' => b"m",
                'н' => b"n",
                'о' => b"o",
                'п' => b"p",
                'р' => b"r",
                'с' => b"s",
                'т' => b"t",
                'у' => b"u",
                'ф' => b"f",
                'х' => b"x",
                'ц' => b"c",
                'ч' => b"q",
                'ш' => b"w",
                'щ' => b"wq",
                'ю' => b"iu",
                'я' => b"ia",
                _ => b"",
            };
            raw.extend_from_slice(s);
            p += 1;
            continue;
        }
        let next = chars.get(p + 1).copied().unwrap_or('\0');
        let next2 = chars.get(p + 2).copied().unwrap_or('\0');
        let next3 = chars.get(p + 3).copied().unwrap_or('\0');
        let (s, used): (&[u8], usize) = match c {
            's' if next == 'h' && next2 == 'c' && next3 == 'h' => (b"wq", 4),
            's' if next == 'c' && next2 == 'h' => (b"wq", 3),
            's' if next == 'h' && next2 == 'h' => (b"wq", 3),
            's' if next == 'h' => (b"w", 2),
            'š' if next == 'č' => (b"wq", 2),
            'ŝ' => (b"wq", 1),
            'š' => (b"w", 1),
            'z' if next == 'h' => (b"j", 2),
            'ž' => (b"j", 1),
            'k' if next == 'h' => (b"x", 2),
            'x' => (b"ks", 1),
            'c' if next == 'h' => (b"q", 2),
            'č' => (b"q", 1),
            'c' if next == 'z' => (b"c", 2),
            'c' if next == 'k' => (b"", 1),
            'c' if is_latin_consonant(next) && !matches!(next, 's') => (b"k", 1),
            'c' => (b"c", 1),
            't' if next == 's' || next == 'c' || next == 'z' => (b"c", 2),
            'g' if next == 'h' => (b"g", 2),
            'h' | 'ğ' => (b"g", 1),
            'p' if next == 'h' => (b"f", 2),
            'y' | 'ĭ' | 'ì' | 'í' | 'î' | 'ȳ' => (b"i", 1),
            'ï' => (b"ii", 1),
            'j' => {
                // A j between a consonant and a consonant (or the end) is DSTU 9112's soft sign (Kovaljchuk,
                // Vasylj); elsewhere it is a glide or й (Jurij, Julija, Solovjova).
                let prev = if p > 0 { chars[p - 1] } else { '\0' };
                if is_latin_consonant(prev) && (next == '\0' || next == '-' || is_latin_consonant(next)) {
                    (b"", 1)
                } else {
                    (b"i", 1)
                }
            }
            'ê' => (b"ie", 1),
            'â' => (b"ia", 1),
            'û' => (b"iu", 1),
            'ë' | 'è' | 'é' | 'ė' | 'ē' | 'ě' => (b"e", 1),
            'ô' | 'ó' | 'ò' | 'ö' => (b"o", 1),
            'á' | 'à' | 'ä' | 'ă' => (b"a", 1),
            'ú' | 'ù' | 'ü' | 'ŭ' => (b"u", 1),
            'w' => (b"v", 1),
            'q' => (b"k", 1),
            'ł' => (b"l", 1),
            'ń' => (b"n", 1),
            'ś' => (b"s", 1),
            'ź' | 'ż' => (b"z", 1),
            'ć' => (b"c", 1),
            '-' => (b"-", 1),
            'a' | 'b' | 'd' | 'e' | 'f' | 'g' | 'i' | 'k' | 'l' | 'm' | 'n' | 'o' | 'p' | 'r' | 's' | 't' | 'u'
            | 'v' | 'z' => {
                raw.push(c as u8);
                p += 1;
                continue;
            }
            ' ' => (b" ", 1),
            _ => (b"", 1),
        };
        raw.extend_from_slice(s);
        p += used;
    }
    finish(raw)
}

/// Glide removal and collapsing, shared by both scripts so that they meet in one form. In place: this
/// runs once per name part on million-name lists.
fn finish(mut a: Vec<u8>) -> String {
    // ц written as т+с in Cyrillic (Братський) reads like Latin ts.
    let (mut w, mut i) = (0, 0);
    while i < a.len() {
        if a[i] == b't' && a.get(i + 1) == Some(&b's') {
            a[w] = b'c';
            i += 2;
        } else {
            a[w] = a[i];
            i += 1;
        }
        w += 1;
    }
    a.truncate(w);
    // Runs of i are one i (ії, ii, iy, ij).
    a.dedup_by(|x, y| *x == b'i' && *y == b'i');
    // An i next to another vowel is a glide or part of a iotated vowel: drop it.
    let is_v = |c: u8| matches!(c, b'a' | b'e' | b'o' | b'u');
    let n = a.len();
    let mut w = 0;
    let mut prev = 0u8;
    for k in 0..n {
        let c = a[k];
        let next = if k + 1 < n { a[k + 1] } else { 0 };
        let drop = c == b'i' && (is_v(prev) || is_v(next));
        prev = c;
        if !drop {
            a[w] = c;
            w += 1;
        }
    }
    a.truncate(w);
    a.dedup();
    String::from_utf8(a).unwrap_or_default()
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
        || matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{02B9}' | '\u{02BA}' | '\u{2032}' | '"' | '`' | '”')
}

fn is_latin_consonant(c: char) -> bool {
    c.is_ascii_alphabetic() && !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'j')
        || matches!(c, 'š' | 'ž' | 'č' | 'ŝ' | 'ğ')
}

pub(crate) fn is_cl_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Consonant skeleton of a CL string: vowels dropped, г/х merged, uppercase. Hyphens and spaces are kept
/// as `-` so that double surnames keep their parts.
pub(crate) fn skeleton(cl: &str) -> String {
    let mut s = String::with_capacity(cl.len());
    for &c in cl.as_bytes() {
        match c {
            b'a' | b'e' | b'i' | b'o' | b'u' => {}
            b'x' => s.push('G'),
            b'-' | b' ' => s.push('-'),
            c => s.push((c as char).to_ascii_uppercase()),
        }
    }
    s
}

fn vowel_class(c: u8) -> char {
    match c {
        b'a' | b'o' => 'A',
        b'u' => 'U',
        _ => 'E',
    }
}

/// The unfolded key: the skeleton, plus vowel information when the skeleton is short.
pub(crate) fn raw_key(cl: &str) -> String {
    // A name that starts with a vowel keeps that fact (Анатолій `ANTL` vs Наталія `NTL`): Ukrainian and
    // Russian forms of one name start alike (Олександр/Александр, Ірина/Ирина, Юрій/Yurii).
    let mut sk = String::with_capacity(cl.len() + 4);
    if cl.as_bytes().first().is_some_and(|&c| is_cl_vowel(c)) {
        sk.push('A');
    }
    sk.push_str(&skeleton(cl));
    let consonants = sk.bytes().filter(|c| *c != b'-' && *c != b'A').count();
    if consonants > 2 {
        return sk;
    }
    let bytes = cl.as_bytes();
    let first_v = bytes.iter().copied().find(|&c| is_cl_vowel(c)).map(vowel_class).unwrap_or('-');
    let ends_v = bytes.last().is_some_and(|&c| is_cl_vowel(c));
    sk.push('/');
    sk.push(first_v);
    sk.push(if ends_v { 'V' } else { 'C' });
    sk
}

/// CL with the vowel differences between Ukrainian and Russian forms of one surname folded: и/і/е/є -> e,
/// о after ж/ч/ш -> e (Чорних/Черных), `-ov`/`-ova` as `-ev`/`-eva` (Ковальов/Ковалев).
pub(crate) fn ukru_fold(cl: &str) -> String {
    let b = cl.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    for (k, &c) in b.iter().enumerate() {
        let prev = if k > 0 { b[k - 1] } else { 0 };
        let c = match c {
            b'i' => b'e',
            b'o' if matches!(prev, b'j' | b'q' | b'w') => b'e',
            c => c,
        };
        out.push(c);
    }
    let mut s = String::from_utf8(out).unwrap_or_default();
    for (from, to) in [("ova", "eva"), ("ov", "ev")] {
        if s.len() > from.len() + 2 && s.ends_with(from) {
            s.truncate(s.len() - from.len());
            s.push_str(to);
            break;
        }
    }
    s
}

/// Masculine/feminine surname endings in CL, longest first: (masculine, feminine).
#[cfg(test)]
const GENDER_PAIRS: [(&str, &str); 6] =
    [("ski", "ska"), ("cki", "cka"), ("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("i", "a")];

/// [`GENDER_PAIRS`] with each ending also as [`ukru_fold_suffix`] folds it (a test holds the two
/// together), so that comparing millions of pairs folds no ending.
const GENDER_PAIRS_FOLDED: [(&str, &str, &str, &str); 6] = [
    ("ski", "ska", "ske", "ska"),
    ("cki", "cka", "cke", "cka"),
    ("ov", "ova", "ov", "ova"),
    ("ev", "eva", "ev", "eva"),
    ("in", "ina", "en", "ena"),
    ("i", "a", "e", "a"),
];

/// If `a` and `b` are the masculine and feminine forms of one surname (in either order), the pair of
/// endings that shows it.
#[cfg(test)]
pub(crate) fn gender_pair(a: &str, b: &str) -> Option<(&'static str, &'static str)> {
    gender_pair_folded(&ukru_fold(a), &ukru_fold(b))
}

/// [`gender_pair`] of two canonical forms given already through [`ukru_fold`] (as a prepared name keeps
/// them).
pub(crate) fn gender_pair_folded(fa: &str, fb: &str) -> Option<(&'static str, &'static str)> {
    for (m, f, m2, f2) in GENDER_PAIRS_FOLDED {
        for (x, y) in [(fa, fb), (fb, fa)] {
            if x.len() > m2.len() + 1 && x.ends_with(m2) && y.ends_with(f2) {
                let sx = &x[..x.len() - m2.len()];
                let sy = &y[..y.len() - f2.len()];
                if sx == sy {
                    return Some((m, f));
                }
            }
        }
    }
    None
}

#[cfg(test)]
fn ukru_fold_suffix(s: &str) -> String {
    s.bytes().map(|c| if c == b'i' { 'e' } else { c as char }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cl(s: &str) -> String {
        canon_latin(&crate::normalize(s))
    }

    #[test]
    fn spellings_of_one_name_meet() {
        for group in [
            &["Юрій", "Yurii", "Iurii", "Yuriy", "Yury", "Jurij", "Ûrìj", "I͡uriĭ", "Юрий"][..],
            &["Щербак", "Shcherbak", "Scherbak", "Ŝerbak", "Ščerbak", "Shherbak"],
            &["Кузнецов", "Kuznetsov", "Kuznetcov", "Kuznecov", "Kuzneczov", "Kuznet͡sov"],
            &["Ковальчук", "Kovalchuk", "Koval'chuk", "Kovaljchuk", "Kovalʹčuk", "Koval′čuk"],
            &["Дар'я", "Daria", "Dar'ya", "Dar'ja", "Darja", "Dar'i͡a", "Дарья"],
            &["Олександр", "Oleksandr", "Olexandr"],
            &["Їжакевич", "Yizhakevych", "Izhakevych", "Jizhakevych", "Ïžakevič"],
            &["Григорій", "Hryhorii", "Grygorii", "Ghryghorij", "Ğryğorij", "Hryhoriĭ", "Grigorìj"],
        ] {
            let want = cl(group[0]);
            for s in group {
                assert_eq!(cl(s), want, "{s} vs {}", group[0]);
            }
        }
    }

    #[test]
    fn polish_german_and_french_spellings_meet_the_name() {
        for group in [
            &["Шевченко", "Szewczenko", "Schewtschenko", "Chevtchenko", "Shevchenko"][..],
            &["Ковальчук", "Kowalczuk", "Kovalchuk"],
            &["Панченко", "Panczenko", "Panchenko"],
            &["Лукашенко", "Łukaszenko", "Lukashenko"],
            &["Ковальчук", "Kovaltchouk", "Kowalczuk"],
            &["Михайлов", "Michailow", "Mikhailov"],
            &["Хрущов", "Khrouchtchov", "Chruszczow", "Chruschtschow", "Khrushchov"],
            &["Жуков", "Żukow", "Zhukov"],
            &["Щербаков", "Szczerbakow", "Schtscherbakow", "Chtcherbakov", "Shcherbakov"],
            &["Чорновол", "Czornowoł", "Tschornowol", "Tchornovol", "Chornovol"],
        ] {
            let want = cl(group[0]);
            for s in group {
                assert_eq!(cl(s), want, "{s} vs {}", group[0]);
            }
        }
        // Words without such marks read as the standards write them: GOST 7.79 B's cz in a word
        // with a v is ц, the 1996 Ukrainian standard's sch is щ, a w alone is в.
        assert_eq!(cl("Kuzneczov"), cl("Кузнецов"));
        assert_eq!(cl("Scherbak"), cl("Щербак"));
        assert_eq!(cl("Iwan"), cl("Іван"));
        assert_eq!(cl("Tchernenko"), cl("Черненко"));
        // Spellings of the standards that look French or German keep the standards' reading.
        assert_eq!(cl("Bilous"), cl("Білоус"));
        assert_eq!(cl("Chernousov"), cl("Черноусов"));
        let chetchuk: Vec<char> = "chetchuk".chars().collect();
        assert_eq!(reading(&chetchuk), Reading::Standard);
        assert_eq!(cl("Hrytschuk"), cl("Грицчук"));
        assert_eq!(reading(&['k', 'o', 'v', 'a', 'l', 'c', 'h', 'u', 'k']), Reading::Standard);
    }

    #[test]
    fn keys_of_short_names_keep_vowel_shape() {
        assert_ne!(raw_key(&cl("Олег")), raw_key(&cl("Ольга")));
        assert_ne!(raw_key(&cl("Анна")), raw_key(&cl("Інна")));
        assert_eq!(raw_key(&cl("Яків")), raw_key(&cl("Яков")));
        assert_eq!(skeleton(&cl("Tihonov")), skeleton(&cl("Тихонов")));
    }

    #[test]
    fn folded_gender_endings_are_the_folds_of_the_endings() {
        let want: Vec<(String, String, String, String)> = GENDER_PAIRS
            .iter()
            .map(|(m, f)| (m.to_string(), f.to_string(), ukru_fold_suffix(m), ukru_fold_suffix(f)))
            .collect();
        let got: Vec<(String, String, String, String)> = GENDER_PAIRS_FOLDED
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn gender_pairs() {
        assert_eq!(gender_pair(&cl("Андрєєв"), &cl("Андреева")), Some(("ev", "eva")));
        assert!(gender_pair(&cl("Ковалевський"), &cl("Ковалевская")).is_some());
        assert!(gender_pair(&cl("Білий"), &cl("Біла")).is_some());
        assert!(gender_pair(&cl("Шевченко"), &cl("Шевчук")).is_none());
    }
}
