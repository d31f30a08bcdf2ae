//! Comparison fields and their levels, and the packed integer comparison pattern.
//!
//! Every field compares to a small integer level; level 0 always means "missing on one side"
//! and contributes no evidence (weight 0), as in Fellegi-Sunter with missing-at-random values.
//! Nine fields at three bits each pack into one `u32` pattern, so that EM runs on counted
//! patterns (fastLink) instead of on pairs.

use serde::{Deserialize, Serialize};

/// Bits per field in a packed pattern.
pub const BITS: u32 = 3;
/// Number of comparison fields.
pub const NF: usize = 9;

/// The comparison fields, in pattern order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CmpField {
    Surname,
    GivenName,
    Patronymic,
    BirthDate,
    DeathDate,
    Place,
    Unit,
    Rank,
    Sex,
}

impl CmpField {
    pub const ALL: [CmpField; NF] = [
        CmpField::Surname,
        CmpField::GivenName,
        CmpField::Patronymic,
        CmpField::BirthDate,
        CmpField::DeathDate,
        CmpField::Place,
        CmpField::Unit,
        CmpField::Rank,
        CmpField::Sex,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CmpField::Surname => "surname",
            CmpField::GivenName => "given_name",
            CmpField::Patronymic => "patronymic",
            CmpField::BirthDate => "birth_date",
            CmpField::DeathDate => "death_date",
            CmpField::Place => "place",
            CmpField::Unit => "unit",
            CmpField::Rank => "rank",
            CmpField::Sex => "sex",
        }
    }

    /// Names of the levels, index = level; 0 is always "missing", the last always "different".
    pub fn level_names(self) -> &'static [&'static str] {
        match self {
            CmpField::Surname | CmpField::GivenName | CmpField::Patronymic => {
                &["missing", "exact", "equivalent", "close", "weak", "different"]
            }
            CmpField::BirthDate => {
                &["missing", "exact", "compatible", "day_month_swap", "near", "same_month", "different"]
            }
            CmpField::DeathDate => &["missing", "exact", "within_7_days", "within_60_days", "different"],
            CmpField::Place => &["missing", "settlement_and_region", "settlement", "region", "different"],
            // Ranks one grade apart: a promotion between two lists (often posthumous), or two
            // translators' renderings of one rank.
            CmpField::Rank => &["missing", "equal", "adjacent_grade", "different"],
            CmpField::Unit | CmpField::Sex => &["missing", "equal", "different"],
        }
    }

    pub fn n_levels(self) -> usize {
        self.level_names().len()
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Levels of a name comparison (surname, given name, patronymic).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum NameLevel {
    Missing = 0,
    /// The same string.
    Exact = 1,
    /// Equal after normalisation, under some transliteration, or Ukrainian/Russian equivalents.
    Equivalent = 2,
    /// Close by edit distance or Jaro-Winkler.
    Close = 3,
    /// Weak evidence: diminutive, initials consistent.
    Weak = 4,
    Different = 5,
}

/// A packed comparison pattern: field `f`'s level in bits `3f..3f+3`.
pub type Pattern = u32;

#[inline]
pub fn pack(levels: &[u8; NF]) -> Pattern {
    let mut p = 0u32;
    for (f, &l) in levels.iter().enumerate() {
        p |= u32::from(l) << (BITS * f as u32);
    }
    p
}

#[inline]
pub fn level(p: Pattern, f: usize) -> u8 {
    ((p >> (BITS * f as u32)) & ((1 << BITS) - 1)) as u8
}

pub fn unpack(p: Pattern) -> [u8; NF] {
    let mut out = [0u8; NF];
    for (f, o) in out.iter_mut().enumerate() {
        *o = level(p, f);
    }
    out
}

/// A date reduced to what comparison needs: the first and last day it may denote (days since
/// 1970), and the components the source gave. Precision is never invented (see `PartialDate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DateCode {
    pub lo: i32,
    pub hi: i32,
    pub year: i16,
    /// 0 = not given.
    pub month: u8,
    /// 0 = not given.
    pub day: u8,
    pub present: bool,
}

impl DateCode {
    pub fn from_partial(d: &tally_domain::PartialDate) -> DateCode {
        let (lo, hi) = d.day_span();
        DateCode {
            lo: lo as i32,
            hi: hi as i32,
            year: d.year_value() as i16,
            month: if d.precision() <= tally_domain::Precision::Month { d.month().unwrap_or(0) } else { 0 },
            day: if d.precision() == tally_domain::Precision::Day { d.day().unwrap_or(0) } else { 0 },
            present: true,
        }
    }

