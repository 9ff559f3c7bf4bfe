//! Decimal numbers in and out, without `core::fmt`: pids, signal numbers,
//! exit codes and durations on the command line, in `/proc` and in messages.

/// A decimal number of at most nine digits, so it cannot overflow.
pub fn parse(text: &[u8]) -> Option<u32> {
    if text.is_empty() || text.len() > 9 || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(text.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// `n` in decimal, written at the end of `buf`.
pub fn format(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_at_most_nine_digits() {
        assert_eq!(parse(b"0"), Some(0));
        assert_eq!(parse(b"999999999"), Some(999_999_999));
        for bad in [&b""[..], b"1000000000", b"-1", b"+1", b"1x", b" 1"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_the_whole_range() {
        assert_eq!(format(0, &mut [0; 20]), b"0");
        assert_eq!(format(u64::MAX, &mut [0; 20]), b"18446744073709551615");
    }
}
