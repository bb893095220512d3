#!/usr/bin/env bash
# The whole gate: lint, types (mypy), migrations, deploy checks, then every test on SQLite and on PostgreSQL,
# browser tests included (Chromium). Fails loudly if PostgreSQL or Chromium cannot be used.
# The SQLite and PostgreSQL passes run side by side, each into its own log, printed whole when
# both have ended; both exit codes decide. AKS_TEST_SERIAL=1 runs them one after the other, live.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-test-secret-key-not-for-production-0123456789abcdefghij}
started=$SECONDS
stage() { echo "== $* [$((SECONDS - started))s]"; }
workdir=$(mktemp -d /tmp/aks-test.XXXXXX)
pgdir=""
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$pgdir" ]; then scripts/pg.sh stop "$pgdir"; fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The checks below need no database of their own: a throwaway SQLite file keeps them off var/.
check_db="sqlite:///$workdir/check.sqlite3"

stage "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet . || { echo "ruff format: run '.venv/bin/ruff format .'"; exit 1; }
stage "mypy (django-stubs)"
.venv/bin/mypy
stage "translations"
$PY manage.py compilemessages -v0 --ignore=.venv
stage "migrations are complete"
DATABASE_URL="$check_db" DEBUG=0 AKSALARASA_HTTPS=0 $PY manage.py makemigrations --check --dry-run
stage "deploy checks (DEBUG off, behind TLS)"
DATABASE_URL="$check_db" DEBUG=0 AKSALARASA_HTTPS=1 SECRET_KEY="$(head -c 48 /dev/urandom | base64)" $PY manage.py check --deploy --fail-level WARNING

[ -x /usr/bin/chromium ] || { echo "ERROR: /usr/bin/chromium is missing" >&2; exit 1; }

pgdir=$(mktemp -d /tmp/aks-pg.XXXXXX)
port=$($PY scripts/free-port.py)
stage "PostgreSQL on port $port"
pg_url=$(scripts/pg.sh start "$pgdir" "$port")

sqlite_env=(DATABASE_URL="sqlite:///$workdir/test.sqlite3")
pg_env=(DATABASE_URL="$pg_url" AKSALARASA_EXPECT_DB=postgresql)
if [ "${AKS_TEST_SERIAL:-0}" = 1 ]; then
  stage "tests on SQLite"
  env "${sqlite_env[@]}" $PY -m pytest -q "$@"
  stage "tests on PostgreSQL ($pg_url)"
  env "${pg_env[@]}" $PY -m pytest -q "$@"
else
  stage "tests on SQLite and on PostgreSQL ($pg_url), side by side; logs follow when both end"
  env "${sqlite_env[@]}" $PY -m pytest -q "$@" >"$workdir/sqlite.log" 2>&1 &
  pids+=($!)
  env "${pg_env[@]}" $PY -m pytest -q "$@" >"$workdir/postgresql.log" 2>&1 &
  pids+=($!)
  sqlite_rc=0 && wait "${pids[0]}" || sqlite_rc=$?
  pg_rc=0 && wait "${pids[1]}" || pg_rc=$?
  pids=()
  stage "tests on SQLite: exit $sqlite_rc"
  cat "$workdir/sqlite.log"
  stage "tests on PostgreSQL: exit $pg_rc"
  cat "$workdir/postgresql.log"
  if [ "$sqlite_rc" -ne 0 ] || [ "$pg_rc" -ne 0 ]; then
    echo "FAILED: tests on SQLite exited $sqlite_rc, on PostgreSQL $pg_rc" >&2
    exit 1
  fi
fi
stage "all gates passed"
