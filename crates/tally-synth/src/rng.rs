//! Seeded randomness: every stream is a ChaCha8 generator keyed by the world seed and a stream
//! label, so a world is a pure function of its seed, and each source can be rendered on its own
//! thread without changing a byte.

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub type Stream = ChaCha8Rng;

/// A generator for one named stream of the world with seed `seed`.
pub fn stream(seed: u64, label: &str) -> Stream {
    // FNV-1a over the label, mixed with the seed by SplitMix64: distinct labels give unrelated
    // streams, and the mapping is fixed forever (the bytes of a world depend on it).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let mut z = seed ^ h;
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    ChaCha8Rng::seed_from_u64(z)
}

/// A discrete distribution over items by integer weights (integer, so sampling is exact and
/// portable).
#[derive(Debug, Clone)]
pub struct Weighted {
    items: Vec<usize>,
    cumulative: Vec<u64>,
}

impl Weighted {
    pub fn new(pairs: &[(usize, u32)]) -> Weighted {
        let mut items = Vec::with_capacity(pairs.len());
        let mut cumulative = Vec::with_capacity(pairs.len());
        let mut total = 0u64;
        for &(i, w) in pairs {
            if w == 0 {
                continue;
            }
            total += u64::from(w);
            items.push(i);
            cumulative.push(total);
        }
        assert!(total > 0, "a weighted table needs a positive weight");
        Weighted { items, cumulative }
    }

    pub fn sample(&self, rng: &mut impl RngCore) -> usize {
        let total = *self.cumulative.last().expect("non-empty");
        let x = rng.gen_range(0..total);
        let pos = self.cumulative.partition_point(|&c| c <= x);
        self.items[pos]
    }
}

/// True with probability `p` (clamped to 0..=1).
pub fn chance(rng: &mut impl RngCore, p: f64) -> bool {
    if p <= 0.0 {
        return false;
    }
    if p >= 1.0 {
        return true;
    }
    rng.gen::<f64>() < p
}

/// A standard normal draw (Box-Muller; rand 0.8 has no normal distribution without rand_distr).
pub fn normal(rng: &mut impl RngCore) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Pick one of `options` by weight.
pub fn pick<T: Copy>(rng: &mut impl RngCore, options: &[(T, u32)]) -> T {
    let total: u32 = options.iter().map(|o| o.1).sum();
    let mut x = rng.gen_range(0..total);
    for &(v, w) in options {
        if x < w {
            return v;
        }
        x -= w;
    }
    options[options.len() - 1].0
}
