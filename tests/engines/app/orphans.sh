#!/bin/sh
# Leaves 200 orphans: each subshell starts a sleep and exits, so the sleep is
# handed to PID 1. The app itself then waits as tail, so that the orphans can
# be told apart from it.
i=0
while [ $i -lt 200 ]; do
	(sleep 1000 &)
	i=$((i + 1))
done
echo "orphans: started" >>/out/log
exec tail -f /dev/null
