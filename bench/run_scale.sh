#!/usr/bin/env bash
# The scale benchmark alone: throwaway PostgreSQL, migrate, generate_scale (BENCH_PRESET, default
# medium), then bench/harness.py (key pages and API lists under load with hey, beside their floors),
# then the scale-out: a streaming replica (pg_basebackup -R) and PgBouncer in transaction mode in
# front of both, and bench/scaleout.py (the same pages through PgBouncer without and with the
# replica, and the replica's lag).
#   BENCH_PRESET=small|medium|national BENCH_CONCURRENCY=20 BENCH_SECONDS=10 bench/run_scale.sh
#   BENCH_SKIP_HARNESS=1: only the scale-out part after the data is made; BENCH_PROFILE=1: also
#   regenerate bench/profiles/ (bench/profile_pages.py) on the same data.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-secret-key-not-for-production-0123456789abcdef}
export AKSALARASA_HTTPS=0 DEBUG=0 DJANGO_SETTINGS_MODULE=config.settings_test
preset=${BENCH_PRESET:-medium}

if ! command -v hey >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -qq hey >/dev/null
  else
    echo "ERROR: the load tool 'hey' is missing: sudo apt-get install hey" >&2; exit 1
  fi
fi

for tool in pgbouncer pg_basebackup; do
  command -v "$tool" >/dev/null || ls /usr/sbin/$tool /usr/lib/postgresql/*/bin/$tool >/dev/null 2>&1 \
    || { echo "ERROR: $tool is missing: apt-get install pgbouncer postgresql (make bench installs them as root)" >&2; exit 1; }
done

pgdir=$(mktemp -d /tmp/aks-scale-pg.XXXXXX)
replicadir=$(mktemp -d /tmp/aks-scale-replica.XXXXXX)
bouncerdir=$(mktemp -d /tmp/aks-scale-pgbouncer.XXXXXX)
trap 'scripts/pgbouncer.sh stop "$bouncerdir"; scripts/pg.sh stop "$replicadir"; scripts/pg.sh stop "$pgdir"' EXIT
port=$($PY scripts/free-port.py)
url=$(scripts/pg.sh start "$pgdir" "$port")
export DATABASE_URL=$url
echo "PostgreSQL for the scale benchmark: $url (preset $preset)"
$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
/usr/bin/time -f "generate_scale: %e s wall, %M KB max RSS" $PY manage.py generate_scale --preset "$preset" --seed 1
/usr/bin/time -f "refresh_summaries: %e s wall, %M KB max RSS" $PY manage.py refresh_summaries --quiet
$PY -c "import psycopg; c=psycopg.connect('$url'); print('database size:', c.execute('select pg_size_pretty(pg_database_size(current_database()))').fetchone()[0])"
# PgBouncer passes no startup options: the app's session settings (config/settings.py) go on the
# database itself, so they hold through the pooler and on the replica.
$PY -c "import psycopg; c=psycopg.connect('$url', autocommit=True); [c.execute(s) for s in ('ALTER DATABASE aksalarasa SET jit = off', 'ALTER DATABASE aksalarasa SET random_page_cost = 1.1')]"
if [ "${BENCH_SKIP_HARNESS:-0}" != 1 ]; then
  $PY bench/harness.py
fi
if [ "${BENCH_PROFILE:-0}" = 1 ]; then
  BENCH_PRESET=$preset $PY bench/profile_pages.py  # bench/profiles/: CPU per page, one request at a time
fi

replica_port=$($PY scripts/free-port.py)
replica_url=$(scripts/pg.sh replica "$replicadir" "$replica_port" "$port")
bouncer_port=$($PY scripts/free-port.py)
mapfile -t bouncer < <(scripts/pgbouncer.sh start "$bouncerdir" "$bouncer_port" "$port" "$replica_port")
echo "Streaming replica: $replica_url; PgBouncer (transaction mode): ${bouncer[*]}"
PRIMARY_URL=$url REPLICA_DIRECT_URL=$replica_url PGBOUNCER_URL=${bouncer[0]} PGBOUNCER_REPLICA_URL=${bouncer[1]} \
  $PY bench/scaleout.py
