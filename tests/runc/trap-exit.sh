#!/bin/sh
# An application that handles SIGTERM the way a well-behaved server does: it
# cleans up and exits with a status of its own ($1), so the test can tell its
# exit apart from a kill by signal. SIGHUP is its "reload the configuration".
code=${1:-42}
trap 'echo "app: got SIGTERM, exiting $code"; exit "$code"' TERM
trap 'echo "app: got SIGHUP, reloading"' HUP
# A child of its own that stays behind when the app exits: the init must end
# it. Started before "ready", so that a signal sent on "ready" finds it.
sleep 1000 &
echo "app: ready pid=$$ ppid=$PPID"
# A trapped signal interrupts `wait`: wait again until the child is gone.
while kill -0 "$!" 2>/dev/null; do
	wait "$!"
done
echo "app: sleep ended without a signal"
exit 1
