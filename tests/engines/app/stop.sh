#!/bin/sh
# The main process of the stop test. It starts a worker in a session of its
# own, so that no signal sent to the app or its process group reaches it, and
# a process that ignores SIGTERM. On SIGTERM it exits 0 at once and leaves
# both behind, as many entrypoint scripts do: ending them is the init's job.
log=/out/log
trap 'echo "app: SIGTERM" >>$log; exit 0' TERM
setsid /app/worker.sh worker &
sh -c "trap '' TERM; echo 'stubborn: ready' >>$log; exec sleep 1000" &
echo "app: ready" >>$log
wait
