#!/bin/sh
# A command that leaves work behind when it exits: what an init is for.
# Run it with:  cargo run --release -- -v -w --grace 2s sh demo/graceful.sh

echo "demo: starting a worker that cleans up on SIGTERM"
sh -c 'trap "echo worker: got SIGTERM, cleaning up; exit 0" TERM
       sleep 1000 & wait' &

echo "demo: starting a worker that ignores SIGTERM"
sh -c 'trap "" TERM; exec sleep 1000' &

echo "demo: leaving 3 orphans behind (their parents exit at once)"
for i in 1 2 3; do sh -c 'sleep 0.2 &'; done

sleep 0.5
echo "demo: main command exits with status 3"
exit 3