    pub fn is_day(&self) -> bool {
        self.present && self.day != 0
    }

    /// Gap in days between the two spans (0 when they overlap).
    fn gap(&self, o: &DateCode) -> i32 {
        if self.hi < o.lo {
            o.lo - self.hi
        } else if o.hi < self.lo {
            self.lo - o.hi
        } else {
            0
        }
    }
}

/// Birth dates, precision-aware: a year-only date agrees with any day of that year
/// ("compatible"); swapped day and month, one-off years and single-component slips are "near";
/// two days of one month and year are "same_month".
#[inline]
pub fn birth_level(a: &DateCode, b: &DateCode) -> u8 {
    if !a.present || !b.present {
        return 0;
    }
    if a.is_day() && b.is_day() {
        if a.lo == b.lo {
            return 1;
        }
        if a.year == b.year && a.day == b.month && a.month == b.day {
            return 3;
        }
        // One component slipped: a typed digit or two swapped digits in the day, month or year,
        // or a year off by one; the other two components agree.
        let near_num = |x: i32, y: i32, w: usize| digit_slip(x, y, w);
        let (ys, ms, ds) = (a.year == b.year, a.month == b.month, a.day == b.day);
        let slip = (ms && ds && ((a.year - b.year).abs() == 1 || near_num(a.year.into(), b.year.into(), 4)))
            || (ys && ds && near_num(a.month.into(), b.month.into(), 2))
            || (ys && ms && near_num(a.day.into(), b.day.into(), 2));
        // The day is the part of a date that relatives and clerks get wrong most often (a
        // date of registration, a guess), and few strangers were born in one month of one
        // year: a level of its own, not "different". Under "different", grey pairs with such
        // dates were matches 0.99 of the time at 0.35 predicted (sixty 100k worlds); as a
        // level, the 100k cross-script world trains m 0.0034 and u 0.0005 (+2.7 bits, where
        // "different" weighs -13.6).
        return if slip {
            4
        } else if ys && ms {
            BIRTH_SAME_MONTH
        } else {
            BIRTH_DIFFERENT
        };
    }
    let gap = a.gap(b);
    if gap == 0 {
        2
    } else if gap <= 366 {
        4
    } else {
        BIRTH_DIFFERENT
    }
}

/// The birth date's "same_month" level (two days of one month and year).
pub const BIRTH_SAME_MONTH: u8 = 5;

/// The birth date's "different" level.
pub const BIRTH_DIFFERENT: u8 = 6;

/// Whether two numbers written with `w` digits differ by one changed digit or by two adjacent
/// digits swapped (the common slips of typing and OCR).
fn digit_slip(x: i32, y: i32, w: usize) -> bool {
    let (a, b) = (format!("{x:0w$}"), format!("{y:0w$}"));
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    match diff.as_slice() {
        [_] => true,
        [i, j] => *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i],
        _ => false,
    }
}

/// Dates of death or disappearance: sources disagree by days (reported vs. occurred), so the
/// levels are bands of days between the spans.
#[inline]
pub fn death_level(a: &DateCode, b: &DateCode) -> u8 {
    if !a.present || !b.present {
        return 0;
    }
    if a.is_day() && b.is_day() && a.lo == b.lo {
        return 1;
    }
    match a.gap(b) {
        0..=7 => 2,
        8..=60 => 3,
        _ => 4,
    }
}

/// Whether two day-precise birth dates conflict outright (used by the chaining guard): they
/// differ and are not a plausible slip of one another. Two days of the same month and year are
/// not a conflict: the day is the part of a date that relatives and clerks get wrong most often,
/// and the comparison level ("same_month") weighs the disagreement; a person holding both is
/// still flagged for review (two day-precise birth dates).
pub fn birth_conflict(a: &DateCode, b: &DateCode) -> bool {
    a.is_day() && b.is_day() && birth_level(a, b) == BIRTH_DIFFERENT
}

