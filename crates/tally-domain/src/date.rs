use std::fmt;

/// How much of a date the source actually gave. Ordered from most to least precise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    Day,
    Month,
    Year,
    /// Derived from a stated age ("25 років") and a reference date: the year is uncertain by one.
    AgeDerived,
    /// Only a range of years is known ("1990-1992").
    Range,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
            Precision::AgeDerived => "age_derived",
            Precision::Range => "range",
        }
    }

    pub fn parse(s: &str) -> Option<Precision> {
        Some(match s {
            "day" => Precision::Day,
            "month" => Precision::Month,
            "year" => Precision::Year,
            "age_derived" | "age-derived" | "age" => Precision::AgeDerived,
            "range" => Precision::Range,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("month {0} is out of range 1..=12")]
    Month(u8),
    #[error("day {day} does not exist in {year:04}-{month:02}")]
    Day { year: i32, month: u8, day: u8 },
    #[error("year {0} is out of range 1800..=2100")]
    Year(i32),
    #[error("range {0}..{1} is empty")]
    EmptyRange(i32, i32),
    #[error("cannot read {0:?} as a date")]
    Syntax(String),
}

/// A calendar date known only as precisely as its source stated it.
///
/// Invariant: the fields beyond the precision are absent. A `Year` date has no month, a
/// `Month` date no day; nothing in Tally invents them. Age-derived dates keep the two
/// candidate birth years as a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
    /// For `Range` and `AgeDerived`: the last year of the range (inclusive). `year` is the first.
    year_to: Option<i32>,
    precision: Precision,
}

