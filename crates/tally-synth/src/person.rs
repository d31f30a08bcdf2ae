//! The true persons of a world and what happened to them.
//!
//! A person is a set of small table indices (names, place, unit, rank) plus a history of
//! events. Later work (exchanges, DNA) extends the history and adds fields here; sources only
//! read persons, so new fields do not disturb existing sources.

use crate::data::{Side, Tables, OFFICER_FROM, RANK_WEIGHTS, SERVICES, UNITS};
use crate::rng::{chance, normal, pick, stream, Weighted};
use rand::Rng;
use tally_domain::{Sex, Status};

/// A calendar day (always day-precise: the truth knows the exact day; sources coarsen it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ymd {
    pub y: i32,
    pub m: u8,
    pub d: u8,
}

impl Ymd {
    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        tally_domain::days_from_civil(self.y, self.m, self.d)
    }

    /// The day `n` days after 1970-01-01.
    pub fn from_days(n: i64) -> Ymd {
        let (y, m, d) = tally_domain::civil_from_days(n);
        Ymd { y, m, d }
    }

    /// Whole years from `self` (a birth date) to `at`.
    pub fn age_at(self, at: Ymd) -> i32 {
        let mut a = at.y - self.y;
        if (at.m, at.d) < (self.m, self.d) {
            a -= 1;
        }
        a
    }
}

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// One thing that happened to a person: `date` is when it happened (death, disappearance,
/// capture, release), `known` when it became known (a death confirmed months after a
/// disappearance keeps the day of disappearance as its date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub status: Status,
    pub date: Ymd,
    pub known: Ymd,
}

/// A true person.
#[derive(Debug, Clone)]
pub struct Person {
    /// 1-based; the truth's `person_id` is `P{id}`.
    pub id: u32,
    pub side: Side,
    pub sex: Sex,
    /// Index into the surname table (male lemma; the female form is derived).
    pub surname: u32,
    /// Index into the given-name table.
    pub given: u16,
    /// The father's given name (index), from which the patronymic is formed.
    pub father: u16,
    pub birth: Ymd,
    pub region: u16,
    pub settlement: u8,
    pub unit: u16,
    /// Index into `data::RANKS`.
    pub rank: u8,
    /// Index into `data::SERVICES[side]`.
    pub service: u8,
    /// How much public attention the person draws (mean about 1): obituaries and the press both
    /// favour the visible, which makes their coverage positively dependent.
    pub visibility: f32,
    /// The history, oldest first; never empty.
    pub events: Vec<Event>,
}

impl Person {
    pub fn person_id(&self) -> String {
        format!("P{}", self.id)
    }
    pub fn is_officer(&self) -> bool {
        self.rank >= OFFICER_FROM
    }
    pub fn female(&self) -> bool {
        self.sex == Sex::Female
    }
    /// The first event with this status.
    pub fn event(&self, s: Status) -> Option<&Event> {
        self.events.iter().find(|e| e.status == s)
    }
    pub fn first(&self) -> &Event {
        &self.events[0]
    }
    pub fn last(&self) -> &Event {
        &self.events[self.events.len() - 1]
    }
}

/// First and last day any event may fall on: the full-scale invasion to the world's "today".
pub const WAR_START: Ymd = Ymd { y: 2022, m: 2, d: 24 };
pub const WORLD_TODAY: Ymd = Ymd { y: 2026, m: 11, d: 20 };

/// Relative intensity of losses per month since February 2022 for each side (rough shape of the
/// public named-loss tallies: heavy 2022 spring for Ukraine, Russian losses rising into 2024-25).
fn month_weight(side: Side, y: i32, m: u8) -> u32 {
    let t = (y - 2022) * 12 + i32::from(m) - 2; // 0 = Feb 2022
    match side {
        Side::Ua => match t {
            0 => 3,
            1..=4 => 10,
            5..=10 => 7,
            11..=15 => 9,
            16..=34 => 6,
            35..=46 => 5,
            _ => 4,
        },
        Side::Ru => match t {
            0 => 2,
            1..=4 => 6,
            5..=10 => 5,
            11..=15 => 9,
            16..=22 => 7,
            23..=40 => 10,
            _ => 9,
        },
    }
}

