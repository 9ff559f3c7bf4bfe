#!/bin/sh
# A worker that cleans up when it gets SIGTERM: it leaves a marker file the test
# reads, so a worker killed without the chance to clean up leaves none.
n=$1
trap 'echo "worker $n: cleaning up"; echo clean > "/shared/worker-$n.clean"; exit 0' TERM
echo "worker $n: ready"
sleep 1000 &
wait $!
