"""Runs a command as a child subreaper that reaps every orphan the moment it
exits, as a host's init or a container runtime's shim does; exits with the
command's status.

dumb-init's tests count the processes they started as alive while
/proc/PID exists, zombies included, and give them 1.5 s to go. Once
dumb-init has exited, its orphans are adopted by the nearest subreaper or
PID 1; on these machines PID 1 reaps them late, and the tests then fail
under any init. Under this reaper both subjects get the adopter those tests
assume.

    python host_reaper.py command [args...]
"""

import ctypes
import os
import sys

PR_SET_CHILD_SUBREAPER = 36


def main():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("host_reaper: prctl: " + os.strerror(ctypes.get_errno()))
    command = os.fork()
    if command == 0:
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    while True:
        pid, status = os.wait()
        if pid == command:
            # Orphans still running are the caller's to sweep.
            code = os.waitstatus_to_exitcode(status)
            sys.exit(128 - code if code < 0 else code)


if __name__ == "__main__":
    main()
