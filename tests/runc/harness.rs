//! The small runc driver behind `tests/runc.rs`: OCI bundles built per test, and
//! containers driven the way container engines drive them.
//!
//! Engines do not keep `runc run` in the foreground: containerd's shim and
//! Podman's conmon register as child subreapers, call `runc create --pid-file`,
//! then `runc start`, deliver `docker stop` as `runc kill ID SIGTERM`, collect the
//! container's exit status with `waitpid` on the init process they adopted when
//! `runc create` exited, and finish with `runc delete`. This module does the same.

use std::collections::{HashMap, HashSet};
use std::ffi::CString;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How long anything in a container may take to happen before the test gives
/// up: far beyond what any step needs, so only a real hang reaches it.
pub const PATIENCE: Duration = Duration::from_secs(20);

const BUSYBOX: &str = "/bin/busybox";
/// The applets the test scripts use; everything else they need is a shell builtin.
const APPLETS: &[&str] = &["sh", "sleep"];

/// The init under test: the executable named by `PIDONE_RUNC_INIT`, else the one
/// named by `PIDONE_BIN` (see tests/cross/run), else the pidone that cargo built
/// for this test run. Point `PIDONE_RUNC_INIT` at a deliberately broken build,
/// at another init, or at a script that just `exec`s its command (no init at
/// all), to see these tests fail.
pub fn init_binary() -> PathBuf {
    match std::env::var_os("PIDONE_RUNC_INIT") {
        Some(path) => PathBuf::from(path),
        None => std::env::var_os("PIDONE_BIN").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_pidone")),
            PathBuf::from,
        ),
    }
}

fn script_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runc")
}

