//! Parsing the grace period: `250ms`, `5s`, `2m`, `1h`, or bare seconds.

use core::time::Duration;

use crate::signal::parse_number;

pub fn parse(text: &[u8]) -> Option<Duration> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, unit) = text.split_at(digits);
    let n = u64::from(parse_number(number)?);
    match unit {
        b"ms" => Some(Duration::from_millis(n)),
        b"" | b"s" => Some(Duration::from_secs(n)),
        b"m" => Some(Duration::from_secs(n * 60)),
        b"h" => Some(Duration::from_secs(n * 3600)),
        _ => None,
    }
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
    }

    #[test]
    fn the_largest_value_does_not_overflow() {
        assert_eq!(
            parse("999999999h"),
            Some(Duration::from_secs(999_999_999 * 3600))
        );
    }

    #[test]
    fn rejects_malformed_values() {
        for bad in [
            "",
            "s",
            "ms",
            "5x",
            "5 s",
            " 5",
            "-5",
            "1.5s",
            "5sec",
            "5S",
            "1000000000",
            "5mss",
            "99999999999999999999999",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
