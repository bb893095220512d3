#!/usr/bin/env bash
# `make bench`: every benchmark, by hand, never in CI. Each one on a throwaway PostgreSQL cluster on
# loopback (the production database), except the pure-Python ones. Prints each script's figures.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-bench-secret-key-not-for-production-0123456789abcdef}
export AKSALARASA_HTTPS=0 DEBUG=0

pgdir=$(mktemp -d /tmp/aks-bench-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
port=$($PY scripts/free-port.py)
url=$(scripts/pg.sh start "$pgdir" "$port")
echo "PostgreSQL for the benchmarks: $url"

run() { echo; echo "=== $*"; "$@"; }
run env DATABASE_URL="$url" $PY bench/caseload_pages.py
run env DATABASE_URL="$url" $PY bench/clients_pages.py
run env DATABASE_URL="$url" $PY bench/clients_import.py
run env DATABASE_URL="$url" $PY bench/checkin_load.py
run $PY bench/teams_assign.py
run $PY bench/evidence_analysis.py
run env DATABASE_URL="$url" DEBUG=1 $PY bench/evidence_report.py
run bench/run_scale.sh  # generate_scale + harness: key pages and API lists under load (BENCH_PRESET)
# Check-in side by side with pretix (installs pretix into var/pretix-venv; the first run migrates for ~30 min)
run env DATABASE_URL="$url" PG_DIR="$pgdir" bench/checkin_vs_pretix.sh
