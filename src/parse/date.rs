//! Dates as mail systems write them, turned into milliseconds since the Unix epoch (UTC).
//!
//! Accepts RFC 5322 section 3.3 dates (with the obsolete zone names of section 4.3 and 2-digit
//! years), and the forms real Received lines carry: full weekday names, month-first dates
//! (`Apr 21 2018 3:01:05`), US numeric dates (`4/20/2018`, `4-20-2018`), ISO dates with `T` or a
//! space, fractional seconds of any length (kept to the millisecond), AM/PM, `+0000 UTC`, and
//! zone comments such as `(EDT)`. A date without a zone is taken as UTC and says so.
//!
//! Not supported: zone names other than UT/UTC/GMT/Z and the North American ones of RFC 5322,
//! and day-first numeric dates (`20/4/2018` is read only when the first number cannot be a month).

/// A parsed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub epoch_ms: i64,
    /// The zone offset as written, in minutes east of UTC (None when the date had no zone).
    pub offset_minutes: Option<i32>,
    /// False for a date written without a time of day (taken as midnight UTC).
    pub has_time: bool,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Parses a date with a time of day; None when it cannot be read as one.
pub fn parse(text: &str) -> Option<ParsedDate> {
    parse_with(text, false)
}

/// Parses a date; with `allow_day_only`, a date without a time of day is accepted as midnight
/// UTC (and says so in [`ParsedDate::has_time`]).
pub fn parse_with(text: &str, allow_day_only: bool) -> Option<ParsedDate> {
    // Bounded work: a date is short; anything longer is not one.
    if text.len() > 200 {
        return None;
    }
    let mut year: Option<i64> = None;
    let mut month: Option<u32> = None;
    let mut day: Option<u32> = None;
    let mut time: Option<(u32, u32, u32, u32)> = None;
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut loose_numbers: Vec<u32> = Vec::new();

    let cleaned: std::borrow::Cow<'_, str> = if text.contains('(') {
        std::borrow::Cow::Owned(strip_comments(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    for raw in cleaned.split(|c: char| c.is_whitespace() || c == ',') {
        let token = raw.trim_matches(|c: char| c == '.' && raw.len() > 1);
        if token.is_empty() {
            continue;
        }
        let lower: std::borrow::Cow<'_, str> =
            if token.starts_with(|c: char| c.is_ascii_alphabetic()) {
                std::borrow::Cow::Owned(token.to_ascii_lowercase())
            } else {
                std::borrow::Cow::Borrowed(token)
            };
        if lower.len() >= 3 && WEEKDAYS.iter().any(|w| lower.starts_with(w)) && is_alpha(&lower) {
            continue;
        }
        if let Some(m) = month_of(&lower) {
            month = Some(m);
            continue;
        }
        if lower == "am" || lower == "pm" {
            pm = Some(lower == "pm");
            continue;
        }
        if let Some(z) = named_zone(&lower) {
            if offset.is_none() {
                offset = Some(z);
            }
            continue;
        }
        if let Some(z) = numeric_zone(token) {
            offset = Some(z);
            continue;
        }
        if let Some((date_part, rest)) = split_iso(token) {
            let (y, m, d) = ymd(date_part)?;
            year = Some(y);
            month = Some(m);
            day = Some(d);
            if let Some(rest) = rest {
                let (t, zone) = split_time_zone(rest);
                time = Some(parse_time(t)?);
                if let Some(zone) = zone {
                    offset = Some(zone);
                }
            }
            continue;
        }
        if token.contains(':') {
            let (t, zone) = split_time_zone(token);
            time = Some(parse_time(t)?);
            if let Some(zone) = zone {
                offset = Some(zone);
            }
            continue;
        }
        if token.contains('/') || (token.contains('-') && token.len() > 5) {
            let (y, m, d) = numeric_date(token)?;
            year = Some(y);
            month = Some(m);
            day = Some(d);
            continue;
        }
        if token.chars().all(|c| c.is_ascii_digit()) && token.len() <= 4 {
            let n: u32 = token.parse().ok()?;
            if token.len() == 4 || n > 31 {
                year = Some(i64::from(n));
            } else {
                loose_numbers.push(n);
            }
            continue;
        }
        if token.len() == 1 && token.chars().all(|c| c.is_ascii_alphabetic()) {
            // RFC 5322 section 4.3: military zones are to be taken as -0000.
            offset.get_or_insert(0);
            continue;
        }
        // An unknown word: not a date we can trust.
        return None;
    }
    for n in loose_numbers {
        if day.is_none() {
            day = Some(n);
        } else if year.is_none() {
            year = Some(i64::from(n));
        } else {
            return None;
        }
    }
    let mut year = year?;
    if year < 50 {
        year += 2000;
    } else if year < 1000 {
        year += 1900;
    }
    let month = month?;
    let day = day?;
    let has_time = time.is_some();
    let (mut hour, minute, second, millis) = match time {
        Some(t) => t,
        None if allow_day_only && pm.is_none() => (0, 0, 0, 0),
        None => return None,
    };
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        Some(_) if hour > 12 => return None,
        _ => {}
    }
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let local_ms = ((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000
        + i64::from(second) * 1000
        + i64::from(millis);
    let epoch_ms = local_ms - i64::from(offset.unwrap_or(0)) * 60_000;
    Some(ParsedDate {
        epoch_ms,
        offset_minutes: offset,
        has_time,
    })
}

fn is_alpha(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphabetic())
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => {
                depth -= 1;
                out.push(' ');
            }
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn month_of(lower: &str) -> Option<u32> {
    if lower.len() < 3 || !is_alpha(lower) {
        return None;
    }
    let index = MONTHS.iter().position(|m| lower.starts_with(m))?;
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL[index];
    (lower.len() == 3 || full.starts_with(lower) || lower == "sept").then_some(index as u32 + 1)
}

fn named_zone(lower: &str) -> Option<i32> {
    Some(match lower {
        "ut" | "utc" | "gmt" | "z" => 0,
        "edt" => -4 * 60,
        "est" | "cdt" => -5 * 60,
        "cst" | "mdt" => -6 * 60,
        "mst" | "pdt" => -7 * 60,
        "pst" => -8 * 60,
        _ => return None,
    })
}

fn numeric_zone(token: &str) -> Option<i32> {
    let (sign, rest) = match token.as_bytes().first()? {
        b'+' => (1, &token[1..]),
        b'-' => (-1, &token[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 60 + minutes))
}

/// Splits `2018-04-22T02:54:17Z` into its date and the rest; also accepts a bare `2018-04-22`.
fn split_iso(token: &str) -> Option<(&str, Option<&str>)> {
    let bytes = token.as_bytes();
    if bytes.len() < 8 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return None;
    }
    match token.find(['T', 't']) {
        Some(t) => Some((&token[..t], Some(&token[t + 1..]))),
        None => Some((token, None)),
    }
}

fn ymd(date: &str) -> Option<(i64, u32, u32)> {
    let mut parts = date.split('-');
    let y = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let d = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Some((y, m, d))
}

/// `4/20/2018`, `4-20-2018`, `2018-4-20`, `2018/04/20`; day-first only when unambiguous.
fn numeric_date(token: &str) -> Option<(i64, u32, u32)> {
    let parts: Vec<&str> = token.split(['/', '-']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<Vec<u32>>>()?;
    if parts[0].len() == 4 {
        return Some((i64::from(nums[0]), nums[1], nums[2]));
    }
    let year = i64::from(nums[2]);
    if nums[0] > 12 && nums[1] <= 12 {
        return Some((year, nums[1], nums[0]));
    }
    Some((year, nums[0], nums[1]))
}

/// Splits a trailing `Z` or `+hh:mm` off an ISO time.
fn split_time_zone(token: &str) -> (&str, Option<i32>) {
    if let Some(t) = token.strip_suffix(['Z', 'z']) {
        return (t, Some(0));
    }
    if let Some(pos) = token.rfind(['+', '-'])
        && let Some(zone) = numeric_zone(&token[pos..])
    {
        return (&token[..pos], Some(zone));
    }
    (token, None)
}

fn parse_time(text: &str) -> Option<(u32, u32, u32, u32)> {
    let (hms, frac) = match text.split_once('.') {
        Some((hms, frac)) => (hms, Some(frac)),
        None => (text, None),
    };
    let mut parts = hms.split(':');
    let hour: u32 = parse_small(parts.next()?)?;
    let minute: u32 = parse_small(parts.next()?)?;
    let second: u32 = match parts.next() {
        Some(s) => parse_small(s)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let millis = match frac {
        Some(f) if !f.is_empty() && f.len() <= 12 && f.chars().all(|c| c.is_ascii_digit()) => {
            let mut digits: String = f.chars().take(3).collect();
            while digits.len() < 3 {
                digits.push('0');
            }
            digits.parse().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    Some((hour, minute, second, millis))
}

fn parse_small(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats epoch milliseconds as `2018-04-21T03:01:33Z` (with `.mmm` when not a whole second).
pub fn format_utc(epoch_ms: i64) -> String {
    let secs = epoch_ms.div_euclid(1000);
    let millis = epoch_ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let base = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    if millis == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{millis:03}Z")
    }
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A duration in words: `1 h 5 min 3 s`, `42 s`, `0.4 s`, with a minus sign when negative.
pub fn format_duration(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    if ms < 1000 {
        return if ms == 0 {
            "0 s".to_string()
        } else {
            format!("{sign}{}.{} s", ms / 1000, ms % 1000 / 100)
        };
    }
    let total = ms / 1000;
    let (d, h, m, s) = (
        total / 86_400,
        total % 86_400 / 3600,
        total % 3600 / 60,
        total % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d} d"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    format!("{sign}{}", parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> Option<i64> {
        parse(text).map(|d| d.epoch_ms)
    }

    #[test]
    fn rfc5322_forms() {
        assert_eq!(
            ms("Sat, 21 Apr 2018 03:01:33 +0000"),
            Some(1_524_279_693_000)
        );
        assert_eq!(
            ms("Fri, 20 Apr 2018 17:51:19 -0400"),
            Some(1_524_261_079_000)
        );
        assert_eq!(ms("21 Apr 18 03:01:33 GMT"), Some(1_524_279_693_000));
        assert_eq!(ms("Sat, 21 Apr 2018 03:01:33 EST"), Some(1_524_297_693_000));
        assert_eq!(ms("Sat, 21 Apr 2018 03:01 +0000"), Some(1_524_279_660_000));
    }

    #[test]
    fn real_world_forms() {
        assert_eq!(
            ms("2018-04-22 02:54:17.028704749 +0000 UTC"),
            Some(1_524_365_657_028)
        );
        assert_eq!(ms("2018-04-22T02:54:17Z"), Some(1_524_365_657_000));
        assert_eq!(ms("2018-04-22T04:54:17.5+02:00"), Some(1_524_365_657_500));
        assert_eq!(
            ms("4/20/2018 11:01:16 PM -0400 (EDT)"),
            Some(1_524_279_676_000)
        );
        assert_eq!(
            ms("Sun, 22 Apr 2018 02:54:16.987 +0000 (UTC)"),
            Some(1_524_365_656_987)
        );
    }

    #[test]
    fn no_zone_means_utc_and_is_recorded() {
        let d = parse("4/20/2018 11:01:36 PM").unwrap();
        assert_eq!(d.epoch_ms, 1_524_265_296_000);
        assert_eq!(d.offset_minutes, None);
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "hello world",
            "31 Feb 2018 10:00:00 +0000",
            "21 Apr 2018 25:00:00 +0000",
            "21 Apr 2018",
            "13 PM 21 Apr 2018 13:00",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse(&"1".repeat(10_000)), None);
    }

    #[test]
    fn day_only_dates_when_allowed() {
        assert_eq!(parse("22 Apr 2018"), None);
        let d = parse_with("22 Apr 2018", true).unwrap();
        assert_eq!((d.epoch_ms, d.has_time), (1_524_355_200_000, false));
        assert!(
            parse_with("Sun, 22 Apr 2018 02:54:19 +0000", true)
                .unwrap()
                .has_time
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_utc(1_524_365_656_987), "2018-04-22T02:54:16.987Z");
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(-1000), "1969-12-31T23:59:59Z");
        assert_eq!(format_duration(18_614_000), "5 h 10 min 14 s");
        assert_eq!(format_duration(-1500), "-1 s");
        assert_eq!(format_duration(400), "0.4 s");
        assert_eq!(format_duration(0), "0 s");
    }
}
