//! Timestamps: message events carry RFC 3339 strings (`2021-05-20T15:14:58+08:00`), robot and friend events unix
//! integers, and old guild events unix seconds as strings. [`unix_seconds`] reads all three.

/// Unix seconds from an RFC 3339 timestamp, a unix-seconds string, or `None` when neither.
pub fn unix_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    parse_rfc3339(text)
}

fn digits(s: &str, range: std::ops::Range<usize>) -> Option<i64> {
    let part = s.get(range)?;
    if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
}

fn parse_rfc3339(s: &str) -> Option<i64> {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
    let year = digits(s, 0..4)?;
    let month = digits(s, 5..7)?;
    let day = digits(s, 8..10)?;
    let hour = digits(s, 11..13)?;
    let minute = digits(s, 14..16)?;
    let second = digits(s, 17..19)?;
    if s.get(4..5)? != "-" || s.get(7..8)? != "-" || s.get(13..14)? != ":" || s.get(16..17)? != ":" {
        return None;
    }
    if !matches!(s.get(10..11)?, "T" | "t" | " ") || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut rest = s.get(19..)?;
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
        rest = frac.get(end..)?;
    }
    let offset = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.get(0..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh = digits(rest, 1..3)?;
            let om = match rest.get(3..4) {
                Some(":") => digits(rest, 4..6)?,
                _ => digits(rest, 3..5)?,
            };
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::unix_seconds;

    #[test]
    fn reads_every_timestamp_shape() {
        assert_eq!(unix_seconds("2021-05-20T15:14:58+08:00"), Some(1_621_494_898));
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2025-03-13T23:30:49.123+08:00"), Some(1_741_879_849));
        assert_eq!(unix_seconds("1632372431"), Some(1_632_372_431));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(unix_seconds("2021-05-20T15:14"), None);
        assert_eq!(unix_seconds("２０２１"), None);
    }
}
