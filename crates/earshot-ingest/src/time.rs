//! Date and time parsing to UTC seconds, for the formats found in real exports.
//!
//! Accepted (see [`parse_time`]):
//! - unix seconds: `1341100972` (a fraction `1289241911.72836` is truncated);
//! - ISO 8601 / RFC 3339: `2015-02-24`, `2015-02-24T11:35:52Z`, `2015-02-24 11:35:52 -0800`,
//!   `2015-02-24T11:35:52.123+01:00`, `2015-02-24 11:35 UTC`;
//! - Twitter's API format: `Sat Oct 17 22:35:31 +0000 2015`;
//! - numeric dates with the year last, separated by `/`, `-` or `.`: `24-02-2015 11.35`, `2/24/2015 11:35`,
//!   `13/03/2017 22:21:05`, `7/13/2009 0:38`, optionally with `AM`/`PM`. Day and month are told apart by
//!   value when one of them is above 12; when both are ≤ 12 the [`DateOrder`] decides.
//!
//! Times without a zone are taken as UTC. Years must be within 1900..=2100, unix seconds within
//! 0..=4102444799 (1970 to the end of 2099).

use crate::DateOrder;
use earshot_model::Timestamp;

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeError(pub String);

/// Largest accepted unix time: 2099-12-31 23:59:59 UTC.
pub const MAX_UNIX: i64 = 4_102_444_799;

/// The plausible years of a date: 1900..=2100.
pub const MIN_YEAR: i64 = 1900;
pub const MAX_YEAR: i64 = 2100;

/// The plausible range of a timestamp given as a number (earshot JSONL `time`, `created_at`): from
/// 1900-01-01 00:00:00 ([`MIN_YEAR`]) to 2100-12-31 23:59:59 UTC ([`MAX_YEAR`]).
pub const MIN_TIME: Timestamp = -2_208_988_800;
pub const MAX_TIME: Timestamp = 4_133_980_799;

/// Check that `t` is within [`MIN_TIME`]..=[`MAX_TIME`].
pub fn check_range(t: Timestamp) -> Result<Timestamp, TimeError> {
    if (MIN_TIME..=MAX_TIME).contains(&t) {
        Ok(t)
    } else {
        Err(TimeError(format!(
            "time {t} is outside the years {MIN_YEAR}..={MAX_YEAR} (unix seconds {MIN_TIME}..={MAX_TIME})"
        )))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn err(s: &str, why: &str) -> TimeError {
    TimeError(format!("{}: {why}", crate::reader::quote(s)))
}

/// UTC seconds of a calendar date and time, checking every part.
pub fn civil_to_unix(
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
) -> Result<Timestamp, String> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return Err(format!("year {y} outside {MIN_YEAR}..={MAX_YEAR}"));
    }
    if !(1..=12).contains(&mo) {
        return Err(format!("month {mo} outside 1..=12"));
    }
    if d < 1 || d > days_in_month(y, mo) {
        return Err(format!("day {d} does not exist in {y}-{mo:02}"));
    }
    if h > 23 || mi > 59 || s > 60 {
        return Err(format!("time {h}:{mi:02}:{s:02} is not valid"));
    }
    Ok(days_from_civil(y, mo, d) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(s.min(59)))
}

/// Unix seconds: digits only, with an optional fraction that is truncated; 0..=[`MAX_UNIX`].
pub fn parse_unix(s: &str) -> Result<Timestamp, TimeError> {
    let t = s.trim();
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if t.starts_with('-') && digits(&int[1..]) {
        return Err(err(s, "negative unix time"));
    }
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(err(s, "not a unix time (integer seconds)"));
    }
    match int.parse::<i64>() {
        Ok(v) if v <= MAX_UNIX => Ok(v),
        _ => Err(err(s, "unix time after 2099")),
    }
}

/// The unit of a file's numeric times, for files whose numbers are not unix seconds (`--time-unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Unix seconds (a fraction truncated).
    #[default]
    Seconds,
    /// Unix milliseconds, truncated to the second.
    Milliseconds,
    /// Unix microseconds, truncated to the second.
    Microseconds,
    /// Millionths of an hour since 1970 (3.6 ms): the Memetracker benchmark's 12-digit times, rounded to the
    /// nearest second (each of them × 0.0036 is within 2 ms of a whole second: they were made from seconds).
    Microhours,
}