struct EventDates {
    months: [Vec<(i32, u8)>; 2],
    dist: [Weighted; 2],
}

impl EventDates {
    fn new() -> EventDates {
        let mut months = Vec::new();
        let (mut y, mut m) = (2022, 2u8);
        while (y, m) <= (WORLD_TODAY.y, WORLD_TODAY.m) {
            months.push((y, m));
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
        let dist = [Side::Ua, Side::Ru].map(|s| {
            let w: Vec<(usize, u32)> =
                months.iter().enumerate().map(|(i, &(y, m))| (i, month_weight(s, y, m))).collect();
            Weighted::new(&w)
        });
        EventDates { months: [months.clone(), months], dist }
    }

    fn sample(&self, side: Side, rng: &mut impl Rng) -> Ymd {
        let i = self.dist[side as usize].sample(rng);
        let (y, m) = self.months[side as usize][i];
        let first = if (y, m) == (2022, 2) { 24 } else { 1 };
        let last = if (y, m) == (WORLD_TODAY.y, WORLD_TODAY.m) { WORLD_TODAY.d } else { days_in(y, m) };
        Ymd { y, m, d: rng.gen_range(first..=last) }
    }
}

pub(crate) fn days_in(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn later(rng: &mut impl Rng, from: Ymd, min_days: i64, max_days: i64) -> Ymd {
    let d = from.days() + rng.gen_range(min_days..=max_days);
    Ymd::from_days(d.min(WORLD_TODAY.days()))
}

/// Generate `n` persons. `ua_share` is the share of Ukrainian servicemen. `tick` is called
/// with the number of persons made so far, every 65,536 persons.
pub fn generate(t: &Tables, n: usize, seed: u64, ua_share: f64, tick: &mut dyn FnMut(usize)) -> Vec<Person> {
    // Persons come in chunks, each from its own stream, so chunks can be made on all cores and
    // the world still depends on nothing but the seed.
    let chunks = n.div_ceil(CHUNK);
    let workers = std::thread::available_parallelism().map(|x| x.get()).unwrap_or(1).clamp(1, 8).min(chunks.max(1));
    let dates = EventDates::new();
    let mut parts: Vec<Vec<Person>> = (0..chunks).map(|_| Vec::new()).collect();
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let dates = &dates;
                sc.spawn(move || {
                    (w..chunks)
                        .step_by(workers)
                        .map(|c| {
                            let lo = c * CHUNK;
                            let hi = (lo + CHUNK).min(n);
                            (c, chunk(t, dates, lo, hi, seed, ua_share))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            for (c, ps) in h.join().expect("a person thread panicked") {
                parts[c] = ps;
            }
            tick(parts.iter().map(Vec::len).sum());
        }
    });
    let mut out = Vec::with_capacity(n);
    for p in parts {
        out.extend(p);
    }
    tick(n);
    out
}

/// Persons per random stream.
const CHUNK: usize = 65_536;

/// Persons `lo..hi` (0-based), from the stream of their chunk.
fn chunk(t: &Tables, dates: &EventDates, lo: usize, hi: usize, seed: u64, ua_share: f64) -> Vec<Person> {
    let mut rng = stream(seed, &format!("persons:{}", lo / CHUNK));
    let ranks: Vec<(u8, u32)> = RANK_WEIGHTS.iter().enumerate().map(|(i, &w)| (i as u8, w)).collect();
    let services: [Vec<(u8, u32)>; 2] =
        [0, 1].map(|s| SERVICES[s].iter().enumerate().map(|(i, x)| (i as u8, x.3)).collect());
    let mut out = Vec::with_capacity(hi - lo);
    for i in lo..hi {
        let side = if chance(&mut rng, ua_share) { Side::Ua } else { Side::Ru };
        let si = side as usize;
        let female = chance(&mut rng, if side == Side::Ua { 0.04 } else { 0.015 });
        let sex = if female { Sex::Female } else { Sex::Male };
        let given = t.given_dist[si][usize::from(female)].sample(&mut rng) as u16;
        let father = t.given_dist[si][0].sample(&mut rng) as u16;
        let surname = t.surname_dist[si].sample(&mut rng) as u32;
        debug_assert_eq!(t.given[usize::from(given)].female, female);
        let region = t.region_dist[si].sample(&mut rng);
        debug_assert_eq!(t.regions[region].side, side);
        let ns = t.regions[region].settlements.len();
        let settlement = if ns == 1 || chance(&mut rng, 0.4) { 0 } else { rng.gen_range(1..ns) as u8 };
        let service = pick(&mut rng, &services[si]);
        let units = UNITS[si];
        let unit = rng.gen_range(0..units.len()) as u16;
        let rank = if female { pick(&mut rng, &ranks[..8]) } else { pick(&mut rng, &ranks) };

        // What happened, and when.
        let d0 = dates.sample(side, &mut rng);
        let r: f64 = rng.gen();
        let (p_killed, p_missing) = if side == Side::Ua { (0.62, 0.25) } else { (0.82, 0.10) };
        let mut events = Vec::with_capacity(2);
        if r < p_killed {
            events.push(Event { status: Status::Killed, date: d0, known: later(&mut rng, d0, 1, 45) });
        } else if r < p_killed + p_missing {
            events.push(Event { status: Status::Missing, date: d0, known: later(&mut rng, d0, 1, 20) });
            let r2: f64 = rng.gen();
            if r2 < 0.35 {
                // Found dead: the death is dated to the disappearance, confirmed later.
                let known = later(&mut rng, d0, 60, 540);
                if known > d0 {
                    events.push(Event { status: Status::Killed, date: d0, known });
                }
            } else if r2 < 0.55 {
                let known = later(&mut rng, d0, 30, 300);
                if known > d0 {
                    events.push(Event { status: Status::Prisoner, date: d0, known });
                }
            }
        } else {
            events.push(Event { status: Status::Prisoner, date: d0, known: later(&mut rng, d0, 3, 60) });
        }
        if let Some(cap) = events.iter().find(|e| e.status == Status::Prisoner).copied() {
            if chance(&mut rng, if side == Side::Ua { 0.45 } else { 0.40 }) {
                // A release that would fall after the world's today has not happened yet.
                let rel = cap.known.days() + rng.gen_range(30..=900);
                if rel <= WORLD_TODAY.days() {
                    let rel = Ymd::from_days(rel);
                    events.push(Event { status: Status::Released, date: rel, known: rel });
                }
            }
        }

        // Age at the first event: Ukrainian soldiers are older on average (mobilisation of
        // men up to 60), Russian ones younger.
        let (mean, sd, lo, hi) = if side == Side::Ua { (37.0, 9.0, 18.0, 62.0) } else { (33.0, 8.5, 18.0, 60.0) };
        let age = (mean + sd * normal(&mut rng)).clamp(lo, hi);
        let birth_days = d0.days() - (age * 365.25) as i64 - rng.gen_range(0..365);
        let birth = Ymd::from_days(birth_days);

        let mut visibility = (0.6 * normal(&mut rng) - 0.18).exp() as f32;
        if rank >= OFFICER_FROM {
            visibility *= 1.6;
        }
        out.push(Person {
            id: (i + 1) as u32,
            side,
            sex,
            surname,
            given,
            father,
            birth,
            region: region as u16,
            settlement,
            unit,
            rank,
            service,
            visibility,
            events,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for n in [-1000i64, 0, 11017, 19_000, 20_500] {
            assert_eq!(Ymd::from_days(n).days(), n);
        }
        assert_eq!(Ymd::from_days(0), Ymd { y: 1970, m: 1, d: 1 });
    }

    #[test]
    fn ages() {
        let b = Ymd { y: 1990, m: 6, d: 15 };
        assert_eq!(b.age_at(Ymd { y: 2023, m: 6, d: 14 }), 32);
        assert_eq!(b.age_at(Ymd { y: 2023, m: 6, d: 15 }), 33);
    }

    #[test]
    fn events_lie_in_the_war() {
        let t = Tables::load();
        let ps = generate(&t, 5000, 7, 0.5, &mut |_| {});
        for p in &ps {
            for e in &p.events {
                assert!(e.date >= WAR_START && e.date <= WORLD_TODAY, "{e:?}");
                assert!(e.known >= e.date && e.known <= WORLD_TODAY, "{e:?}");
            }
            let age = p.birth.age_at(p.first().date);
            assert!((17..=63).contains(&age), "{age}");
        }
    }
}