/// Whether two birth dates of any precision are too far apart for one person (used by the
/// chaining guard): day-precise dates that [`birth_conflict`], or spans more than a year apart
/// (the comparison's "different" level: a year-only 1974 against 1980-05-01). Spans a year or
/// less apart are the off-by-one years that ages converted to years of birth produce.
pub fn birth_far(a: &DateCode, b: &DateCode) -> bool {
    if !a.present || !b.present {
        return false;
    }
    if a.is_day() && b.is_day() {
        return birth_conflict(a, b);
    }
    birth_level(a, b) == BIRTH_DIFFERENT
}

/// Days between two death dates' spans beyond which the chaining guard keeps two records apart.
/// It is the edge of the comparison's "different" level, whose m-probability EM finds near
/// zero: the model itself gives such a pair a veto, so a person must not acquire it through a
/// third record either.
pub const DEATH_TOLERANCE_DAYS: i32 = 60;

/// Whether two dates of death or disappearance are too far apart for one person (used by the
/// chaining guard): their spans lie more than [`DEATH_TOLERANCE_DAYS`] apart.
pub fn death_far(a: &DateCode, b: &DateCode) -> bool {
    a.present && b.present && a.gap(b) > DEATH_TOLERANCE_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;
    use tally_domain::PartialDate;

    fn dc(s: &str) -> DateCode {
        DateCode::from_partial(&PartialDate::parse_canonical(s).unwrap())
    }

    #[test]
    fn pattern_round_trip() {
        let l = [1, 2, 3, 4, 5, 4, 2, 1, 0];
        assert_eq!(unpack(pack(&l)), l);
    }

    #[test]
    fn birth_levels() {
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1990-03-04")), 1);
        assert_eq!(birth_level(&dc("1990"), &dc("1990-03-04")), 2, "year-only agrees with any day in it");
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1990-04-03")), 3, "day/month swap");
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1991-03-04")), 4, "off-by-one year");
        assert_eq!(birth_level(&dc("1990"), &dc("1991")), 4);
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1985-07-09")), BIRTH_DIFFERENT);
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1990-03-25")), BIRTH_SAME_MONTH, "another day of the month");
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1990-03-14")), 4, "one digit of the day");
        assert_eq!(birth_level(&dc("1990-03-04"), &dc("1990-07-19")), BIRTH_DIFFERENT, "another month and day");
        assert_eq!(birth_level(&dc("~1989..1990"), &dc("1990-07-09")), 2);
        assert_eq!(birth_level(&DateCode::default(), &dc("1990")), 0);
    }

    #[test]
    fn birth_conflicts() {
        assert!(birth_conflict(&dc("1990-03-04"), &dc("1985-07-09")));
        assert!(birth_conflict(&dc("1990-03-04"), &dc("1990-07-19")), "another month");
        assert!(!birth_conflict(&dc("1990-03-04"), &dc("1990-03-25")), "same month: a wrong day");
        assert!(!birth_conflict(&dc("1990-03-04"), &dc("1990-04-03")), "day/month swap");
        assert!(!birth_conflict(&dc("1990"), &dc("1985-07-09")), "not day-precise");
    }

    #[test]
    fn far_dates() {
        assert!(birth_far(&dc("1974"), &dc("1980-05-01")), "years apart, one year-only");
        assert!(!birth_far(&dc("1979"), &dc("1980-05-01")), "off by one year");
        assert!(!birth_far(&dc("1990-03-04"), &dc("1990-03-25")), "day-precise: the birth_conflict rule");
        assert!(birth_far(&dc("1990-03-04"), &dc("1985-07-09")));
        assert!(!birth_far(&DateCode::default(), &dc("1985")));
        assert!(death_far(&dc("2023-03-04"), &dc("2023-06-20")));
        assert!(!death_far(&dc("2023-03-04"), &dc("2023-04-20")), "within the tolerance");
        assert!(!death_far(&dc("2023"), &dc("2023-11-20")), "a year-only date spans the other");
        assert!(!death_far(&dc("2023-03-04"), &DateCode::default()));
    }

    #[test]
    fn death_levels() {
        assert_eq!(death_level(&dc("2023-03-04"), &dc("2023-03-04")), 1);
        assert_eq!(death_level(&dc("2023-03-04"), &dc("2023-03-09")), 2);
        assert_eq!(death_level(&dc("2023-03"), &dc("2023-03-09")), 2);
        assert_eq!(death_level(&dc("2023-03-04"), &dc("2023-04-20")), 3);
        assert_eq!(death_level(&dc("2023-03-04"), &dc("2024-03-04")), 4);
    }
}
