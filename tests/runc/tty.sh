#!/bin/sh
# Reports this process's group and the terminal's foreground group, as the kernel
# sees them, then waits for Ctrl-C from the terminal.
trap 'echo "tty: got SIGINT"; exit 3' INT
read -r stat < "/proc/$$/stat"
# The fields after "(comm) " are: state ppid pgrp session tty_nr tpgid ...
set -- ${stat##*") "}
echo "tty: pid=$$ pgrp=$3 session=$4 tpgid=$6"
sleep 1000 &
wait $!
