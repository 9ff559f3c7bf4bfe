//! A random process tree, shared by the tests (which generate a plan from a
//! seed and know what to expect of it) and `examples/tree.rs` (which builds
//! it under pidone). A plan travels on the command line as one word.
#![allow(dead_code)]

/// xorshift64*: small, fast, and the same on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // splitmix64 once, so that neighbouring seeds give unrelated streams
        // and a zero seed is not a fixed point.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
}

/// What a process of the tree does until the shutdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    /// Exits as soon as the tree is built (its children become orphans:
    /// the double fork).
    Transient,
    /// Waits; on SIGTERM (or INT, QUIT) works for `delay_ms`, writes its
    /// marker and exits 0. Never expected to be SIGKILLed.
    Handler { delay_ms: u16 },
    /// Ignores TERM, INT, QUIT: only SIGKILL ends it.
    Ignore,
    /// Waits with default dispositions: SIGTERM kills it.
    Default,
}

/// A process forked by a handler while it handles SIGTERM, that is during
/// the shutdown, possibly after pidone's SIGTERM sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Late {
    ExitNow,
    /// Default dispositions, waits forever.
    Sleeper,
    /// Ignores TERM, INT, QUIT, waits forever.
    Ignorer,
    /// Forks the next link and exits, `n` times, orphaning each link; the
    /// last one is a `Sleeper` if `persist`, else exits.
    Chain {
        n: u8,
        persist: bool,
    },
}

