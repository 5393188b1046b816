//! Dates without a date crate: the civil calendar (UTC), the HTTP `Date`
//! header, and the subset of PHP `date()` formats iTop's services use
//! (`d j m n Y y H G i s`, other characters literal, `\` escapes).

use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH);
    now.map(|elapsed| elapsed.as_secs() as i64)
        .unwrap_or_default()
}

/// Days since 1970-01-01 → (year, month, day) (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC date and time of a Unix timestamp.
pub(crate) fn from_unix(seconds: i64) -> DateTime {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let in_day = seconds.rem_euclid(86_400) as u32;
    DateTime {
        year,
        month,
        day,
        hour: in_day / 3600,
        minute: in_day / 60 % 60,
        second: in_day % 60,
    }
}

/// `Fri, 04 Dec 2026 14:14:01 GMT`.
pub(crate) fn http_date(seconds: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let date = from_unix(seconds);
    let weekday = DAYS[seconds.div_euclid(86_400).rem_euclid(7) as usize];
    let month = MONTHS[(date.month as usize).saturating_sub(1) % 12];
    format!(
        "{weekday}, {:02} {month} {} {:02}:{:02}:{:02} GMT",
        date.day, date.year, date.hour, date.minute, date.second
    )
}

/// Formats with a PHP `date()` format.
pub(crate) fn format(format: &str, date: &DateTime) -> String {
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(token) = chars.next() {
        match token {
            'd' => out.push_str(&format!("{:02}", date.day)),
            'j' => out.push_str(&date.day.to_string()),
            'm' => out.push_str(&format!("{:02}", date.month)),
            'n' => out.push_str(&date.month.to_string()),
            'Y' => out.push_str(&format!("{:04}", date.year)),
            'y' => out.push_str(&format!("{:02}", date.year.rem_euclid(100))),
            'H' => out.push_str(&format!("{:02}", date.hour)),
            'G' => out.push_str(&date.hour.to_string()),
            'i' => out.push_str(&format!("{:02}", date.minute)),
            's' => out.push_str(&format!("{:02}", date.second)),
            '\\' => out.extend(chars.next()),
            other => out.push(other),
        }
    }
    out
}

/// Reads up to `max` digits (at least one).
fn take_number(input: &mut &str, max: usize) -> Option<i64> {
    let length = input
        .chars()
        .take(max)
        .take_while(char::is_ascii_digit)
        .count();
    if length == 0 {
        return None;
    }
    let (digits, rest) = input.split_at(length);
    *input = rest;
    digits.parse().ok()
}

/// Parses `input` with a PHP `date()` format; the whole input must match
/// and the date must exist.
pub(crate) fn parse(format: &str, input: &str) -> Option<DateTime> {
    let mut date = DateTime {
        year: 1970,
        month: 1,
        day: 1,
        ..DateTime::default()
    };
    let mut rest = input;
    let mut chars = format.chars();
    while let Some(token) = chars.next() {
        let small = |rest: &mut &str| take_number(rest, 2).and_then(|n| u32::try_from(n).ok());
        match token {
            'd' | 'j' => date.day = small(&mut rest)?,
            'm' | 'n' => date.month = small(&mut rest)?,
            'Y' => date.year = take_number(&mut rest, 4)?,
            'y' => date.year = 2000 + take_number(&mut rest, 2)?,
            'H' | 'G' => date.hour = small(&mut rest)?,
            'i' => date.minute = small(&mut rest)?,
            's' => date.second = small(&mut rest)?,
            literal => {
                let literal = if literal == '\\' {
                    chars.next()?
                } else {
                    literal
                };
                rest = rest.strip_prefix(literal)?;
            }
        }
    }
    (rest.is_empty() && is_valid(&date)).then_some(date)
}

fn is_valid(date: &DateTime) -> bool {
    let leap = date.year % 4 == 0 && (date.year % 100 != 0 || date.year % 400 == 0);
    let lengths = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let month_ok = (1..=12).contains(&date.month);
    let day_ok = month_ok && date.day >= 1 && date.day <= lengths[date.month as usize - 1];
    day_ok && date.hour < 24 && date.minute < 60 && date.second < 60
}

/// Old `strftime` specifications (`%d/%m/%Y`) in PHP `date()` syntax.
pub(crate) fn from_strftime(format: &str) -> String {
    if !format.contains('%') {
        return format.to_owned();
    }
    let pairs = [
        ("%d", "d"),
        ("%m", "m"),
        ("%Y", "Y"),
        ("%y", "y"),
        ("%H", "H"),
        ("%M", "i"),
        ("%S", "s"),
        ("%e", "j"),
    ];
    let mut out = format.to_owned();
    for (old, new) in pairs {
        out = out.replace(old, new);
    }
    out
}

/// The date-only part of a date-and-time format (`d/m/Y H:i:s` → `d/m/Y`).
pub(crate) fn date_part(format: &str) -> String {
    let cut = format
        .find(['H', 'G', 'h', 'g', 'i', 's'])
        .unwrap_or(format.len());
    format[..cut]
        .trim_end_matches([' ', 'T', ',', ':', '-'])
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_http_dates() {
        assert_eq!(http_date(1_796_393_641), "Fri, 04 Dec 2026 14:14:01 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn formats_and_parses_php_formats() {
        let date = parse("d/m/Y", "31/12/2023").expect("valid");
        assert_eq!(format("Y-m-d", &date), "2023-12-31");
        assert_eq!(
            format("Y-m-d H:i:s", &from_unix(1_796_393_968)),
            "2026-12-04 14:19:28"
        );
        assert_eq!(parse("d/m/Y", "2024-12-25"), None);
        assert_eq!(parse("Y-m-d", "2023-02-30"), None);
        assert_eq!(parse("Y-m-d", "2023-02-3x"), None);
    }

    #[test]
    fn converts_strftime_and_derives_date_part() {
        assert_eq!(from_strftime("%d/%m/%Y %H:%M:%S"), "d/m/Y H:i:s");
        assert_eq!(date_part("d/m/Y H:i:s"), "d/m/Y");
        assert_eq!(date_part("Y-m-d"), "Y-m-d");
    }
}
