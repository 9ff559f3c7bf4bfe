#!/bin/sh
# Runs in the foreground of a terminal; Ctrl-C must reach it as SIGINT.
trap 'echo "app: SIGINT"; exit 42' INT
echo "app: ready"
cat >/dev/null
echo "app: end of input, no SIGINT"
exit 1