fn check_year(y: i32) -> Result<(), DateError> {
    if (1800..=2100).contains(&y) {
        Ok(())
    } else {
        Err(DateError::Year(y))
    }
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl PartialDate {
    pub fn ymd(year: i32, month: u8, day: u8) -> Result<PartialDate, DateError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::Day { year, month, day });
        }
        Ok(PartialDate { year, month: Some(month), day: Some(day), year_to: None, precision: Precision::Day })
    }

    pub fn ym(year: i32, month: u8) -> Result<PartialDate, DateError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        Ok(PartialDate { year, month: Some(month), day: None, year_to: None, precision: Precision::Month })
    }

    /// A year-only date. Panics never: out-of-range years are clamped by `try_year`.
    pub fn year(year: i32) -> PartialDate {
        PartialDate { year, month: None, day: None, year_to: None, precision: Precision::Year }
    }

    pub fn try_year(year: i32) -> Result<PartialDate, DateError> {
        check_year(year)?;
        Ok(PartialDate::year(year))
    }

    /// A range of years, inclusive.
    pub fn range(from: i32, to: i32) -> Result<PartialDate, DateError> {
        check_year(from)?;
        check_year(to)?;
        if to < from {
            return Err(DateError::EmptyRange(from, to));
        }
        Ok(PartialDate { year: from, month: None, day: None, year_to: Some(to), precision: Precision::Range })
    }

    /// A birth year derived from an age stated at a reference year: someone aged `age` in
    /// `ref_year` was born in `ref_year - age - 1` or `ref_year - age`.
    pub fn from_age(age: u16, ref_year: i32) -> Result<PartialDate, DateError> {
        let to = ref_year - i32::from(age);
        check_year(to - 1)?;
        Ok(PartialDate { year: to - 1, month: None, day: None, year_to: Some(to), precision: Precision::AgeDerived })
    }

    pub fn precision(&self) -> Precision {
        self.precision
    }
    pub fn year_value(&self) -> i32 {
        self.year
    }
    pub fn month(&self) -> Option<u8> {
        self.month
    }
    pub fn day(&self) -> Option<u8> {
        self.day
    }
    /// First and last year this date may fall in.
    pub fn year_span(&self) -> (i32, i32) {
        (self.year, self.year_to.unwrap_or(self.year))
    }

    /// Days since 1970-01-01 of the first and last day this date may denote.
    pub fn day_span(&self) -> (i64, i64) {
        let (y0, y1) = self.year_span();
        match (self.month, self.day) {
            (Some(m), Some(d)) => {
                let n = days_from_civil(self.year, m, d);
                (n, n)
            }
            (Some(m), None) => {
                (days_from_civil(self.year, m, 1), days_from_civil(self.year, m, days_in_month(self.year, m)))
            }
            _ => (days_from_civil(y0, 1, 1), days_from_civil(y1, 12, 31)),
        }
    }

    /// Whether every day `other` may denote is also a day `self` may denote.
    pub fn contains(&self, other: PartialDate) -> bool {
        let (a0, a1) = self.day_span();
        let (b0, b1) = other.day_span();
        a0 <= b0 && b1 <= a1
    }

    /// Whether the two dates may denote the same day.
    pub fn compatible(&self, other: PartialDate) -> bool {
        let (a0, a1) = self.day_span();
        let (b0, b1) = other.day_span();
        a0 <= b1 && b0 <= a1
    }

    /// Parse the canonical text form written by `Display` (`1996-01-05`, `1996-01`, `1996`,
    /// `1990..1992`, `~1995..1996` for age-derived).
    pub fn parse_canonical(s: &str) -> Result<PartialDate, DateError> {
        let err = || DateError::Syntax(s.to_string());
        let num = |t: &str| t.parse::<i32>().map_err(|_| err());
        if let Some(rest) = s.strip_prefix('~') {
            let (a, b) = rest.split_once("..").ok_or_else(err)?;
            let (a, b) = (num(a)?, num(b)?);
            check_year(a)?;
            check_year(b)?;
            return Ok(PartialDate {
                year: a,
                month: None,
                day: None,
                year_to: Some(b),
                precision: Precision::AgeDerived,
            });
        }
        if let Some((a, b)) = s.split_once("..") {
            return PartialDate::range(num(a)?, num(b)?);
        }
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] => PartialDate::try_year(num(y)?),
            [y, m] => PartialDate::ym(num(y)?, num(m)? as u8),
            [y, m, d] => PartialDate::ymd(num(y)?, num(m)? as u8, num(d)? as u8),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Day => write!(f, "{:04}-{:02}-{:02}", self.year, self.month.unwrap_or(0), self.day.unwrap_or(0)),
            Precision::Month => write!(f, "{:04}-{:02}", self.year, self.month.unwrap_or(0)),
            Precision::Year => write!(f, "{:04}", self.year),
            Precision::Range => write!(f, "{:04}..{:04}", self.year, self.year_to.unwrap_or(self.year)),
            Precision::AgeDerived => write!(f, "~{:04}..{:04}", self.year, self.year_to.unwrap_or(self.year)),
        }
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The date `z` days after 1970-01-01 as (year, month, day), after Howard Hinnant's
/// `civil_from_days`; the inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_round_trip() {
        for s in ["1996-01-05", "1996-02", "1996", "1990..1992", "~1997..1998"] {
            assert_eq!(PartialDate::parse_canonical(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn impossible_days_are_rejected() {
        assert!(PartialDate::ymd(2023, 2, 29).is_err());
        assert!(PartialDate::ymd(2024, 2, 29).is_ok());
        assert!(PartialDate::ymd(2023, 13, 1).is_err());
    }

    #[test]
    fn age_derived_spans_two_years() {
        let d = PartialDate::from_age(25, 2023).unwrap();
        assert_eq!(d.year_span(), (1997, 1998));
        assert!(d.compatible(PartialDate::ymd(1998, 3, 1).unwrap()));
        assert!(!d.compatible(PartialDate::year(1995)));
    }

    #[test]
    fn epoch() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        for n in [-800_000, -1, 0, 59, 11_017, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(n);
            assert_eq!(days_from_civil(y, m, d), n);
        }
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
