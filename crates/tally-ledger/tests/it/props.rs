//! Property tests: every leaf's inclusion proof verifies, consistency holds across appends, and
//! any change to a proof or its parameters (flipped bit, index +-1, doubled or halved size,
//! truncated or extended proof) fails. Sizes are sampled up to 2^16; set TALLY_SLOW=1 for more
//! cases.

use proptest::prelude::*;
use tally_ledger::merkle::{
    append_hashes, leaf_hash, verify_consistency, verify_inclusion, Hash, MemoryTree, RootBuilder,
};

fn cases(fast: u32) -> u32 {
    if std::env::var_os("TALLY_SLOW").is_some() {
        fast * 20
    } else {
        fast
    }
}

fn tree(size: u64) -> MemoryTree {
    let mut t = MemoryTree::new();
    for i in 0..size {
        t.push(&i.to_le_bytes());
    }
    t
}

fn flip(p: &[Hash], i: usize, bit: u8) -> Vec<Hash> {
    let mut q = p.to_vec();
    q[i].0[(bit / 8) as usize] ^= 1 << (bit % 8);
    q
}

proptest! {
    #![proptest_config(ProptestConfig { rng_seed: proptest::test_runner::RngSeed::Fixed(20261127), cases: cases(24), ..ProptestConfig::default() })]

    /// Random sizes up to 2^16: sampled leaves (always the first, last and a few random ones)
    /// verify, and every mutation fails.
    #[test]
    fn inclusion_verifies_and_mutations_fail(size in 1u64..=(1 << 16), picks in prop::collection::vec(any::<u64>(), 4), bit in 0u8..=255) {
        let t = tree(size);
        let root = t.root();
        let mut idx: Vec<u64> = picks.iter().map(|p| p % size).collect();
        idx.extend([0, size - 1]);
        for i in idx {
            let leaf = leaf_hash(&i.to_le_bytes());
            let p = t.inclusion_proof(i).unwrap();
            prop_assert!(verify_inclusion(&p, size, root, i, leaf).is_ok());
            for (j, _) in p.iter().enumerate() {
                prop_assert!(verify_inclusion(&flip(&p, j, bit), size, root, i, leaf).is_err());
            }
            prop_assert!(verify_inclusion(&p, size, root, i + 1, leaf).is_err());
            if i > 0 {
                prop_assert!(verify_inclusion(&p, size, root, i - 1, leaf).is_err());
            }
            prop_assert!(verify_inclusion(&p, size * 2, root, i, leaf).is_err());
            if size > 1 {
                prop_assert!(verify_inclusion(&p, size / 2, root, i, leaf).is_err());
            }
            if !p.is_empty() {
                prop_assert!(verify_inclusion(&p[..p.len() - 1], size, root, i, leaf).is_err());
            }
            let mut ext = p.clone();
            ext.push(root);
            prop_assert!(verify_inclusion(&ext, size, root, i, leaf).is_err());
            prop_assert!(verify_inclusion(&p, size, root, i, leaf_hash(b"other")).is_err());
        }
    }

    /// Grow a tree in random batches; every old size is consistent with every later one, and
    /// mutations of the proof or sizes fail.
    #[test]
    fn consistency_across_appends(batches in prop::collection::vec(1u64..3000, 1..8), bit in 0u8..=255) {
        let mut t = MemoryTree::new();
        let mut sizes = vec![];
        let mut roots = vec![];
        let mut n = 0u64;
        for b in batches {
            let leaves: Vec<Hash> = (n..n + b).map(|i| leaf_hash(&i.to_le_bytes())).collect();
            t.extend_hashes(&leaves);
            n += b;
            sizes.push(n);
            roots.push(t.root());
        }
        // Batch appends give the same tree as one-at-a-time appends.
        prop_assert_eq!(t.root(), tree(n).root());
        for (a, (&m, &rm)) in sizes.iter().zip(&roots).enumerate() {
            for (&k, &rk) in sizes[a..].iter().zip(&roots[a..]) {
                let p = t.consistency_proof(m, k).unwrap();
                prop_assert!(verify_consistency(&p, m, rm, k, rk).is_ok());
                for j in 0..p.len() {
                    prop_assert!(verify_consistency(&flip(&p, j, bit), m, rm, k, rk).is_err());
                }
                if m < k {
                    prop_assert!(verify_consistency(&p, m + 1, rm, k, rk).is_err());
                    prop_assert!(verify_consistency(&p, m, rm, k * 2, rk).is_err());
                    prop_assert!(verify_consistency(&p, m - 1, rm, k, rk).is_err());
                    prop_assert!(verify_consistency(&p[..p.len() - 1], m, rm, k, rk).is_err());
                    prop_assert!(verify_consistency(&p, m, rk, k, rm).is_err());
                }
                let mut ext = p.clone();
                ext.push(rk);
                prop_assert!(verify_consistency(&ext, m, rm, k, rk).is_err());
            }
        }
    }

    /// The streaming root equals the stored-hash root for every size.
    #[test]
    fn streaming_root_matches(size in 0u64..5000) {
        let mut rb = RootBuilder::new();
        let mut t = MemoryTree::new();
        for i in 0..size {
            let l = leaf_hash(&i.to_le_bytes());
            rb.push(l);
            t.push_hash(l);
        }
        prop_assert_eq!(rb.root(), t.root());
    }
}

#[test]
fn every_leaf_of_small_trees() {
    // Exhaustive for all sizes up to 130: every leaf of every tree.
    for size in 1..=130u64 {
        let t = tree(size);
        let root = t.root();
        for i in 0..size {
            let p = t.inclusion_proof(i).unwrap();
            verify_inclusion(&p, size, root, i, leaf_hash(&i.to_le_bytes())).unwrap();
            if size > 1 {
                assert!(verify_inclusion(&p, size, root, (i + 1) % size, leaf_hash(&i.to_le_bytes())).is_err());
            }
        }
        for m in 1..=size {
            let p = t.consistency_proof(m, size).unwrap();
            verify_consistency(&p, m, t.root_at(m).unwrap(), size, root).unwrap();
        }
    }
}

#[test]
fn every_leaf_at_two_to_the_sixteen() {
    // The full 2^16 tree: every leaf's proof verifies (about a second in debug builds).
    let size = 1u64 << 16;
    let t = tree(size);
    let root = t.root();
    for i in 0..size {
        verify_inclusion(&t.inclusion_proof(i).unwrap(), size, root, i, leaf_hash(&i.to_le_bytes())).unwrap();
    }
}

#[test]
fn append_hashes_reads_only_the_right_edge() {
    // A batch over an existing tree equals pushing one by one.
    let mut a = tree(1000);
    let b = tree(1000);
    let new: Vec<Hash> = (1000..1777u64).map(|i| leaf_hash(&i.to_le_bytes())).collect();
    let extra = append_hashes(1000, &new, &b).unwrap();
    a.extend_hashes(&new);
    assert_eq!(a.root(), tree(1777).root());
    assert_eq!(
        extra.len() as u64,
        tally_ledger::merkle::stored_hash_count(1777) - tally_ledger::merkle::stored_hash_count(1000)
    );
}

#[test]
fn consistency_from_zero_is_refused() {
    // Policy (vectors.json edge case): no consistency proof from size 0, as transparency-dev.
    let t = tree(3);
    assert!(t.consistency_proof(0, 3).is_err());
    assert!(verify_consistency(&[], 0, tally_ledger::merkle::EMPTY_HASH, 3, t.root()).is_err());
}
