#!/usr/bin/env bash
# The scale benchmark alone: throwaway PostgreSQL, migrate, generate_scale (BENCH_PRESET, default
# medium), then bench/harness.py (key pages and API lists under load with hey, beside their floors).
#   BENCH_PRESET=small|medium|national BENCH_CONCURRENCY=20 BENCH_SECONDS=10 bench/run_scale.sh
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

pgdir=$(mktemp -d /tmp/aks-scale-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
port=$($PY scripts/free-port.py)
url=$(scripts/pg.sh start "$pgdir" "$port")
export DATABASE_URL=$url
echo "PostgreSQL for the scale benchmark: $url (preset $preset)"
$PY manage.py migrate --no-input -v0
$PY manage.py collectstatic --no-input -v0
/usr/bin/time -f "generate_scale: %e s wall, %M KB max RSS" $PY manage.py generate_scale --preset "$preset" --seed 1
/usr/bin/time -f "refresh_summaries: %e s wall, %M KB max RSS" $PY manage.py refresh_summaries --quiet
$PY -c "import psycopg; c=psycopg.connect('$url'); print('database size:', c.execute('select pg_size_pretty(pg_database_size(current_database()))').fetchone()[0])"
$PY bench/harness.py
