/*
 * bw: the benchmark's workloads and drivers, in one small C program.
 *
 * Compiled at bench time by bench/bench.py (gcc -O2 -static). Not a test.
 *
 * Workloads run as the COMMAND under an init and report events on stdout as
 * text lines "NAME value" with CLOCK_MONOTONIC timestamps in nanoseconds:
 *   bw idle              print READY, then sleep forever (memory, wakeups)
 *   bw sig               print READY; on SIGUSR1 print "U ts"; on SIGTERM
 *                        print "T ts" and exit 0
 *   bw orphans N         create N orphans the init must reap, print a result
 *   bw leftover MS       start a setsid'd background process that handles
 *                        SIGTERM with an MS-long cleanup, then exit 0
 *
 * Drivers are run by bench.py; they start "CMD..." (an init, possibly under
 * unshare) and time it from outside:
 *   bw siglat [-u] K -- CMD...     K forwarded SIGUSR1s, then one SIGTERM
 *   bw leftover-run [-u] -- CMD... what the background process experiences
 * -u: CMD is "unshare --fork ..." and the init is unshare's child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
	fprintf(stderr, "bw: %s: %s\n", what, strerror(errno));
	exit(99);
}

/* Async-signal-safe "NAME number\n" to fd. */
static void emit(int fd, const char *name, int64_t v) {
	char buf[64];
	size_t n = strlen(name);
	memcpy(buf, name, n);
	buf[n++] = ' ';
	char tmp[24];
	int t = 0;
	int neg = v < 0;
	uint64_t u = neg ? (uint64_t)(-v) : (uint64_t)v;
	do {
		tmp[t++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		buf[n++] = '-';
	while (t)
		buf[n++] = tmp[--t];
	buf[n++] = '\n';
	ssize_t r;
	do
		r = write(fd, buf, n);
	while (r < 0 && errno == EINTR);
}

static void sleep_ns(int64_t ns) {
	struct timespec ts = {ns / 1000000000LL, ns % 1000000000LL};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void on(int sig, void (*fn)(int)) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) < 0)
		die("sigaction");
}

/* ---------------------------------------------------------------- idle */

static _Noreturn void cmd_idle(void) {
	emit(1, "READY", getpid());
	for (;;)
		pause();
}

/* ----------------------------------------------------------------- sig */

static void sig_usr1(int s) {
	(void)s;
	emit(1, "U", now_ns());
}
static void sig_term(int s) {
	(void)s;
	emit(1, "T", now_ns());
	_exit(0);
}

static _Noreturn void cmd_sig(void) {
	on(SIGUSR1, sig_usr1);
	on(SIGTERM, sig_term);
	emit(1, "READY", getpid());
	for (;;)
		pause();
}

/* ------------------------------------------------------------- orphans */

static char *kids_buf;
static size_t kids_cap = 4 << 20;

/* Children of `pid` (its /proc task children list), zombies included. */
static long read_children(pid_t pid, pid_t *out, long max) {
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		ssize_t r = read(fd, kids_buf + len, kids_cap - 1 - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len >= kids_cap - 1)
			break;
	}
	close(fd);
	kids_buf[len] = 0;
	long n = 0;
	char *p = kids_buf;
	while (*p) {
		while (*p == ' ' || *p == '\n')
			p++;
		if (!*p)
			break;
		long v = strtol(p, &p, 10);
		if (out && n < max)
			out[n] = (pid_t)v;
		n++;
	}
	return n;
}