impl TimeUnit {
    pub const ALL: [TimeUnit; 4] = [
        TimeUnit::Seconds,
        TimeUnit::Milliseconds,
        TimeUnit::Microseconds,
        TimeUnit::Microhours,
    ];

    /// The unit's name, as `--time-unit` takes it.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Seconds => "seconds",
            TimeUnit::Milliseconds => "milliseconds",
            TimeUnit::Microseconds => "microseconds",
            TimeUnit::Microhours => "microhours",
        }
    }

    /// Seconds from a count of this unit, however large (saturating), for comparisons of times that may
    /// be out of range.
    pub fn to_seconds(self, n: u128) -> i64 {
        let s = match self {
            TimeUnit::Seconds => n,
            TimeUnit::Milliseconds => n / 1_000,
            TimeUnit::Microseconds => n / 1_000_000,
            TimeUnit::Microhours => n.saturating_mul(36).saturating_add(5_000) / 10_000,
        };
        i64::try_from(s).unwrap_or(i64::MAX)
    }

    /// The whole number of units a time's text holds (digits, an optional fraction dropped), whatever
    /// its size; `None` when it is not such a number.
    pub fn count(s: &str) -> Option<u128> {
        let t = s.trim();
        let (int, frac) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return None;
        }
        // More digits than a u128 holds: as large as can be, which is out of range in every unit.
        Some(int.parse().unwrap_or(u128::MAX))
    }

    /// A time in this unit as unix seconds within 0..=[`MAX_UNIX`]. In seconds exactly [`parse_unix`].
    pub fn parse(self, s: &str) -> Result<Timestamp, TimeError> {
        if self == TimeUnit::Seconds {
            return parse_unix(s);
        }
        let t = s.trim();
        if t.starts_with('-') && Self::count(&t[1..]).is_some() {
            return Err(err(s, &format!("negative time in {}", self.name())));
        }
        let Some(n) = Self::count(t) else {
            return Err(err(
                s,
                &format!("not a time (a whole number of {})", self.name()),
            ));
        };
        match self.to_seconds(n) {
            v if v <= MAX_UNIX => Ok(v),
            _ => Err(err(s, &format!("after 2099 as unix {}", self.name()))),
        }
    }
}

/// Parse any of the supported date formats (see the module docs) to UTC seconds.
pub fn parse_time(s: &str, order: DateOrder) -> Result<Timestamp, TimeError> {
    match rfc3339_utc(s.as_bytes()) {
        Some(t) => Ok(t),
        None => parse_any(s, order),
    }
}

