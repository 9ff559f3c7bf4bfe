//! Reading options as getopt does, from a personality's option table:
//! `-abc` clusters, `-pVALUE` or `-p VALUE`, `--name=VALUE` or
//! `--name VALUE`; `--` ends them, and so does the first argument that is
//! not an option (the command). Also GNU getopt's argument permutation.

use crate::personality::{MISSING_VALUE, Opt, UNKNOWN_OPTION, UsageError, usage};

pub struct Getopt<'a, I> {
    args: core::iter::Enumerate<I>,
    table: &'static [Opt],
    /// The rest of a cluster of short options, after the current one.
    cluster: &'a [u8],
    /// The argument the current option came from, for error messages.
    arg: &'a [u8],
    command: Option<(usize, &'a [u8])>,
}

/// One option found: its table entry, its value if it takes one, and the
/// whole argument it came from.
pub type Found<'a> = (&'static Opt, &'a [u8], &'a [u8]);

impl<'a, I: Iterator<Item = &'a [u8]>> Getopt<'a, I> {
    pub fn new(args: I, table: &'static [Opt]) -> Self {
        Getopt {
            args: args.enumerate(),
            table,
            cluster: b"",
            arg: b"",
            command: None,
        }
    }

    /// Where the command starts, and its name, once options are over.
    pub fn command(&self) -> Option<(usize, &'a [u8])> {
        self.command
    }

    /// The value of an option that takes one: what follows it in the same
    /// argument, else the next argument.
    fn value(&mut self, attached: &'a [u8], name: &'a [u8]) -> Result<&'a [u8], UsageError<'a>> {
        if !attached.is_empty() {
            return Ok(attached);
        }
        self.args
            .next()
            .map(|(_, value)| value)
            .ok_or(UsageError::new(MISSING_VALUE, name))
    }

    fn next_option(&mut self) -> Option<Result<Found<'a>, UsageError<'a>>> {
        if let [short, rest @ ..] = self.cluster {
            self.cluster = rest;
            let Some(opt) = self.table.iter().find(|o| o.short == *short) else {
                // The letter alone, as getopt names it.
                return Some(usage(UNKNOWN_OPTION, core::slice::from_ref(short)));
            };
            if !opt.act.takes_value() {
                return Some(Ok((opt, b"", self.arg)));
            }
            self.cluster = b"";
            let name = core::slice::from_ref(short);
            return Some(self.value(rest, name).map(|v| (opt, v, self.arg)));
        }
        let (index, arg) = self.args.next()?;
        self.arg = arg;
        match arg {
            b"--" => {
                self.command = self.args.next();
                None
            }
            [b'-', b'-', long @ ..] => {
                let (name, attached) = match long.iter().position(|&b| b == b'=') {
                    Some(eq) => (&long[..eq], Some(&long[eq + 1..])),
                    None => (long, None),
                };
                let Some(opt) = self.table.iter().find(|o| o.long == name) else {
                    return Some(usage(UNKNOWN_OPTION, arg));
                };
                Some(match (attached, opt.act.takes_value()) {
                    (Some(_), false) => usage("unexpected value in", arg),
                    (Some(value), true) => Ok((opt, value, arg)),
                    (None, true) => self.value(b"", name).map(|v| (opt, v, arg)),
                    (None, false) => Ok((opt, b"", arg)),
                })
            }
            [b'-', short @ ..] if !short.is_empty() => {
                self.cluster = short;
                self.next_option()
            }
            _ => {
                self.command = Some((index, arg));
                None
            }
        }
    }
}

impl<'a, I: Iterator<Item = &'a [u8]>> Iterator for Getopt<'a, I> {
    type Item = Result<Found<'a>, UsageError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_option()
    }
}

/// GNU getopt's permutation, in place: options (with their values) move
/// to the front in order, the other arguments after them in order; a `--`
/// ends the options and goes in between, so what follows it stays operands.
pub fn permute<'a, T: Copy>(args: &mut [T], text: impl Fn(T) -> &'a [u8], table: &[Opt]) {
    let mut front = 0;
    let mut i = 0;
    while i < args.len() {
        let taken = match text(args[i]) {
            b"--" => {
                rotate_right(&mut args[front..=i], 1);
                return;
            }
            [b'-', b'-', ..] => 1,
            [b'-', cluster @ ..] if !cluster.is_empty() => {
                1 + usize::from(value_follows(cluster, table))
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let end = (i + taken).min(args.len());
        rotate_right(&mut args[front..end], end - i);
        front += end - i;
        i = end;
    }
}

/// `slice.rotate_right(k)` for the `k` of 1 or 2 here, in a few bytes:
/// core's, fast for any `k`, cost 528 bytes on x86_64 and 720 on arm64.
fn rotate_right<T: Copy>(slice: &mut [T], k: usize) {
    for _ in 0..k {
        for i in (1..slice.len()).rev() {
            slice.swap(i, i - 1);
        }
    }
}

/// Whether a cluster like `-vp` ends with an option whose value is the
/// next argument.
fn value_follows(cluster: &[u8], table: &[Opt]) -> bool {
    let takes_value = |b: &u8| table.iter().any(|o| o.short == *b && o.act.takes_value());
    cluster.iter().position(takes_value) == Some(cluster.len() - 1)
}
