#!/bin/sh
# Makes $1 orphans: each is a background child of a subshell that exits at once,
# so the kernel hands it to PID 1. Each orphan blocks reading fd 4, the read end
# of a FIFO whose only writer is the test: when the test closes it, all of them
# exit together while this script sits in `read` below and reaps nothing, so
# only PID 1 can collect them.
n=$1
exec 4< /shared/gate
i=0
while [ "$i" -lt "$n" ]; do
	( read -r x <&4 & )
	i=$((i + 1))
done
exec 4<&-
echo "orphans: $n made by $$"
# Stay up until the test has looked, then exit cleanly.
read -r line
echo "orphans: exiting"
exit 0
