#!/usr/bin/env bash
# Check-in side by side with pretix (issue #7): same load driver, same concurrency, same gunicorn
# settings, same PostgreSQL cluster (two databases: aksalarasa and pretix).
#   bench/checkin_vs_pretix.sh [tickets=4000] [scanners=20]
# Starts its own throwaway PostgreSQL cluster (scripts/pg.sh) unless DATABASE_URL and PG_DIR name one
# (as in bench/run.sh: `run env DATABASE_URL="$url" PG_DIR="$pgdir" bench/checkin_vs_pretix.sh`).
# pretix is installed from PyPI into var/pretix-venv (bench/pretix/setup.sh), configured from
# bench/pretix/pretix.cfg.in into var/pretix-data (no celery: tasks run in the request; no redis),
# migrated, and seeded with paid tickets (bench/pretix/seed.py). Then bench/pretix/compare.py drives both.
set -euo pipefail
cd "$(dirname "$0")/.."
tickets=${1:-4000}
scanners=${2:-20}
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-secret-key-not-for-production-0123456789abcdef}
export AKSALARASA_HTTPS=0 DEBUG=0
export BENCH_WORKERS=${BENCH_WORKERS:-$($PY -c "import os; print((os.cpu_count() or 2) * 2)")}
warm=$((BENCH_WORKERS * 8))

if [ -z "${DATABASE_URL:-}" ] || [ -z "${PG_DIR:-}" ]; then
  PG_DIR=$(mktemp -d /tmp/aks-pretix-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$PG_DIR"' EXIT
  DATABASE_URL=$(scripts/pg.sh start "$PG_DIR" "$($PY scripts/free-port.py)")
fi
export DATABASE_URL PG_DIR
echo "PostgreSQL: $DATABASE_URL (cluster in $PG_DIR)"

# pretix: its own environment, its own database on the same cluster.
export PRETIX_VENV=$PWD/var/pretix-venv PRETIX_DATA=$PWD/var/pretix-data
bench/pretix/setup.sh "$PRETIX_VENV"
hostport=${DATABASE_URL#*@}; hostport=${hostport%%/*}
dbuser=${DATABASE_URL#*://}; dbuser=${dbuser%%@*}; dbuser=${dbuser%%:*}
export PRETIX_DATABASE_URL="${DATABASE_URL%/*}/pretix"
psql "$DATABASE_URL" -qtAc "SELECT 1 FROM pg_database WHERE datname = 'pretix'" | grep -q 1 \
  || psql "$DATABASE_URL" -qc "CREATE DATABASE pretix"
mkdir -p "$PRETIX_DATA"
[ -f "$PRETIX_DATA/secret" ] || $PY -c "import secrets; print(secrets.token_urlsafe(50))" > "$PRETIX_DATA/secret"
export PRETIX_CONFIG_FILE=$PRETIX_DATA/pretix.cfg
sed -e "s#@PORT@#8000#" -e "s#@DATADIR@#$PRETIX_DATA#" -e "s#@DBNAME@#pretix#" -e "s#@DBUSER@#$dbuser#" \
  -e "s#@DBHOST@#${hostport%:*}#" -e "s#@DBPORT@#${hostport##*:}#" -e "s#@SECRET@#$(cat "$PRETIX_DATA/secret")#" \
  bench/pretix/pretix.cfg.in > "$PRETIX_CONFIG_FILE"
# pretix has about 430 migrations (15+ minutes on a loaded 2-core machine). The migrated, still empty
# database is kept as a dump per pretix version, and restored into a new empty database; `migrate` then
# has nothing left to do. PRETIX_NO_DUMP=1 always migrates from scratch.
version=$("$PRETIX_VENV/bin/python" -c "import pretix; print(pretix.__version__)")
dump=$PRETIX_DATA/migrated-$version.sql
empty=$(psql "$PRETIX_DATABASE_URL" -qtAc "SELECT to_regclass('django_migrations') IS NULL")
if [ "$empty" = t ] && [ -s "$dump" ] && [ -z "${PRETIX_NO_DUMP:-}" ]; then
  echo ">> pretix $version: restoring the migrated schema from $dump"
  psql "$PRETIX_DATABASE_URL" -q -v ON_ERROR_STOP=1 -f "$dump" >/dev/null
fi
echo ">> pretix migrate"
(cd "$PRETIX_DATA" && "$PRETIX_VENV/bin/python" -m pretix migrate --no-input -v0)
if [ "$empty" = t ] && [ ! -s "$dump" ]; then
  pg_dump --no-owner --no-privileges "$PRETIX_DATABASE_URL" > "$dump.tmp" && mv "$dump.tmp" "$dump"
fi
export PRETIX_SEED=$PRETIX_DATA/seed.json
(cd "$PRETIX_DATA" && "$PRETIX_VENV/bin/python" "$OLDPWD/bench/pretix/seed.py" $((tickets + warm)) "$PRETIX_SEED")

$PY bench/pretix/compare.py "$tickets" "$scanners"