static int64_t sched_runtime_ns(pid_t pid) {
	char path[64], buf[128];
	snprintf(path, sizeof path, "/proc/%d/schedstat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	return strtoll(buf, NULL, 10);
}

/* utime+stime in clock ticks, from /proc/PID/stat fields 14 and 15. */
static long stat_ticks(pid_t pid, char *state) {
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	char *p = strrchr(buf, ')');
	if (!p)
		return -1;
	p += 2; /* state */
	if (state)
		*state = *p;
	long ut = 0, st = 0;
	/* fields after ')' : 3=state 4=ppid ... 14=utime 15=stime */
	int field = 3;
	while (*p && field < 14) {
		if (*p == ' ')
			field++;
		p++;
	}
	if (sscanf(p, "%ld %ld", &ut, &st) != 2)
		return -1;
	return ut + st;
}

/*
 * One orphan: child A (sharing our memory, we wait while it runs) starts
 * grandchild G (sharing it too, A waits until G has exited) and exits; G is
 * then a zombie whose parent is gone, and the kernel hands it to the init.
 * CLONE_VM spares both the page-table copies of fork, so the workload makes
 * orphans faster than any init reaps them; the vfork waits keep exactly one
 * user of each stack at a time.
 */
static char stack_a[65536] __attribute__((aligned(16)));
static char stack_g[65536] __attribute__((aligned(16)));

static int orphan_g(void *arg) {
	(void)arg;
	return 0;
}

static int orphan_a(void *arg) {
	(void)arg;
	pid_t g = clone(orphan_g, stack_g + sizeof stack_g,
	                CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
	return g < 0 ? 1 : 0;
}

static pid_t make_orphan(void) {
	return clone(orphan_a, stack_a + sizeof stack_a,
	             CLONE_VM | CLONE_VFORK | SIGCHLD, NULL);
}

/* voluntary_ctxt_switches of pid: how often it went to sleep (woke up). */
static long wakeups(pid_t pid) {
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	char *p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? atol(p + 26) : -1;
}

static int cmd_orphans(long n) {
	pid_t self = getpid();
	pid_t init = getppid();
	kids_buf = malloc(kids_cap);
	if (!kids_buf)
		die("malloc");

	/* Probe: does an orphan of ours land at our parent (the init)? */
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t a = fork();
	if (a < 0)
		die("fork");
	if (a == 0) {
		pid_t mine = getpid();
		pid_t g = fork();
		if (g == 0) {
			while (getppid() == mine)
				sleep_ns(100000);
			pid_t np = getppid();
			if (write(p[1], &np, sizeof np) < 0)
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(a, NULL, 0);
	pid_t np = 0;
	if (read(p[0], &np, sizeof np) != sizeof np)
		die("probe read");
	close(p[0]);
	close(p[1]);
	if (np != init) {
		printf("ORPHANS adopted=0 newparent=%d init=%d\n", np, init);
		fflush(stdout);
		return 0;
	}
	/* let the init reap the probe orphan */
	int64_t dl = now_ns() + 2000000000LL;
	while (read_children(init, NULL, 0) > 1 && now_ns() < dl)
		sleep_ns(50000);

	char st;
	int64_t cpu0 = sched_runtime_ns(init);
	long tick0 = stat_ticks(init, &st);
	long wake0 = wakeups(init);
	long retries = 0, throttles = 0;
	int64_t t0 = now_ns();
	for (long i = 0; i < n; i++) {
		if ((i & 1023) == 1023) {
			/* keep concurrent processes bounded, far below pid_max */
			while (read_children(init, NULL, 0) > 4096) {
				throttles++;
				sleep_ns(100000);
			}
		}
		pid_t c = make_orphan();
		if (c < 0) {
			if (errno == EAGAIN || errno == ENOMEM) {
				retries++;
				sleep_ns(100000);
				i--;
				continue;
			}
			die("fork");
		}
		int ws;
		while (waitpid(c, &ws, 0) < 0)
			if (errno != EINTR)
				die("waitpid");
		if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
			retries++;
			i--;
		}
	}
	int64_t t1 = now_ns();
	/* wait until the init has reaped every orphan: its only child is us */
	int64_t deadline = t1 + 120000000000LL;
	long left;
	while ((left = read_children(init, NULL, 0)) > 1 && now_ns() < deadline)
		sleep_ns(20000);
	int64_t t2 = now_ns();
	int64_t cpu1 = sched_runtime_ns(init);
	long tick1 = stat_ticks(init, &st);
	long wake1 = wakeups(init);
	long zombies = 0, alive = 0;
	if (left > 1) {
		static pid_t kids[65536];
		long k = read_children(init, kids, 65536);
		for (long i = 0; i < k && i < 65536; i++) {
			if (kids[i] == self)
				continue;
			char s = '?';
			if (stat_ticks(kids[i], &s) >= 0 && s == 'Z')
				zombies++;
			else
				alive++;
		}
	}
	printf("ORPHANS adopted=1 n=%ld create_ns=%lld reaped_ns=%lld cpu_ns=%lld "
	       "ticks=%ld hz=%ld wakeups=%ld zombies=%ld alive=%ld retries=%ld throttles=%ld\n",
	       n, (long long)(t1 - t0), (long long)(t2 - t0), (long long)(cpu1 - cpu0),
	       tick1 - tick0, sysconf(_SC_CLK_TCK), wake1 - wake0, zombies, alive, retries, throttles);
	fflush(stdout);
	return 0;
}

/* ------------------------------------------------------------ leftover */

static volatile sig_atomic_t bg_term;
static void bg_on_term(int s) {
	(void)s;
	emit(1, "BGTERM", now_ns());
	bg_term = 1;
}

static int cmd_leftover(long cleanup_ms) {
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t b = fork();
	if (b < 0)
		die("fork");
	if (b == 0) {
		close(p[0]);
		setsid();
		on(SIGTERM, bg_on_term);
		char c = 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		close(p[1]);
		while (!bg_term)
			pause();
		sleep_ns(cleanup_ms * 1000000LL); /* the "cleanup" */
		emit(1, "BGDONE", now_ns());
		_exit(0);
	}
	close(p[1]);
	char c;
	if (read(p[0], &c, 1) != 1)
		die("bg ready");
	emit(1, "BGREADY", b);
	/* wait for the driver's go (it needs the init's pid first) */
	if (read(0, &c, 1) < 0)
		die("read go");
	emit(1, "CMDEXIT", now_ns());
	_exit(0);
}

/* ------------------------------------------------------------- drivers */

struct reader {
	int fd;
	char buf[8192];
	size_t len;
	int eof;
};

/* Read one line within timeout_ms; 1 = got line, 0 = timeout, -1 = EOF. */
static int read_line(struct reader *r, char *out, size_t cap, int timeout_ms) {
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000LL;
	for (;;) {
		char *nl = memchr(r->buf, '\n', r->len);
		if (nl) {
			size_t n = (size_t)(nl - r->buf);
			if (n >= cap)
				n = cap - 1;
			memcpy(out, r->buf, n);
			out[n] = 0;
			size_t used = (size_t)(nl - r->buf) + 1;
			memmove(r->buf, r->buf + used, r->len - used);
			r->len -= used;
			return 1;
		}
		if (r->eof)
			return -1;
		int64_t left = deadline - now_ns();
		if (left <= 0)
			return 0;
		struct pollfd pf = {r->fd, POLLIN, 0};
		int pr = poll(&pf, 1, (int)(left / 1000000) + 1);
		if (pr < 0 && errno != EINTR)
			die("poll");
		if (pr <= 0)
			continue;
		ssize_t got = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
		if (got < 0 && errno != EINTR)
			die("read");
		if (got == 0)
			r->eof = 1;
		if (got > 0)
			r->len += (size_t)got;
	}
}

/* Expect a line "NAME value" within timeout; returns value or -1. */
static int64_t expect(struct reader *r, const char *name, int timeout_ms) {
	char line[256];
	size_t n = strlen(name);
	for (;;) {
		int rc = read_line(r, line, sizeof line, timeout_ms);
		if (rc <= 0)
			return -1;
		if (strncmp(line, name, n) == 0 && line[n] == ' ')
			return strtoll(line + n + 1, NULL, 10);
	}
}

static pid_t spawn(char **argv, int out_w, int in_r) {
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (in_r >= 0 && dup2(in_r, 0) < 0)
			_exit(98);
		if (dup2(out_w, 1) < 0)
			_exit(98);
		execvp(argv[0], argv);
		fprintf(stderr, "bw: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* The init's host pid: the spawned process, or unshare's only child. */
static pid_t find_init(pid_t spawned, int via_unshare) {
	if (!via_unshare)
		return spawned;
	if (!kids_buf && !(kids_buf = malloc(kids_cap)))
		die("malloc");
	pid_t k[4];
	int64_t dl = now_ns() + 5000000000LL;
	while (now_ns() < dl) {
		if (read_children(spawned, k, 4) >= 1)
			return k[0];
		sleep_ns(100000);
	}
	return -1;
}

static int pidfd_open_(pid_t pid) {
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* 1 if the pidfd reports exit within timeout_ms. */
static int wait_exit(int pidfd, int timeout_ms) {
	struct pollfd pf = {pidfd, POLLIN, 0};
	int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000LL;
	for (;;) {
		int64_t left = deadline - now_ns();
		if (left < 0)
			left = 0;
		int r = poll(&pf, 1, (int)(left / 1000000));
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			die("poll pidfd");
	}
}

static int cmd_siglat(int via_unshare, int k, char **argv) {
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t child = spawn(argv, p[1], -1);
	close(p[1]);
	struct reader r = {.fd = p[0]};
	if (expect(&r, "READY", 10000) < 0) {
		printf("ERROR no READY\n");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	pid_t init = find_init(child, via_unshare);
	if (init < 0)
		die("find init");
	int pidfd = pidfd_open_(init);
	if (pidfd < 0)
		die("pidfd_open");
	printf("FWD");
	for (int i = 0; i < k; i++) {
		sleep_ns(1000000); /* let the init settle back into its wait */
		int64_t t0 = now_ns();
		if (kill(init, SIGUSR1) < 0)
			die("kill");
		int64_t t1 = expect(&r, "U", 5000);
		printf(" %lld", (long long)(t1 < 0 ? -1 : t1 - t0));
	}
	printf("\n");
	sleep_ns(1000000);
	int64_t t0 = now_ns();
	if (kill(init, SIGTERM) < 0)
		die("kill");
	int64_t t1 = expect(&r, "T", 5000);
	int ok = wait_exit(pidfd, 10000);
	int64_t t2 = now_ns();
	printf("TERMFWD %lld\n", (long long)(t1 < 0 ? -1 : t1 - t0));
	printf("SHUT %lld\n", (long long)(ok ? t2 - t0 : -1));
	if (!ok)
		kill(init, SIGKILL);
	int ws;
	waitpid(child, &ws, 0);
	printf("STATUS %d\n", ws);
	return 0;
}

/* NSpid's last field of /proc/PID/status: the pid as seen in its own ns. */
static pid_t inner_pid(pid_t pid) {
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = 0;
	char *p = strstr(buf, "\nNSpid:");
	if (!p)
		return -1;
	p += 7;
	char *end = strchr(p, '\n');
	if (end)
		*end = 0;
	char *last = strrchr(p, '\t');
	return (pid_t)atol(last ? last + 1 : p);
}

/* Host pid of the descendant of `root` that calls itself `inner`. */
static pid_t host_pid_of(pid_t root, pid_t inner) {
	if (!kids_buf && !(kids_buf = malloc(kids_cap)))
		die("malloc");
	pid_t queue[256];
	int head = 0, tail = 0;
	queue[tail++] = root;
	while (head < tail) {
		pid_t x = queue[head++];
		if (x != root && inner_pid(x) == inner)
			return x;
		pid_t k[64];
		long n = read_children(x, k, 64);
		for (long i = 0; i < n && i < 64 && tail < 256; i++)
			queue[tail++] = k[i];
	}
	return -1;
}

static int cmd_leftover_run(int via_unshare, char **argv) {
	/* Orphans left behind in plain-child mode land here, so we can see
	 * how they died (or that they were still running). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("subreaper");
	int p[2], g[2];
	if (pipe2(p, O_CLOEXEC) < 0 || pipe2(g, O_CLOEXEC) < 0)
		die("pipe");
	pid_t child = spawn(argv, p[1], g[0]);
	close(p[1]);
	close(g[0]);
	struct reader r = {.fd = p[0]};
	int64_t bg = expect(&r, "BGREADY", 10000);
	if (bg < 0) {
		printf("ERROR no BGREADY\n");
		return 1;
	}
	pid_t init = find_init(child, via_unshare);
	int pidfd = pidfd_open_(init);
	if (pidfd < 0)
		die("pidfd_open");
	pid_t bghost = host_pid_of(child, (pid_t)bg);
	if (bghost < 0) {
		printf("ERROR background process not found\n");
		return 1;
	}
	bg = bghost;
	if (write(g[1], "g", 1) != 1)
		die("go");
	close(g[1]);
	int64_t cmdexit = -1, bgterm = -1, bgdone = -1, initexit = -1;
	int64_t start = now_ns(), hard = start + 30000000000LL;
	int64_t stop_at = -1;
	struct pollfd pf[2] = {{p[0], POLLIN, 0}, {pidfd, POLLIN, 0}};
	for (;;) {
		int64_t t = now_ns();
		if (t > hard || (stop_at > 0 && t > stop_at))
			break;
		if (r.eof && initexit > 0)
			break;
		/* drain complete lines already buffered */
		char line[256];
		int rc;
		while ((rc = read_line(&r, line, sizeof line, 0)) == 1) {
			long long v = 0;
			if (sscanf(line, "CMDEXIT %lld", &v) == 1)
				cmdexit = v;
			else if (sscanf(line, "BGTERM %lld", &v) == 1)
				bgterm = v;
			else if (sscanf(line, "BGDONE %lld", &v) == 1)
				bgdone = v;
		}
		pf[0].fd = r.eof ? -1 : p[0];
		pf[1].fd = initexit > 0 ? -1 : pidfd;
		int64_t wait_until = stop_at > 0 ? stop_at : hard;
		int pr = poll(pf, 2, (int)((wait_until - t) / 1000000) + 1);
		if (pr < 0 && errno != EINTR)
			die("poll");
		if (pr > 0 && pf[0].fd >= 0 && (pf[0].revents & (POLLIN | POLLHUP))) {
			ssize_t got = read(r.fd, r.buf + r.len, sizeof r.buf - r.len);
			if (got == 0)
				r.eof = 1;
			else if (got > 0)
				r.len += (size_t)got;
		}
		if (pr > 0 && pf[1].fd >= 0 && (pf[1].revents & POLLIN)) {
			initexit = now_ns();
			/* the init is gone: anything still alive now was left behind */
			stop_at = initexit + 500000000LL;
		}
	}
	/* background process: still alive? if it was reparented to us, how
	 * did it end? */
	char fate[64] = "gone";
	char st = '?';
	if (stat_ticks((pid_t)bg, &st) >= 0 && st != 'Z') {
		snprintf(fate, sizeof fate, "alive");
		kill((pid_t)bg, SIGKILL);
	}
	int ws;
	pid_t w;
	int64_t reap_dl = now_ns() + 2000000000LL;
	for (;;) {
		w = waitpid(-1, &ws, WNOHANG);
		if (w < 0)
			break; /* ECHILD: nothing left */
		if (w == 0) {
			if (now_ns() > reap_dl)
				break;
			sleep_ns(1000000);
			continue;
		}
		if (w == (pid_t)bg && strcmp(fate, "alive") != 0) {
			if (WIFEXITED(ws))
				snprintf(fate, sizeof fate, "exit%d", WEXITSTATUS(ws));
			else if (WIFSIGNALED(ws))
				snprintf(fate, sizeof fate, "signal%d", WTERMSIG(ws));
		}
	}
	printf("CMDEXIT %lld\nBGTERM %lld\nBGDONE %lld\nINITEXIT %lld\nBGFATE %s\n",
	       (long long)cmdexit, (long long)bgterm, (long long)bgdone,
	       (long long)initexit, fate);
	return 0;
}

/* ---------------------------------------------------------------- main */

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (argc < 2) {
		fprintf(stderr, "usage: bw idle|sig|orphans N|leftover MS|siglat|leftover-run\n");
		return 2;
	}
	const char *c = argv[1];
	if (!strcmp(c, "idle"))
		cmd_idle();
	if (!strcmp(c, "sig"))
		cmd_sig();
	if (!strcmp(c, "orphans") && argc == 3)
		return cmd_orphans(atol(argv[2]));
	if (!strcmp(c, "leftover") && argc == 3)
		return cmd_leftover(atol(argv[2]));
	int i = 2, via = 0;
	if (i < argc && !strcmp(argv[i], "-u")) {
		via = 1;
		i++;
	}
	if (!strcmp(c, "siglat") && i + 2 < argc && !strcmp(argv[i + 1], "--")) {
		int r = cmd_siglat(via, atoi(argv[i]), argv + i + 2);
		fflush(stdout);
		return r;
	}
	if (!strcmp(c, "leftover-run") && i + 1 < argc && !strcmp(argv[i], "--")) {
		int r = cmd_leftover_run(via, argv + i + 1);
		fflush(stdout);
		return r;
	}
	fprintf(stderr, "bw: bad arguments\n");
	return 2;
}
