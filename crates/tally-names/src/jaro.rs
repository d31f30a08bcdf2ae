//! Jaro-Winkler similarity as `strsim` computes it, without allocating: the comparator and record
//! linkage compute it for millions of pairs of short canonical (ASCII) forms.

/// `strsim::jaro_winkler`, to the bit: the allocation-free path for ASCII strings of up to 64 bytes
/// (every canonical Latin form of a real name), `strsim` itself for anything else.
#[inline]
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    jaro_winkler_ascii(a.as_bytes(), b.as_bytes())
}

/// `strsim::jaro_winkler` on ASCII bytes (the same greedy matching, transposition count and
/// floating-point expression), without its allocation and with bit sets for its scans, for strings
/// of up to 64 bytes
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
    // Bit-parallel: `pos[c]` holds the positions of byte c in b, so the first unmatched b position
    // in a's window with a's byte (what strsim's inner loop finds by scanning) is the lowest set bit
    // of one AND.
    let mut pos = [0u64; 128];
    for (j, &c) in b.iter().enumerate() {
        pos[c as usize] |= 1 << j;
    }
    let below = |n: usize| if n >= 64 { !0u64 } else { (1u64 << n) - 1 };
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(search_range);
        let hi = b_len.min(i + search_range + 1);
        if lo >= hi {
            continue;
        }
        let cand = pos[ca as usize] & !b_flags & below(hi) & !below(lo);
        if cand != 0 {
            b_flags |= 1 << cand.trailing_zeros();
            a_flags |= 1 << i;
            matches += 1;
        }
    }
    if matches == 0 {
        return 0.0;
    }
    // Matched characters of a and of b, each in order, paired off.
    let mut transpositions = 0usize;
    let (mut fa, mut fb) = (a_flags, b_flags);
    while fa != 0 {
        let (i, j) = (fa.trailing_zeros() as usize, fb.trailing_zeros() as usize);
        if a[i] != b[j] {
            transpositions += 1;
        }
        fa &= fa - 1;
        fb &= fb - 1;
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
        #![proptest_config(proptest::prelude::ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), ..proptest::prelude::ProptestConfig::default() })]
        /// Equal to strsim's to the bit, on short ASCII strings over a small alphabet (many matches and
        /// transpositions), on long ones, and on non-ASCII ones.
        #[test]
        fn equals_strsim(a in "[a-fz]{0,12}", b in "[a-fz]{0,12}", c in "[a-c-]{50,64}", long in "[ab]{60,70}", cyr in "[аб]{0,5}") {
            for (x, y) in [(&a, &b), (&b, &a), (&c, &a), (&a, &c), (&c, &c), (&long, &a), (&a, &long), (&cyr, &a), (&long, &long)] {
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