/// Fails early and clearly when the machine lacks what these tests run on.
fn check_prerequisites() {
    static CHECKED: OnceLock<Result<(), String>> = OnceLock::new();
    let result = CHECKED.get_or_init(|| {
        let runc = Command::new("runc").arg("--version").output();
        if !matches!(&runc, Ok(out) if out.status.success()) {
            return Err("`runc --version` failed: install Debian's `runc` package".into());
        }
        if !Path::new(BUSYBOX).is_file() || has_elf_interpreter(Path::new(BUSYBOX)) {
            return Err(format!(
                "{BUSYBOX} is missing or not static: install Debian's `busybox-static` package"
            ));
        }
        // SAFETY: getuid has no preconditions.
        if unsafe { libc::getuid() } != 0 {
            return Err("the runc tests create containers and must run as root".into());
        }
        // The container's init is reparented to us when `runc create` exits, as
        // it is to containerd's shim, so that we can wait for its exit status.
        // SAFETY: prctl with PR_SET_CHILD_SUBREAPER takes plain integer arguments.
        if unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) } != 0 {
            return Err(format!(
                "prctl(PR_SET_CHILD_SUBREAPER): {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(())
    });
    if let Err(why) = result {
        panic!("runc tests cannot run: {why}");
    }
}

/// A directory removed, with everything in it, when the test ends.
pub struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("pidone-runc-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Where the init binary goes in the container.
pub enum InitAt {
    /// Copied into the image at this path, as a Dockerfile `COPY` puts it there.
    Image(&'static str),
    /// Bind-mounted read-only from the host at this path, as Docker mounts its
    /// `docker-init` at /sbin/docker-init and Podman its init at /run/podman-init.
    BindMount(&'static str),
}

/// What a test asks of its bundle.
pub struct Spec<'a> {
    /// A name for the test: used for the container id and the temp dir.
    pub name: &'a str,
    pub init: InitAt,
    /// The container's `process.args`.
    pub args: &'a [&'a str],
    /// `process.terminal`: the runtime gives the container a pseudo-terminal
    /// and hands its master side to us through a console socket.
    pub terminal: bool,
}

/// An OCI bundle in a temp dir: rootfs with busybox, the init and the test
/// scripts, a config.json, and a host directory bind-mounted at /shared where
/// the scripts leave markers for the test.
pub struct Bundle {
    dir: TempDir,
    pub id: String,
    terminal: bool,
}

impl Bundle {
    pub fn new(spec: &Spec) -> Bundle {
        check_prerequisites();
        let dir = TempDir::new(spec.name);
        let rootfs = dir.path().join("rootfs");
        for sub in ["bin", "app"] {
            fs::create_dir_all(rootfs.join(sub)).unwrap();
        }
        fs::create_dir_all(dir.path().join("shared")).unwrap();
        copy_executable(Path::new(BUSYBOX), &rootfs.join("bin/busybox"));
        for applet in APPLETS {
            symlink("busybox", rootfs.join("bin").join(applet)).unwrap();
        }
        for entry in fs::read_dir(script_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|ext| ext == "rs") {
                continue;
            }
            copy_executable(&path, &rootfs.join("app").join(path.file_name().unwrap()));
        }

        let init = init_binary();
        assert!(init.is_file(), "no init binary at {}", init.display());
        assert!(
            !has_elf_interpreter(&init),
            "{} is dynamically linked, and the container has no loader: \
             build with the repository's .cargo/config.toml (run cargo from the repository)",
            init.display()
        );
        let mut mounts = vec![bind_mount(&dir.path().join("shared"), "/shared", false)];
        match spec.init {
            InitAt::Image(at) => {
                let dest = rootfs.join(at.trim_start_matches('/'));
                fs::create_dir_all(dest.parent().unwrap()).unwrap();
                copy_executable(&init, &dest);
            }
            InitAt::BindMount(at) => mounts.push(bind_mount(&init, at, true)),
        }

        // Start from what this runc generates, so the test follows the defaults
        // of the runc it runs on, and change only what has to change.
        let out = Command::new("runc")
            .args(["spec", "--bundle"])
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "runc spec: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let config_path = dir.path().join("config.json");
        let mut config = fs::read_to_string(&config_path).unwrap();

        // The bundle settings that work on this machine, and why:
        // - cgroups: the host has the hybrid layout (cgroup v1 controllers plus a
        //   named systemd hierarchy). runc 1.1's cgroupfs driver joins each v1
        //   controller and needs nothing changed; crun 1.8 refuses the same bundle
        //   ("cgroups in hybrid mode not supported"), which is why these tests use
        //   runc. No cgroupsPath is set: runc names the cgroup after the container
        //   id, which is unique per test and per test process.
        // - terminal: runc's default is a terminal, which it can only set up when
        //   given a console socket (or when runc itself sits on a terminal, which
        //   CI does not). Off, except in the test that is about the terminal.
        // - The rest stays runc's default: read-only root (nothing writes to the
        //   image; the scripts write to /shared), its own network, pid, ipc, uts
        //   and mount namespaces, the default capabilities and rlimits.
        if !spec.terminal {
            replace_once(&mut config, "\"terminal\": true", "\"terminal\": false");
        }
        replace_args(&mut config, spec.args);
        replace_once(
            &mut config,
            "\"mounts\": [",
            &format!("\"mounts\": [\n{},", mounts.join(",\n")),
        );
        fs::write(&config_path, config).unwrap();

        // A FIFO nobody writes to: opening it blocks forever without a child.
        make_fifo(&dir.path().join("shared/never"));

        let id = format!("pidone-{}-{}", spec.name, std::process::id());
        Bundle {
            dir,
            id,
            terminal: spec.terminal,
        }
    }

    /// The host side of the container's /shared.
    pub fn shared(&self) -> PathBuf {
        self.dir.path().join("shared")
    }

    /// `runc create` then `runc start`: the container runs until it stops or the
    /// returned handle is dropped, which deletes it whatever state it is in.
    pub fn start(&self) -> Container<'_> {
        let container = self.create();
        assert_eq!(container.status().as_deref(), Some("created"));
        container.runc(&["start", &self.id]);
        container
    }

    fn create(&self) -> Container<'_> {
        let state_root = self.dir.path().join("runc-root");
        let pid_file = self.dir.path().join("init.pid");
        let mut cmd = Command::new("runc");
        cmd.arg("--root")
            .arg(&state_root)
            .args(["create", "--bundle"])
            .arg(self.dir.path())
            .arg("--pid-file")
            .arg(&pid_file);
        let mut container = Container {
            bundle: self,
            state_root,
            pid: 0,
            exit: None,
            lines: None,
            seen: Vec::new(),
            unmatched: Vec::new(),
            stderr: None,
            stdin: None,
            terminal: None,
        };
        if self.terminal {
            // The runtime creates the pty inside the container and passes its
            // master side over this socket, as it does to containerd and conmon.
            let socket_path = self.dir.path().join("console.sock");
            let listener = UnixListener::bind(&socket_path).unwrap();
            let (console_tx, console_rx) = mpsc::channel();
            thread::spawn(move || console_tx.send(receive_fd(&listener)));
            let out = cmd
                .arg("--console-socket")
                .arg(&socket_path)
                .arg(&self.id)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "runc create: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let master = console_rx
                .recv_timeout(PATIENCE)
                .expect("no console from runc");
            let master = fs::File::from(master);
            container.terminal = Some(master.try_clone().unwrap());
            container.lines = Some(read_lines(master));
        } else {
            // Without a terminal, runc hands its own stdio to the container: the
            // container's stdin, stdout and stderr are these pipes.
            let mut child = cmd
                .arg(&self.id)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            container.stdin = child.stdin.take();
            container.lines = Some(read_lines(child.stdout.take().unwrap()));
            let (stderr_tx, stderr_rx) = mpsc::channel();
            let mut stderr = child.stderr.take().unwrap();
            thread::spawn(move || {
                let mut text = String::new();
                let _ = stderr.read_to_string(&mut text);
                stderr_tx.send(text)
            });
            container.stderr = Some(stderr_rx);
            let status = child.wait().unwrap();
            if !status.success() {
                let why = container.stderr.take().unwrap().recv_timeout(PATIENCE);
                panic!("runc create failed ({status}): {}", why.unwrap_or_default());
            }
        }
        container.pid = fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        // `runc create` has exited, so its child, the container's init, is ours now.
        let pid = container.pid;
        let (exit_tx, exit_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut status = 0;
            // SAFETY: waitpid writes only to `status`.
            let r = unsafe { libc::waitpid(pid, &mut status, 0) };
            let _ = exit_tx.send(if r == pid {
                Ok(status)
            } else {
                Err(std::io::Error::last_os_error())
            });
        });
        container.exit = Some(exit_rx);
        container
    }
}

