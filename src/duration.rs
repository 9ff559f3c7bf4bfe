//! Parsing the grace period: `250ms`, `5s`, `2m`, `1h`, or bare seconds.

use core::time::Duration;

/// Any number of digits: a value too large for a `Duration` comes back as
/// `Duration::MAX`, for the caller to refuse as over its maximum.
pub fn parse(text: &[u8]) -> Option<Duration> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, unit) = text.split_at(digits);
    let millis = match unit {
        b"ms" => 1,
        b"" | b"s" => 1000,
        b"m" => 60_000,
        b"h" => 3_600_000,
        _ => return None,
    };
    if digits == 0 {
        return None;
    }
    let n = number.iter().try_fold(0u64, |n, d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    });
    Some(
        n.and_then(|n| n.checked_mul(millis))
            .map_or(Duration::MAX, Duration::from_millis),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Option<Duration> {
        super::parse(s.as_bytes())
    }

    #[test]
    fn accepts_units_and_bare_seconds() {
        assert_eq!(parse("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse("0"), Some(Duration::ZERO));
        assert_eq!(parse("0ms"), Some(Duration::ZERO));
        assert_eq!(parse("0000000000005s"), Some(Duration::from_secs(5)));
    }

    #[test]
    fn values_too_large_to_hold_saturate() {
        assert_eq!(
            parse("999999999h"),
            Some(Duration::from_secs(999_999_999 * 3600))
        );
        assert_eq!(parse("99999999999999999999999"), Some(Duration::MAX));
        assert_eq!(parse("18446744073709552h"), Some(Duration::MAX));
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in [
            "", "s", "ms", "5x", "5 s", " 5", "-5", "1.5s", "5sec", "5S", "5mss",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
