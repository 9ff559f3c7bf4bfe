#!/bin/sh
# A container's main process that starts background workers and, like many
# entrypoint scripts, does not pass SIGTERM on to them: it just exits. Ending
# the workers is the init's job.
trap 'echo "main: got SIGTERM, exiting 5"; exit 5' TERM
for n in 1 2 3; do
	/app/worker.sh "$n" &
done
/app/stubborn-worker &
echo "main: ready"
wait
echo "main: workers ended without a signal"
exit 1