/// How the container's init ended, as `waitpid` reported it.
#[derive(Debug, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

/// A created container. Dropping it runs `runc delete --force`.
pub struct Container<'b> {
    bundle: &'b Bundle,
    state_root: PathBuf,
    /// The init's pid on the host.
    pub pid: i32,
    exit: Option<Receiver<std::io::Result<i32>>>,
    lines: Option<Receiver<String>>,
    seen: Vec<String>,
    unmatched: Vec<String>,
    stderr: Option<Receiver<String>>,
    stdin: Option<ChildStdin>,
    terminal: Option<fs::File>,
}

impl Container<'_> {
    fn runc(&self, args: &[&str]) -> String {
        let out = Command::new("runc")
            .arg("--root")
            .arg(&self.state_root)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "runc {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// `runc kill ID SIGNAL`: how `docker stop` and `podman stop` deliver the stop signal.
    pub fn kill(&self, signal: &str) {
        self.runc(&["kill", &self.bundle.id, signal]);
    }

    /// The `status` field of `runc state`, or None once the container is gone.
    pub fn status(&self) -> Option<String> {
        let out = Command::new("runc")
            .arg("--root")
            .arg(&self.state_root)
            .args(["state", &self.bundle.id])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        if !out.status.success() {
            return None;
        }
        let json = String::from_utf8(out.stdout).unwrap();
        let (_, rest) = json
            .split_once("\"status\": \"")
            .expect("runc state has no status");
        Some(rest[..rest.find('"').unwrap()].to_string())
    }

    /// Waits for a line of the container's output that contains `needle`, and
    /// takes it. Lines that did not match stay for later calls, so lines from
    /// concurrent processes can be expected in any order.
    pub fn expect_line(&mut self, needle: &str) -> String {
        if let Some(at) = self.unmatched.iter().position(|l| l.contains(needle)) {
            return self.unmatched.remove(at);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.as_ref().unwrap().recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                    self.unmatched.push(line);
                }
                Err(why) => {
                    let stderr = self.stderr_now();
                    panic!(
                        "no line with {needle:?} from the container ({why:?}); it said {:#?}; stderr {stderr:?}",
                        self.seen
                    )
                }
            }
        }
    }

    /// Everything the container printed on stdout until now.
    pub fn output(&mut self) -> Vec<String> {
        while let Ok(line) = self.lines.as_ref().unwrap().try_recv() {
            self.seen.push(line.clone());
            self.unmatched.push(line);
        }
        self.seen.clone()
    }

    /// Waits up to `limit` for the init to exit, and returns how it ended.
    pub fn wait(&mut self, limit: Duration) -> Result<Exit, Duration> {
        let rx = self.exit.as_ref().expect("already waited");
        let status = match rx.recv_timeout(limit) {
            Ok(status) => status.unwrap(),
            Err(RecvTimeoutError::Timeout) => return Err(limit),
            Err(RecvTimeoutError::Disconnected) => panic!("the waitpid thread died"),
        };
        self.exit = None;
        if libc::WIFEXITED(status) {
            Ok(Exit::Code(libc::WEXITSTATUS(status)))
        } else {
            Ok(Exit::Signal(libc::WTERMSIG(status)))
        }
    }

    /// Like `wait`, and a test failure if the init has not exited by then.
    pub fn expect_exit(&mut self, limit: Duration) -> Exit {
        match self.wait(limit) {
            Ok(exit) => exit,
            Err(limit) => panic!(
                "the container was still running after {limit:?} (status {:?}); it said {:#?}",
                self.status(),
                self.output()
            ),
        }
    }

    /// The container's stderr, complete: call after the container has exited.
    pub fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .expect("no stderr pipe")
            .recv_timeout(PATIENCE)
            .expect("the container's stderr was not closed")
    }

    fn stderr_now(&mut self) -> Option<String> {
        self.stderr.as_ref()?.try_recv().ok()
    }

    /// Writes a line to the container's stdin.
    pub fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("no stdin pipe");
        stdin.write_all(format!("{line}\n").as_bytes()).unwrap();
    }

    /// Writes bytes to the terminal, as if typed.
    pub fn type_keys(&mut self, keys: &[u8]) {
        self.terminal
            .as_mut()
            .expect("no terminal")
            .write_all(keys)
            .unwrap();
    }

    /// `runc delete`: only a stopped container can be deleted without --force.
    pub fn delete(self) {
        self.runc(&["delete", &self.bundle.id]);
        assert_eq!(
            self.status(),
            None,
            "the container is still there after runc delete"
        );
    }
}

