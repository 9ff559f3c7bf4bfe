//! Answering to another init's name. Called as `tini` or `docker-init`,
//! `dumb-init`, `catatonit` or `podman-init`, pidone takes that program's
//! command line, defaults, exit codes and help; what runs underneath is
//! pidone's supervision. Pure, like `cli`.

mod catatonit;
mod dumb_init;
mod tini;

use crate::cli::{self, Request, UsageError};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Personality {
    Pidone,
    Tini,
    DumbInit,
    Catatonit,
}

impl Personality {
    /// From the name pidone was called by (`argv[0]`, any directory).
    pub fn from_name(argv0: &[u8]) -> Personality {
        match basename(argv0) {
            b"tini" | b"tini-static" | b"docker-init" => Personality::Tini,
            b"dumb-init" => Personality::DumbInit,
            b"catatonit" | b"podman-init" => Personality::Catatonit,
            _ => Personality::Pidone,
        }
    }

    /// Which options take a value, for both parsing and permutation.
    pub fn takes_value(self) -> fn(&[u8]) -> bool {
        match self {
            Personality::Pidone => cli::takes_value,
            Personality::Tini => tini::takes_value,
            Personality::DumbInit => dumb_init::takes_value,
            Personality::Catatonit => |_| false,
        }
    }

    /// tini and catatonit use GNU getopt without `+`: options after the
    /// command still count, and `tini PROGRAM -- ARGS` works. See `permute`.
    pub fn permutes(self) -> bool {
        matches!(self, Personality::Tini | Personality::Catatonit)
    }

    pub fn parse<'a, I>(
        self,
        args: I,
        env: impl Fn(&[u8]) -> Option<&'a [u8]>,
    ) -> Result<Request, UsageError<'a>>
    where
        I: Iterator<Item = &'a [u8]> + Clone,
    {
        match self {
            Personality::Pidone => cli::parse(args, env),
            Personality::Tini => tini::parse(args, env),
            Personality::DumbInit => dumb_init::parse(args, env),
            Personality::Catatonit => catatonit::parse(args, env),
        }
    }

    /// pidone exits 2 on a usage error; the others exit 1.
    pub fn usage_exit_code(self) -> u8 {
        match self {
            Personality::Pidone => 2,
            _ => 1,
        }
    }

    /// The option that prints the help, for usage error messages.
    pub fn help_option(self) -> &'static [u8] {
        match self {
            Personality::Pidone | Personality::DumbInit => b"--help",
            Personality::Tini | Personality::Catatonit => b"-h",
        }
    }
}

pub fn basename(path: &[u8]) -> &[u8] {
    path.rsplit(|&b| b == b'/').next().unwrap_or(path)
}

/// GNU getopt's permutation, in place: options (with their values) move
/// to the front in order, the other arguments after them in order; a `--`
/// ends the options and goes in between, so what follows it stays operands.
pub fn permute<'a, T: Copy>(
    args: &mut [T],
    text: impl Fn(T) -> &'a [u8],
    takes_value: fn(&[u8]) -> bool,
) {
    let mut front = 0;
    let mut i = 0;
    while i < args.len() {
        let taken = match text(args[i]) {
            b"--" => {
                args[front..=i].rotate_right(1);
                return;
            }
            [b'-', b'-', ..] => 1,
            [b'-', cluster @ ..] if !cluster.is_empty() => {
                1 + usize::from(value_follows(cluster, takes_value))
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let end = (i + taken).min(args.len());
        args[front..end].rotate_right(end - i);
        front += end - i;
        i = end;
    }
}

/// Whether a cluster like `-vp` ends with an option whose value is the
/// next argument.
fn value_follows(cluster: &[u8], takes_value: fn(&[u8]) -> bool) -> bool {
    match (0..cluster.len()).find(|&k| takes_value(&cluster[k..=k])) {
        Some(k) => k + 1 == cluster.len(),
        None => false,
    }
}

/// Parses string arguments and environment, for the tests of every
/// personality.
#[cfg(test)]
pub(crate) fn parse_as<'a>(
    personality: Personality,
    args: &'a [&'a str],
    env: &'a [(&'a str, &'a str)],
) -> Result<Request, UsageError<'a>> {
    personality.parse(args.iter().map(|a| a.as_bytes()), |name| {
        env.iter()
            .find(|(k, _)| k.as_bytes() == name)
            .map(|(_, v)| v.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn permuted(args: &[&'static str], personality: Personality) -> Vec<&'static str> {
        let mut args = args.to_vec();
        permute(&mut args, str::as_bytes, personality.takes_value());
        args
    }

    #[test]
    fn names_pick_personalities() {
        assert_eq!(
            Personality::from_name(b"/sbin/docker-init"),
            Personality::Tini
        );
        assert_eq!(Personality::from_name(b"tini"), Personality::Tini);
        assert_eq!(
            Personality::from_name(b"/usr/bin/tini-static"),
            Personality::Tini
        );
        assert_eq!(Personality::from_name(b"dumb-init"), Personality::DumbInit);
        assert_eq!(
            Personality::from_name(b"/run/podman-init"),
            Personality::Catatonit
        );
        assert_eq!(Personality::from_name(b"catatonit"), Personality::Catatonit);
        assert_eq!(Personality::from_name(b"/pidone"), Personality::Pidone);
        assert_eq!(Personality::from_name(b"tini/"), Personality::Pidone);
        assert_eq!(Personality::from_name(b""), Personality::Pidone);
    }

    #[test]
    fn permutation_moves_options_before_the_command() {
        let tini = Personality::Tini;
        assert_eq!(permuted(&["cmd", "-v", "arg"], tini), ["-v", "cmd", "arg"]);
        assert_eq!(
            permuted(&["cmd", "-p", "SIGTERM", "x"], tini),
            ["-p", "SIGTERM", "cmd", "x"]
        );
        assert_eq!(
            permuted(&["cmd", "-vp", "SIGTERM"], tini),
            ["-vp", "SIGTERM", "cmd"]
        );
        assert_eq!(
            permuted(&["cmd", "-pSIGTERM", "x"], tini),
            ["-pSIGTERM", "cmd", "x"]
        );
        assert_eq!(permuted(&["-s", "cmd", "-g"], tini), ["-s", "-g", "cmd"]);
    }

    #[test]
    fn permutation_stops_at_double_dash() {
        let tini = Personality::Tini;
        // tini's documented form: PROGRAM -- ARGS
        assert_eq!(
            permuted(&["prog", "--", "-v", "x"], tini),
            ["--", "prog", "-v", "x"]
        );
        assert_eq!(
            permuted(&["-s", "prog", "-g", "--", "-l"], tini),
            ["-s", "-g", "--", "prog", "-l"]
        );
        assert_eq!(permuted(&["--", "prog", "-v"], tini), ["--", "prog", "-v"]);
    }

    #[test]
    fn permutation_keeps_a_lone_dash_and_a_trailing_option() {
        let tini = Personality::Tini;
        assert_eq!(permuted(&["-", "x"], tini), ["-", "x"]);
        assert_eq!(permuted(&["cmd", "-p"], tini), ["-p", "cmd"]);
        assert_eq!(permuted(&[], tini), Vec::<&str>::new());
    }
}
