#!/usr/bin/env bash
# A throwaway PgBouncer in transaction mode on a loopback port, in front of the clusters of pg.sh.
#   scripts/pgbouncer.sh start DIR PORT PRIMARY_PORT [REPLICA_PORT]
#       -> prints the DATABASE_URL (the primary) and, with a replica, the REPLICA_DATABASE_URL,
#          one a line. Database "aksalarasa" is the primary's, "aksalarasa_replica" the replica's.
#   scripts/pgbouncer.sh stop DIR
# Django behind it needs DB_TRANSACTION_POOLER=1 (config/settings.py). PgBouncer refuses to run as
# root, so as root it runs as the 'postgres' user, like the clusters.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?directory}
bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "cd / && $*"; else bash -c "$*"; fi
}
case "$cmd" in
  start)
    port=${3:?PORT}; primary_port=${4:?PRIMARY_PORT}; replica_port=${5:-}
    [ -x "$bin" ] || { echo "ERROR: pgbouncer not found (apt-get install pgbouncer)." >&2; exit 1; }
    mkdir -p "$dir"
    replica_line=""
    if [ -n "$replica_port" ]; then
      replica_line="aksalarasa_replica = host=127.0.0.1 port=$replica_port dbname=aksalarasa"
    fi
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
aksalarasa = host=127.0.0.1 port=$primary_port dbname=aksalarasa
$replica_line

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $dir
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
; gunicorn's threads each hold a client connection; the servers are shared between transactions
max_client_conn = 1000
default_pool_size = 20
reserve_pool_size = 5
; a replica that is down must fail fast, so the router falls back to the primary
server_connect_timeout = 2
server_login_retry = 1
query_wait_timeout = 30
ignore_startup_parameters = extra_float_digits
INI
    echo '"aks" ""' >"$dir/userlist.txt"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$dir"; fi
    as_owner "'$bin' -d '$dir/pgbouncer.ini'" || { cat "$dir/pgbouncer.log" >&2 2>/dev/null; echo "ERROR: pgbouncer did not start" >&2; exit 1; }
    for _ in $(seq 50); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
      sleep 0.1
    done
    echo "postgres://aks@127.0.0.1:$port/aksalarasa"
    if [ -n "$replica_port" ]; then echo "postgres://aks@127.0.0.1:$port/aksalarasa_replica"; fi
    ;;
  stop)
    if [ -f "$dir/pgbouncer.pid" ]; then
      pid=$(cat "$dir/pgbouncer.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop DIR ..." >&2; exit 2 ;;
esac
