#!/bin/sh
# A worker that cleans up when it gets SIGTERM: it leaves a marker file the test
# reads, so a worker killed without the chance to clean up leaves none. It says
# it is ready only once its `sleep` exists: a SIGTERM that came before the fork
# would otherwise run the trap only after it, and the new `sleep`, started
# after the init's SIGTERM, would be killed at the end of the grace period.
n=$1
trap 'echo "worker $n: cleaning up"; echo clean > "/shared/worker-$n.clean"; exit 0' TERM
sleep 1000 &
echo "worker $n: ready"
wait $!