/// The form nearly every platform writes, `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (RFC 3339 in UTC, as
/// Bluesky's `createdAt`, Mastodon's `published` and Jetstream's events have it), read without the
/// general parser's splitting: the same seconds it gives, or `None` for anything else, which the
/// general parser then reads or rejects.
fn rfc3339_utc(b: &[u8]) -> Option<Timestamp> {
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let shape = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    let fraction = &b[19..b.len() - 1];
    let fraction_ok = fraction.is_empty()
        || (fraction.len() > 1
            && fraction[0] == b'.'
            && fraction[1..].iter().all(u8::is_ascii_digit));
    if !shape || !fraction_ok {
        return None;
    }
    let num = |at: usize, len: usize| -> Option<u32> {
        b[at..at + len].iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let y = num(0, 4)?;
    civil_to_unix(
        i64::from(y),
        num(5, 2)?,
        num(8, 2)?,
        num(11, 2)?,
        num(14, 2)?,
        num(17, 2)?,
    )
    .ok()
}

fn parse_any(s: &str, order: DateOrder) -> Result<Timestamp, TimeError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TimeError("empty date".into()));
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && t.bytes().filter(|&b| b == b'.').count() <= 1
    {
        return parse_unix(t);
    }
    if t.as_bytes()[0].is_ascii_alphabetic() {
        return parse_twitter(t).map_err(|why| err(s, &why));
    }
    let date_len = t.find(['T', ' ']).unwrap_or(t.len());
    let (date, rest) = t.split_at(date_len);
    let rest = rest.strip_prefix(['T', ' ']).unwrap_or(rest).trim();
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let sep_ok = |d: &str| d.bytes().filter(|b| b"-/.".contains(b)).count() == 2;
    if parts.len() != 3
        || !sep_ok(date)
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(err(s, "not a recognised date"));
    }
    let num = |p: &str| p.parse::<i64>().unwrap_or(-1);
    let (a, b, c) = (num(parts[0]), num(parts[1]), num(parts[2]));
    let (y, mo, d) = if parts[0].len() == 4 {
        (a, b, c)
    } else if parts[2].len() == 4 || parts[2].len() == 2 {
        let y = if parts[2].len() == 2 { 2000 + c } else { c };
        if a > 12 && b > 12 {
            return Err(err(s, "neither day nor month is ≤ 12"));
        }
        let day_first = if a > 12 {
            true
        } else if b > 12 {
            false
        } else {
            order == DateOrder::Dmy
        };
        if day_first {
            (y, b, a)
        } else {
            (y, a, b)
        }
    } else {
        return Err(err(s, "not a recognised date (year must be first or last)"));
    };
    let (h, mi, sec, offset) = parse_clock(rest).map_err(|why| err(s, &why))?;
    let to_u32 = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    let base = civil_to_unix(y, to_u32(mo), to_u32(d), h, mi, sec).map_err(|why| err(s, &why))?;
    Ok(base - offset)
}

/// `HH:MM[:SS[.frac]]` or `HH.MM[.SS]`, optional `AM`/`PM`, optional zone (`Z`, `UTC`, `GMT`, `±HH:MM`,
/// `±HHMM`). Returns hours, minutes, seconds and the zone offset in seconds.
fn parse_clock(rest: &str) -> Result<(u32, u32, u32, i64), String> {
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok((0, 0, 0, 0));
    }
    // Split off the zone.
    let (clock, zone) = match rest.find(['Z', 'z', '+', '-', ' ']) {
        Some(i) => (&rest[..i], rest[i..].trim()),
        None => (rest, ""),
    };
    let mut zone = zone;
    let mut pm = None;
    for (word, is_pm) in [("AM", false), ("PM", true), ("am", false), ("pm", true)] {
        if let Some(z) = zone.strip_prefix(word) {
            pm = Some(is_pm);
            zone = z.trim();
        }
    }
    let sep = if clock.contains(':') { ':' } else { '.' };
    let mut fields = clock.split(sep);
    let mut next = |name: &str, required: bool| -> Result<u32, String> {
        match fields.next() {
            Some(f) => {
                let f = if name == "second" {
                    f.split('.').next().unwrap_or(f)
                } else {
                    f
                };
                if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!("bad {name} {f:?}"));
                }
                f.parse::<u32>().map_err(|_| format!("bad {name} {f:?}"))
            }
            None if required => Err(format!("missing {name}")),
            None => Ok(0),
        }
    };
    let mut h = next("hour", true)?;
    let mi = next("minute", true)?;
    let s = next("second", false)?;
    if fields.next().is_some() {
        return Err("too many time fields".into());
    }
    if let Some(is_pm) = pm {
        if !(1..=12).contains(&h) {
            return Err(format!("hour {h} with AM/PM"));
        }
        h = (h % 12) + if is_pm { 12 } else { 0 };
    }
    Ok((h, mi, s, parse_zone(zone)?))
}

