#!/bin/sh
# Runs in the foreground of a terminal; Ctrl-C must reach it as SIGINT. The
# ready line comes from the foreground child once it runs, so that a Ctrl-C
# typed right after it cannot fall between two commands of this script.
trap 'echo "app: SIGINT"; exit 42' INT
sh -c 'echo "app: ready"; exec cat >/dev/null'
echo "app: end of input, no SIGINT"
exit 1
