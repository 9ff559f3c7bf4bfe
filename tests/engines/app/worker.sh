#!/bin/sh
# A worker that needs about a second to clean up after SIGTERM. $1 names it in
# the log and in /out/$1.pid.
name=$1
log=/out/log
echo $$ >/out/$name.pid
trap 'echo "$name: SIGTERM" >>$log; sleep 1; echo "$name: cleaned up" >>$log; exit 0' TERM
# Ready once its child exists: a SIGTERM before the fork would start the
# child only after the init's SIGTERM.
sleep 1000 &
echo "$name: ready" >>$log
wait