impl Drop for Container<'_> {
    fn drop(&mut self) {
        // Whatever happened, leave no container, cgroup or process behind.
        let _ = Command::new("runc")
            .arg("--root")
            .arg(&self.state_root)
            .args(["delete", "--force", &self.bundle.id])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if let Some(rx) = self.exit.take() {
            // Collect the init so that it does not stay a zombie of the test.
            let _ = rx.recv_timeout(PATIENCE);
        }
    }
}

/// One process as /proc shows it.
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub state: char,
    pub comm: String,
    /// The pid inside the innermost pid namespace, the container's.
    pub nspid: i32,
}

fn read_proc(pid: i32) -> Option<Proc> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let mut fields = stat[close + 2..].split(' ');
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let nspid = status.lines().find_map(|l| l.strip_prefix("NSpid:"))?;
    Some(Proc {
        pid,
        ppid,
        state,
        comm: stat[open + 1..close].to_string(),
        nspid: nspid.split_whitespace().last()?.parse().ok()?,
    })
}

/// The processes below `root` (excluded), from the host's /proc.
pub fn descendants(root: i32) -> Vec<Proc> {
    let mut all: HashMap<i32, Proc> = HashMap::new();
    for entry in fs::read_dir("/proc").unwrap() {
        let Ok(pid) = entry.unwrap().file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if let Some(proc) = read_proc(pid) {
            all.insert(pid, proc);
        }
    }
    let mut below: HashSet<i32> = HashSet::from([root]);
    // Parents can have larger pids than their children (pids wrap), so repeat
    // until no process is added.
    loop {
        let before = below.len();
        for proc in all.values() {
            if below.contains(&proc.ppid) {
                below.insert(proc.pid);
            }
        }
        if below.len() == before {
            break;
        }
    }
    below.remove(&root);
    let mut procs: Vec<Proc> = all
        .into_values()
        .filter(|p| below.contains(&p.pid))
        .collect();
    procs.sort_by_key(|p| p.pid);
    procs
}

