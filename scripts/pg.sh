#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the test suite and the benchmarks.
#   scripts/pg.sh start DIR PORT   -> prints the DATABASE_URL
#   scripts/pg.sh stop DIR
# PostgreSQL refuses to run as root, so as root the cluster runs as the 'postgres' user.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}; port=${3:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "ERROR: PostgreSQL server binaries not found (apt-get install postgresql)." >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_owner "'$bindir/initdb' -D '$dir/data' -U aks --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1"
    as_owner "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
      -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null"
    as_owner "'$bindir/createdb' -h 127.0.0.1 -p $port -U aks aksalarasa"
    echo "postgres://aks@127.0.0.1:$port/aksalarasa"
    ;;
  stop)
    if [ -d "$dir/data" ]; then
      as_owner "'$bindir/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR [PORT]" >&2; exit 2 ;;
esac
