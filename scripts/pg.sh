#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a loopback port, for the test suite and the benchmarks.
#   scripts/pg.sh start DIR PORT   -> prints the DATABASE_URL
#   scripts/pg.sh replica DIR PORT PRIMARY_PORT -> a streaming replica of the cluster on PRIMARY_PORT
#                                                 (pg_basebackup -R), prints its DATABASE_URL
#   scripts/pg.sh stop DIR
# PostgreSQL refuses to run as root, so as root the cluster runs as the 'postgres' user.
set -euo pipefail
cmd=${1:?start|replica|stop}; dir=${2:?directory}; port=${3:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "ERROR: PostgreSQL server binaries not found (apt-get install postgresql)." >&2
  exit 1
fi
as_owner() {
  # From / so that a working directory the postgres user cannot enter does not matter.
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "cd / && $*"; else bash -c "$*"; fi
}
fail_with_log() {
  echo "ERROR: $1 (log $2 follows)" >&2
  cat "$2" >&2 2>/dev/null || true
  exit 1
}
case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      id postgres >/dev/null 2>&1 || { echo "ERROR: as root, PostgreSQL runs as the 'postgres' user, which is missing." >&2; exit 1; }
      chown postgres "$dir"
    fi
    as_owner "test -w '$dir'" || { echo "ERROR: $dir is not writable by the PostgreSQL user (is a parent directory closed to it?)" >&2; exit 1; }
    as_owner "'$bindir/initdb' -D '$dir/data' -U aks --auth=trust -E UTF8 --locale=C.UTF-8 >'$dir/initdb.log' 2>&1" \
      || fail_with_log "initdb failed" "$dir/initdb.log"
    as_owner "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
      -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start >/dev/null" \
      || fail_with_log "PostgreSQL did not start on port $port" "$dir/server.log"
    as_owner "'$bindir/createdb' -h 127.0.0.1 -p $port -U aks aksalarasa" || fail_with_log "createdb failed" "$dir/server.log"
    echo "postgres://aks@127.0.0.1:$port/aksalarasa"
    ;;
  replica)
    primary_port=${4:?PRIMARY_PORT}
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    as_owner "test -w '$dir'" || { echo "ERROR: $dir is not writable by the PostgreSQL user" >&2; exit 1; }
    # The primary from `start` trusts replication connections from loopback (initdb's pg_hba.conf)
    # and has wal_level=replica and max_wal_senders=10 by default. -R writes primary_conninfo and
    # standby.signal; -X stream copies the WAL written during the copy.
    as_owner "'$bindir/pg_basebackup' -h 127.0.0.1 -p $primary_port -U aks -D '$dir/data' -R -X stream -c fast \
      >'$dir/basebackup.log' 2>&1" || fail_with_log "pg_basebackup from port $primary_port failed" "$dir/basebackup.log"
    as_owner "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
      -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c full_page_writes=off -c max_connections=200 -c hot_standby=on -c hot_standby_feedback=on\" start >/dev/null" \
      || fail_with_log "the replica did not start on port $port" "$dir/server.log"
    as_owner "'$bindir/psql' -h 127.0.0.1 -p $port -U aks -d postgres -Atc 'select pg_is_in_recovery()'" | grep -q t \
      || fail_with_log "the server on port $port is not a standby" "$dir/server.log"
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
