#!/bin/sh
# The entrypoint of a database container, as images often have it: it starts
# the server in the background, then runs the main application.
#
# usage: entrypoint.sh SERVER MODE       (environment: DIR, the case's directory)
#   SERVER  pg-bg         postgres &
#           pg-ctl        pg_ctl start (the server leads a session of its own)
#           redis-daemon  redis-server --daemonize yes
#   MODE    exit          the main app does its work and exits
#           stop          the main app runs until it gets a signal
#
# The servers run as their own users, on unix sockets in $DIR/sock only.
set -eu
pgbin=/usr/lib/postgresql/15/bin
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
as_redis() { setpriv --reuid=redis --regid=redis --init-groups -- "$@"; }
pgopts="-c listen_addresses= -c unix_socket_directories=$DIR/sock"

case $1 in
pg-bg)
	as_postgres "$pgbin/postgres" -D "$DIR/data" $pgopts >>"$DIR/server.log" 2>&1 &
	# What such entrypoints do: poll until the server answers.
	until pg_isready -q -h "$DIR/sock" -U postgres -d postgres; do sleep 0.1; done
	;;
pg-ctl)
	# pg_ctl start waits until the server accepts connections.
	as_postgres "$pgbin/pg_ctl" start -s -D "$DIR/data" -l "$DIR/server.log" -o "$pgopts"
	;;
redis-daemon)
	as_redis redis-server --daemonize yes --port 0 --unixsocket "$DIR/sock/redis.sock" \
		--dir "$DIR/data" --logfile "$DIR/server.log" --pidfile "$DIR/data/redis.pid"
	until redis-cli -s "$DIR/sock/redis.sock" ping >/dev/null 2>&1; do sleep 0.1; done
	;;
*)
	echo "entrypoint.sh: unknown server $1" >&2
	exit 2
	;;
esac

# The main app.
case $1 in
pg-*) as_postgres psql -X -q -h "$DIR/sock" -d postgres -c 'create table t (x int); insert into t values (1)' ;;
redis-*) redis-cli -s "$DIR/sock/redis.sock" set k v >/dev/null ;;
esac
echo "app: ready" >>"$DIR/app.log"
case $2 in
exit) exit 0 ;;
stop) exec sleep 3600 ;;
esac