/// Blocks until the process `pid` has been reaped by its parent, or `deadline`.
/// True if it has. A pidfd reports POLLHUP once its process is reaped; it is
/// polled edge-triggered, because it also reports POLLIN as soon as the
/// process has exited, reaped or not.
pub fn wait_reaped(pid: i32, deadline: Instant) -> bool {
    // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
    }
    // SAFETY: the kernel just gave us this fd, and nothing else owns it.
    let pidfd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    // SAFETY: epoll_create1 takes flags only.
    let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
    assert!(epfd >= 0);
    // SAFETY: as above.
    let epoll = unsafe { OwnedFd::from_raw_fd(epfd) };
    let mut event = libc::epoll_event {
        events: (libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLET) as u32,
        u64: 0,
    };
    // SAFETY: both fds are open; `event` is a valid epoll_event.
    let r = unsafe {
        libc::epoll_ctl(
            epoll.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            pidfd.as_raw_fd(),
            &mut event,
        )
    };
    assert_eq!(r, 0);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut ready = libc::epoll_event { events: 0, u64: 0 };
        // SAFETY: `ready` has room for the one event asked for.
        let n = unsafe {
            libc::epoll_wait(
                epoll.as_raw_fd(),
                &mut ready,
                1,
                left.as_millis().max(1) as i32,
            )
        };
        if n == 1 && ready.events & libc::EPOLLHUP as u32 != 0 {
            return true;
        }
        if n == 0 {
            break;
        }
    }
    // Last look, for kernels whose pidfds do not wake pollers on reaping.
    let mut pfd = libc::pollfd {
        fd: pidfd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no wait.
    unsafe { libc::poll(&mut pfd, 1, 0) };
    pfd.revents & libc::POLLHUP != 0 || read_proc(pid).is_none_or(|p| p.state != 'Z')
}

/// Whether `path` is an ELF executable that names a program interpreter
/// (a dynamic loader), which the container's root filesystem does not have.
fn has_elf_interpreter(path: &Path) -> bool {
    const PT_INTERP: u32 = 3;
    let elf = fs::read(path).unwrap();
    if elf.len() < 64 || &elf[..4] != b"\x7fELF" || elf[4] != 2 {
        return false; // not a 64-bit ELF file: a script, say
    }
    let u16_at = |at: usize| u16::from_le_bytes([elf[at], elf[at + 1]]) as usize;
    let phoff = u64::from_le_bytes(elf[0x20..0x28].try_into().unwrap()) as usize;
    let (phentsize, phnum) = (u16_at(0x36), u16_at(0x38));
    (0..phnum).any(|i| {
        let at = phoff + i * phentsize;
        elf.get(at..at + 4) == Some(&PT_INTERP.to_le_bytes()[..])
    })
}