impl Late {
    /// Whether this one can still be there when the grace period ends.
    pub fn persists(self) -> bool {
        match self {
            Late::ExitNow => false,
            Late::Sleeper | Late::Ignorer => true,
            Late::Chain { persist, .. } => persist,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Index of the parent node; node 0 is the command itself.
    pub parent: usize,
    pub life: Life,
    /// Calls setsid() first: escapes the command's process group.
    pub setsid: bool,
    /// Handlers only: stopped (SIGSTOP) before the shutdown, so pidone's
    /// SIGCONT must wake it to handle SIGTERM.
    pub stopped: bool,
    pub late: Vec<Late>,
}

/// How the command ends, which starts the shutdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Exit(u8),
    /// The command kills itself with this signal.
    Raise(i32),
    /// The test sends `signal` to pidone; the command gets it forwarded
    /// and exits with `Some(code)`, or dies of it with `None`.
    Stop {
        signal: i32,
        exit: Option<u8>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    Child,
    Group,
    All,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// `nodes[0]` is the command; its `life` is ignored.
    pub nodes: Vec<Node>,
    pub trigger: Trigger,
    pub forward: Forward,
    pub pid1: bool,
}

pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGUSR2: i32 = 12;
pub const SIGALRM: i32 = 14;
pub const SIGTERM: i32 = 15;
/// The command asks pidone to forward this one back once pidone has reaped
/// every zombie it had been told about: pidone takes pending signals lowest
/// number first, so a pending SIGCHLD (17) is handled before it.
pub const SYNC: i32 = 34 + 7;

impl Plan {
    pub fn generate(seed: u64) -> Plan {
        let mut rng = Rng::new(seed);
        let pid1 = rng.chance(30);
        let forward = match rng.below(10) {
            0..=5 => Forward::Child,
            6 | 7 => Forward::Group,
            _ => Forward::All,
        };
        // Runs with processes that outlive the grace period cost a grace
        // period each: keep them to a third.
        let persistent = rng.chance(33);
        let size = 1 + if rng.chance(15) {
            rng.below(40)
        } else {
            rng.below(14)
        } as usize;
        let mut nodes = vec![Node {
            parent: 0,
            life: Life::Default,
            setsid: false,
            stopped: false,
            late: Vec::new(),
        }];
        for i in 1..size {
            let parent = rng.below(i as u64) as usize;
            let life = match rng.below(100) {
                0..=34 => Life::Transient,
                35..=69 => Life::Handler {
                    delay_ms: rng.below(120) as u16,
                },
                70..=77 if persistent => Life::Ignore,
                _ => Life::Default,
            };
            let handler = matches!(life, Life::Handler { .. });
            let mut late = Vec::new();
            if handler && rng.chance(30) {
                for _ in 0..1 + rng.below(3) {
                    late.push(match rng.below(4) {
                        0 => Late::ExitNow,
                        1 if persistent => Late::Sleeper,
                        2 if persistent => Late::Ignorer,
                        _ => Late::Chain {
                            n: 1 + rng.below(3) as u8,
                            persist: persistent && rng.chance(50),
                        },
                    });
                }
            }
            nodes.push(Node {
                parent,
                life,
                setsid: rng.chance(15),
                stopped: handler && rng.chance(15),
                late,
            });
        }
        let trigger = match rng.below(100) {
            0..=39 => Trigger::Exit(rng.below(256) as u8),
            40..=54 => Trigger::Raise(rng.pick(&[SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGKILL])),
            _ => {
                // QUIT is forwarded only to the command: elsewhere it would
                // make default processes dump core.
                let signal = if forward == Forward::Child {
                    rng.pick(&[SIGTERM, SIGINT, SIGQUIT])
                } else {
                    rng.pick(&[SIGTERM, SIGINT])
                };
                let exit = rng.chance(60).then(|| rng.below(256) as u8);
                Trigger::Stop { signal, exit }
            }
        };
        Plan {
            nodes,
            trigger,
            forward,
            pid1,
        }
    }

    /// Whether something is sure to be alive when the grace period ends:
    /// a process that ignores SIGTERM.
    pub fn must_persist(&self) -> bool {
        self.nodes.iter().any(|n| {
            n.life == Life::Ignore
                || (matches!(n.life, Life::Handler { .. }) && n.late.contains(&Late::Ignorer))
        })
    }

    /// Whether something may be alive when the grace period ends: also a
    /// process forked during the shutdown that dies of SIGTERM, which gets
    /// one only if pidone's sweep happened to see it.
    pub fn may_persist(&self) -> bool {
        self.nodes.iter().any(|n| {
            n.life == Life::Ignore
                || (matches!(n.life, Life::Handler { .. }) && n.late.iter().any(|l| l.persists()))
        })
    }

    /// The exit code pidone must report.
    pub fn exit_code(&self) -> i32 {
        match self.trigger {
            Trigger::Exit(code) => code.into(),
            Trigger::Raise(signal) => 128 + signal,
            Trigger::Stop {
                exit: Some(code), ..
            } => code.into(),
            Trigger::Stop { signal, exit: None } => 128 + signal,
        }
    }

    /// One word: `F.T/node/node/...` where F is c, g or a, optionally
    /// followed by `1` for PID 1, T is `xCODE`, `rSIG`, `sSIG` or
    /// `sSIG:CODE`, and a node is `PARENT:L[DELAY]:FLAGS:LATE` with L one of
    /// t, h, i, d, FLAGS from `s` (setsid) and `z` (stopped), LATE from e,
    /// s, i, and `cN` / `CN` (a chain that ends by exiting / persisting).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        out.push(match self.forward {
            Forward::Child => 'c',
            Forward::Group => 'g',
            Forward::All => 'a',
        });
        if self.pid1 {
            out.push('1');
        }
        out.push('.');
        match self.trigger {
            Trigger::Exit(code) => out.push_str(&format!("x{code}")),
            Trigger::Raise(signal) => out.push_str(&format!("r{signal}")),
            Trigger::Stop { signal, exit: None } => out.push_str(&format!("s{signal}")),
            Trigger::Stop {
                signal,
                exit: Some(code),
            } => out.push_str(&format!("s{signal}:{code}")),
        }
        for node in &self.nodes[1..] {
            out.push('/');
            out.push_str(&node.parent.to_string());
            out.push(':');
            match node.life {
                Life::Transient => out.push('t'),
                Life::Handler { delay_ms } => out.push_str(&format!("h{delay_ms}")),
                Life::Ignore => out.push('i'),
                Life::Default => out.push('d'),
            }
            out.push(':');
            if node.setsid {
                out.push('s');
            }
            if node.stopped {
                out.push('z');
            }
            out.push(':');
            for late in &node.late {
                match late {
                    Late::ExitNow => out.push('e'),
                    Late::Sleeper => out.push('s'),
                    Late::Ignorer => out.push('i'),
                    Late::Chain { n, persist: false } => out.push_str(&format!("c{n}")),
                    Late::Chain { n, persist: true } => out.push_str(&format!("C{n}")),
                }
            }
        }
        out
    }

    pub fn decode(text: &str) -> Option<Plan> {
        let mut parts = text.split('/');
        let head = parts.next()?;
        let (mode, trigger) = head.split_once('.')?;
        let forward = match mode.chars().next()? {
            'c' => Forward::Child,
            'g' => Forward::Group,
            'a' => Forward::All,
            _ => return None,
        };
        let pid1 = match &mode[1..] {
            "" => false,
            "1" => true,
            _ => return None,
        };
        let (kind, rest) = trigger.split_at(1);
        let trigger = match kind {
            "x" => Trigger::Exit(rest.parse().ok()?),
            "r" => Trigger::Raise(rest.parse().ok()?),
            "s" => match rest.split_once(':') {
                None => Trigger::Stop {
                    signal: rest.parse().ok()?,
                    exit: None,
                },
                Some((signal, code)) => Trigger::Stop {
                    signal: signal.parse().ok()?,
                    exit: Some(code.parse().ok()?),
                },
            },
            _ => return None,
        };
        let mut nodes = vec![Node {
            parent: 0,
            life: Life::Default,
            setsid: false,
            stopped: false,
            late: Vec::new(),
        }];
        for part in parts {
            let mut fields = part.split(':');
            let parent: usize = fields.next()?.parse().ok()?;
            if parent >= nodes.len() {
                return None;
            }
            let life = fields.next()?;
            let life = match life.get(..1)? {
                "t" => Life::Transient,
                "h" => Life::Handler {
                    delay_ms: life[1..].parse().ok()?,
                },
                "i" => Life::Ignore,
                "d" => Life::Default,
                _ => return None,
            };
            let flags = fields.next()?;
            let mut late = Vec::new();
            let mut chars = fields.next()?.chars().peekable();
            while let Some(c) = chars.next() {
                late.push(match c {
                    'e' => Late::ExitNow,
                    's' => Late::Sleeper,
                    'i' => Late::Ignorer,
                    'c' | 'C' => Late::Chain {
                        n: chars.next()?.to_digit(10)? as u8,
                        persist: c == 'C',
                    },
                    _ => return None,
                });
            }
            nodes.push(Node {
                parent,
                life,
                setsid: flags.contains('s'),
                stopped: flags.contains('z'),
                late,
            });
        }
        Some(Plan {
            nodes,
            trigger,
            forward,
            pid1,
        })
    }
}
