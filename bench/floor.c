/*
 * floor: the least any wrapper can do, for reference in the overhead table.
 * fork, execve(argv[1], argv+1), wait4, exit with the status: no libc, no
 * signal handling, no reaping of anything else. Not an init.
 * Built by bench.py: gcc -O2 -static -nostdlib -fno-stack-protector.
 */
#include <asm/unistd.h>

static long sys1(long n, long a) {
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}
static long sys3(long n, long a, long b, long c) {
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}
static long sys4(long n, long a, long b, long c, long d) {
	long r;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

__attribute__((noreturn, used)) void start_c(long *sp) {
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	if (argc < 2)
		sys1(__NR_exit_group, 2);
	long pid = sys1(__NR_fork, 0);
	if (pid == 0) {
		sys3(__NR_execve, (long)argv[1], (long)(argv + 1), (long)envp);
		sys1(__NR_exit_group, 127);
	}
	int status = 0;
	sys4(__NR_wait4, pid, (long)&status, 0, 0);
	sys1(__NR_exit_group, (status >> 8) & 0xff);
	for (;;)
		;
}

__asm__(".globl _start\n_start:\n xor %rbp, %rbp\n mov %rsp, %rdi\n and $-16, %rsp\n call start_c\n hlt\n");
