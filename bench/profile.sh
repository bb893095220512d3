#!/usr/bin/env bash
# Regenerate bench/profiles/: throwaway PostgreSQL, generate_scale (BENCH_PRESET, default medium),
# then bench/profile_pages.py (in-process cProfile of every key page, one request at a time, with
# statement and row counts). No load tool: the figures are CPU per request, not latency under load.
#   BENCH_PRESET=medium bench/profile.sh [--runs 20]
#   DATABASE_URL=postgres://... bench/profile.sh     (an existing database with generated data)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-secret-key-not-for-production-0123456789abcdef}
export AKSALARASA_HTTPS=0 DEBUG=0 DJANGO_SETTINGS_MODULE=config.settings_test
export BENCH_PRESET=${BENCH_PRESET:-medium}
if [ -z "${DATABASE_URL:-}" ]; then
  pgdir=$(mktemp -d /tmp/aks-profile-pg.XXXXXX)
  trap 'scripts/pg.sh stop "$pgdir"' EXIT
  port=$($PY scripts/free-port.py)
  DATABASE_URL=$(scripts/pg.sh start "$pgdir" "$port")
  export DATABASE_URL
  $PY manage.py migrate --no-input -v0
  $PY manage.py generate_scale --preset "$BENCH_PRESET" --seed 1
  $PY manage.py refresh_summaries --quiet
fi
$PY bench/profile_pages.py "$@"