fn parse_zone(z: &str) -> Result<i64, String> {
    let z = z.trim();
    if z.is_empty() || z.eq_ignore_ascii_case("z") || z == "UTC" || z == "GMT" {
        return Ok(0);
    }
    let (sign, body) = match z.as_bytes()[0] {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return Err(format!("bad time zone {z:?}")),
    };
    let digits: String = body.chars().filter(|&c| c != ':').collect();
    if !(digits.len() == 4 || digits.len() == 2) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad time zone {z:?}"));
    }
    let h: i64 = digits[..2]
        .parse()
        .map_err(|_| format!("bad time zone {z:?}"))?;
    let m: i64 = if digits.len() == 4 {
        digits[2..]
            .parse()
            .map_err(|_| format!("bad time zone {z:?}"))?
    } else {
        0
    };
    if h > 14 || m > 59 {
        return Err(format!("bad time zone {z:?}"));
    }
    Ok(sign * (h * 3600 + m * 60))
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// `Sat Oct 17 22:35:31 +0000 2015`.
fn parse_twitter(t: &str) -> Result<Timestamp, String> {
    let f: Vec<&str> = t.split_whitespace().collect();
    if f.len() != 6 {
        return Err("not a recognised date".into());
    }
    let mon = f[1].to_ascii_lowercase();
    let mo = MONTHS
        .iter()
        .position(|m| *m == mon)
        .ok_or_else(|| format!("unknown month {:?}", f[1]))? as u32
        + 1;
    let d: u32 = f[2].parse().map_err(|_| format!("bad day {:?}", f[2]))?;
    let y: i64 = f[5].parse().map_err(|_| format!("bad year {:?}", f[5]))?;
    let (h, mi, s, _) = parse_clock(f[3])?;
    let off = parse_zone(f[4])?;
    Ok(civil_to_unix(y, mo, d, h, mi, s)? - off)
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_rfc3339_shortcut_agrees_with_the_general_parser() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut cases: Vec<String> = (0..2000)
            .map(|_| {
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
                    1900 + next(260),
                    next(14),
                    next(33),
                    next(26),
                    next(62),
                    next(62),
                    [".", ".1", ".123", ".123456789", "", "x"][next(6) as usize]
                )
            })
            .collect();
        cases.extend(
            [
                "2024-09-09T19:46:02.102Z",
                "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z",
                "2024-09-09T19:46:60Z",
                "2024-09-09 19:46:02Z",
                "2024-09-09T19:46:02+00:00",
                "2024-9-09T19:46:02.102Z",
                "+024-09-09T19:46:02.102Z",
            ]
            .map(String::from),
        );
        let mut fast = 0;
        for c in &cases {
            let general = parse_any(c, DateOrder::Mdy).ok();
            if let Some(t) = rfc3339_utc(c.as_bytes()) {
                fast += 1;
                assert_eq!(Some(t), general, "{c}");
            }
            assert_eq!(parse_time(c, DateOrder::Mdy).ok(), general, "{c}");
        }
        assert!(fast > 300, "the shortcut read {fast} of {}", cases.len());
    }
    #[test]
    fn time_units_scale_to_seconds() {
        use super::TimeUnit::*;
        // Memetracker: 338200015833 millionths of an hour is 1,217,520,056.9988 s: 2008-07-31 16:00:57.
        assert_eq!(Microhours.parse("338200015833"), Ok(1_217_520_057));
        assert_eq!(Microhours.parse("338200015833.9"), Ok(1_217_520_057));
        // Truncated ones are small, not rejected: the cascades' order rule finds them.
        assert_eq!(Microhours.parse("3383039575"), Ok(12_178_942));
        assert_eq!(Milliseconds.parse("1341100972999"), Ok(1_341_100_972));
        assert_eq!(Microseconds.parse("1341100972999999"), Ok(1_341_100_972));
        assert_eq!(Seconds.parse("1341100972.9"), Ok(1_341_100_972));
        assert_eq!(
            Microhours.parse("1139568000000").unwrap_err().0,
            "\"1139568000000\": after 2099 as unix microhours"
        );
        assert_eq!(
            Milliseconds.parse("-5").unwrap_err().0,
            "\"-5\": negative time in milliseconds"
        );
        assert_eq!(
            Microseconds.parse("1e9").unwrap_err().0,
            "\"1e9\": not a time (a whole number of microseconds)"
        );
        assert!(Milliseconds.parse("5.").is_err() && Milliseconds.parse("").is_err());
        // Seconds are read exactly as parse_unix reads them.
        assert_eq!(
            Seconds.parse("338299765278"),
            super::parse_unix("338299765278")
        );
        // However large, a count compares: saturating, never wrapping.
        let huge = "9".repeat(60);
        assert_eq!(super::TimeUnit::count(&huge), Some(u128::MAX));
        assert_eq!(Microhours.to_seconds(u128::MAX), i64::MAX);
        assert!(Microhours.parse(&huge).is_err());
    }

    use super::*;
    use earshot_model::format_utc;

    #[test]
    fn range_constants_match_the_years() {
        assert_eq!(MIN_TIME, days_from_civil(MIN_YEAR, 1, 1) * 86_400);
        assert_eq!(MAX_TIME, days_from_civil(MAX_YEAR + 1, 1, 1) * 86_400 - 1);
        assert_eq!(MAX_UNIX, days_from_civil(2100, 1, 1) * 86_400 - 1);
        assert!(check_range(MIN_TIME).is_ok() && check_range(MAX_TIME).is_ok());
        assert!(check_range(MIN_TIME - 1).is_err() && check_range(i64::MAX).is_err());
    }

    fn p(s: &str) -> String {
        format_utc(parse_time(s, DateOrder::Mdy).unwrap())
    }

    #[test]
    fn unix_seconds() {
        assert_eq!(parse_time("1341100972", DateOrder::Mdy), Ok(1_341_100_972));
        assert_eq!(parse_unix("1289241911.72836"), Ok(1_289_241_911));
        assert!(parse_unix("-5").unwrap_err().0.contains("negative"));
        assert!(parse_unix("99999999999")
            .unwrap_err()
            .0
            .contains("after 2099"));
        assert!(parse_unix("12a").is_err());
        assert!(parse_unix("").is_err());
    }

    #[test]
    fn iso_and_rfc3339() {
        assert_eq!(p("2015-02-24T11:35:52Z"), "2015-02-24 11:35:52");
        assert_eq!(p("2015-02-24 11:35:52 -0800"), "2015-02-24 19:35:52");
        assert_eq!(p("2015-02-24T11:35:52.123+01:00"), "2015-02-24 10:35:52");
        assert_eq!(p("2015-02-24"), "2015-02-24 00:00:00");
        assert_eq!(p("2015-02-24 11:35 UTC"), "2015-02-24 11:35:00");
    }

    #[test]
    fn twitter_format() {
        assert_eq!(p("Sat Oct 17 22:35:31 +0000 2015"), "2015-10-17 22:35:31");
        assert_eq!(p("Mon Aug 03 13:23:45 +0200 2009"), "2009-08-03 11:23:45");
        assert!(parse_time("Sat Foo 17 22:35:31 +0000 2015", DateOrder::Mdy).is_err());
    }

    #[test]
    fn numeric_dates_and_the_ambiguity_rule() {
        assert_eq!(p("24-02-2015 11.35"), "2015-02-24 11:35:00");
        assert_eq!(p("2/24/2015 11:35"), "2015-02-24 11:35:00");
        assert_eq!(p("13/03/2017 22:21"), "2017-03-13 22:21:00");
        assert_eq!(p("7/13/2009 0:38"), "2009-07-13 00:38:00");
        assert_eq!(p("7/13/2009 12:38:07 PM"), "2009-07-13 12:38:07");
        assert_eq!(p("7/13/2009 12:38 AM"), "2009-07-13 00:38:00");
        // Ambiguous: the option decides.
        assert_eq!(p("5/11/2016 1:02"), "2016-05-11 01:02:00");
        assert_eq!(
            format_utc(parse_time("5/11/2016 1:02", DateOrder::Dmy).unwrap()),
            "2016-11-05 01:02:00"
        );
        // Unambiguous dates ignore the option.
        assert_eq!(
            format_utc(parse_time("7/13/2009", DateOrder::Dmy).unwrap()),
            "2009-07-13 00:00:00"
        );
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "31/31/2015",
            "2/30/2015",
            "1/1/1800",
            "2015-13-01",
            "24-02-2015 25.00",
            "yesterday",
            "1/2/3/4",
        ] {
            assert!(parse_time(bad, DateOrder::Mdy).is_err(), "{bad}");
        }
        let e = parse_time("1/1/1800", DateOrder::Mdy).unwrap_err();
        assert_eq!(e.0, "\"1/1/1800\": year 1800 outside 1900..=2100");
    }
}
