#!/bin/sh
# Exits 10 when SIGUSR1 reaches it.
trap 'echo "app: SIGUSR1" >>/out/log; exit 10' USR1
sleep 1000 &
echo "app: ready" >>/out/log
wait
