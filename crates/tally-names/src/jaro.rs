//! Jaro-Winkler similarity as `strsim` computes it, without allocating: the comparator and record
//! linkage compute it for millions of pairs of short canonical (ASCII) forms.

/// `strsim::jaro_winkler`, to the bit: the allocation-free path for ASCII strings of up to 64 bytes
/// (every canonical Latin form of a real name), `strsim` itself for anything else.
#[inline]
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    jaro_winkler_ascii(a.as_bytes(), b.as_bytes())
}

/// `strsim::jaro_winkler` on ASCII bytes, step for step (same matching, same transposition
/// count, same floating-point expression), without its allocation, for strings of up to 64 bytes
/// (longer or non-ASCII ones go to `strsim`).
pub fn jaro_winkler_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.len() > 64 || b.len() > 64 || !a.is_ascii() || !b.is_ascii() {
        return strsim::jaro_winkler(&String::from_utf8_lossy(a), &String::from_utf8_lossy(b));
    }
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 || b_len == 0 {
        return if a_len == b_len { 1.0 } else { 0.0 };
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let min_bound = i.saturating_sub(search_range);
        let max_bound = b_len.min(i + search_range + 1);
        for (j, &cb) in b.iter().enumerate().take(max_bound).skip(min_bound) {
            if ca == cb && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1 << i) != 0 {
            while b_flags & (1 << j) == 0 {
                j += 1;
            }
            if ca != b[j] {
                transpositions += 1;
            }
            j += 1;
        }
    }
    transpositions /= 2;
    let sim = ((matches as f64 / a_len as f64)
        + (matches as f64 / b_len as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0;
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Equal to strsim's to the bit, on short ASCII strings over a small alphabet (many matches and
        /// transpositions), on long ones, and on non-ASCII ones.
        #[test]
        fn equals_strsim(a in "[a-fz]{0,12}", b in "[a-fz]{0,12}", long in "[ab]{60,70}", cyr in "[аб]{0,5}") {
            for (x, y) in [(&a, &b), (&b, &a), (&long, &a), (&a, &long), (&cyr, &a), (&long, &long)] {
                prop_assert_eq!(jaro_winkler(x, y).to_bits(), strsim::jaro_winkler(x, y).to_bits(), "{} / {}", x, y);
            }
        }
    }

    #[test]
    fn known_values() {
        for (x, y) in
            [("martha", "marhta"), ("shevchenko", "shevchenco"), ("", "a"), ("a", "a"), ("dixon", "dicksonx"), ("", "")]
        {
            assert_eq!(jaro_winkler(x, y).to_bits(), strsim::jaro_winkler(x, y).to_bits(), "{x} / {y}");
        }
    }
}