pub fn make_fifo(path: &Path) {
    let c_path = CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: `c_path` is a valid NUL-terminated path.
    let r = unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) };
    assert_eq!(
        r,
        0,
        "mkfifo {}: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

/// Opens a FIFO for writing, which blocks until the container opens it for reading.
pub fn open_fifo_for_writing(path: &Path) -> fs::File {
    let (tx, rx) = mpsc::channel();
    let path = path.to_path_buf();
    // A thread, so that a container that never opens it fails the test rather than hangs it.
    thread::spawn(move || tx.send(fs::OpenOptions::new().write(true).open(path)));
    rx.recv_timeout(PATIENCE)
        .expect("the container never opened the FIFO")
        .unwrap()
}

fn copy_executable(from: &Path, to: &Path) {
    fs::copy(from, to)
        .unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
    fs::set_permissions(to, fs::Permissions::from_mode(0o755)).unwrap();
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn bind_mount(source: &Path, destination: &str, read_only: bool) -> String {
    format!(
        "\t\t{{\"destination\": {}, \"type\": \"bind\", \"source\": {}, \"options\": [\"rbind\", \"{}\"]}}",
        json_string(destination),
        json_string(source.to_str().unwrap()),
        if read_only { "ro" } else { "rw" }
    )
}

/// Replaces `from` with `to` in `text`, insisting it occurs exactly once, so
/// that a runc whose `runc spec` output looks different fails loudly here.
fn replace_once(text: &mut String, from: &str, to: &str) {
    assert_eq!(
        text.matches(from).count(),
        1,
        "`runc spec` output has no single {from:?}"
    );
    *text = text.replacen(from, to, 1);
}

fn replace_args(config: &mut String, args: &[&str]) {
    let start = config
        .find("\"args\": [")
        .expect("`runc spec` output has no args");
    let end = start + config[start..].find(']').unwrap() + 1;
    let list: Vec<String> = args.iter().map(|a| json_string(a)).collect();
    config.replace_range(start..end, &format!("\"args\": [{}]", list.join(", ")));
}

/// Reads lines (without the `\r` a terminal adds) until end-of-file or error.
fn read_lines(from: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        // A pty master reports EIO once the last slave fd is closed: that ends it too.
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            if tx.send(line.trim_end_matches('\r').to_string()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Accepts one connection and receives the file descriptor it sends with
/// SCM_RIGHTS: the console socket protocol of runc (and of the OCI runtime spec).
fn receive_fd(listener: &UnixListener) -> OwnedFd {
    let (stream, _) = listener.accept().unwrap();
    let mut name = [0u8; 4096];
    let mut iov = libc::iovec {
        iov_base: name.as_mut_ptr().cast(),
        iov_len: name.len(),
    };
    // u64 for the alignment cmsghdr needs.
    let mut control = [0u64; 32];
    // SAFETY: msghdr is plain data; all-zero is a valid empty header.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: `msg` points to buffers that live through the call.
    let n = unsafe { libc::recvmsg(stream.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
    assert!(n >= 0, "recvmsg: {}", std::io::Error::last_os_error());
    // SAFETY: `msg` was filled in by recvmsg; CMSG_FIRSTHDR checks the length.
    let cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    assert!(!cmsg.is_null(), "runc sent no file descriptor");
    // SAFETY: `cmsg` is a valid header inside `control`, checked non-null above.
    unsafe {
        assert_eq!((*cmsg).cmsg_level, libc::SOL_SOCKET);
        assert_eq!((*cmsg).cmsg_type, libc::SCM_RIGHTS);
        let fd = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>());
        OwnedFd::from_raw_fd(fd)
    }
}
