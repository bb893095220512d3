#!/usr/bin/env bash
# The whole gate: lint, types (mypy), migrations, deploy checks, then every test on SQLite and on PostgreSQL,
# browser tests included (Chromium). Fails loudly if PostgreSQL or Chromium cannot be used.
# The SQLite and PostgreSQL passes run side by side, each into its own log, printed whole when
# both have ended; every exit code decides. AKS_TEST_SERIAL=1 runs them one after the other, live.
# PostgreSQL's pass takes longer than SQLite's (its server shares the two cores), so it is split:
# the files in pg_tail run on a second throwaway cluster in whichever lane ends first (here the
# SQLite one); the rest runs beside SQLite. Every test still runs on both databases.
# Arguments go to every pytest run as options (--durations=25, -x); to run chosen files, call
# pytest directly (README, "Running a part of the tests"): files named here would be added to
# the tail part's run.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-test-secret-key-not-for-production-0123456789abcdefghij}
started=$SECONDS
stage() { echo "== $* [$((SECONDS - started))s]"; }
workdir=$(mktemp -d /tmp/aks-test.XXXXXX)
pgdir=""
pgdirs=()
pids=()
cleanup() {
  for pid in "${pids[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  if [ -n "$pgdir" ]; then scripts/pg.sh stop "$pgdir"; fi
  for dir in "${pgdirs[@]}"; do scripts/pg.sh stop "$dir"; done
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
  # About 2 minutes of PostgreSQL tests (measured on the 2-core machine), so both lanes end together.
  pg_tail=(tests/test_no_english.py tests/test_form_errors_once.py tests/test_dbrouter.py
    tests/test_scoping_offices_staff.py)
  pg_ignore=()
  for file in "${pg_tail[@]}"; do
    [ -f "$file" ] || { echo "ERROR: scripts/test.sh names $file in pg_tail, which does not exist" >&2; exit 1; }
    pg_ignore+=("--ignore=$file")
  done
  pgdir2=$(mktemp -d /tmp/aks-pg.XXXXXX)
  pgdirs+=("$pgdir2")
  port2=$($PY scripts/free-port.py)
  pg_url2=$(scripts/pg.sh start "$pgdir2" "$port2")
  pg2_env=(DATABASE_URL="$pg_url2" AKSALARASA_EXPECT_DB=postgresql)
  pytest_args=("$@")
  # The lane that ends first takes the tail part (mkdir is atomic), so a machine where SQLite's
  # pass is the longer one loses nothing either.
  run_tail() {
    mkdir "$workdir/tail.claimed" 2>/dev/null || return 0
    echo "== the $1 lane takes PostgreSQL's tail part [$((SECONDS - started))s]" >"$workdir/postgresql-tail.log"
    local rc=0
    env "${pg2_env[@]}" $PY -m pytest -q "${pytest_args[@]}" "${pg_tail[@]}" >>"$workdir/postgresql-tail.log" 2>&1 || rc=$?
    echo "$rc" >"$workdir/postgresql-tail.rc"
  }
  stage "tests on SQLite beside PostgreSQL's main part ($pg_url); then, in the lane that ends first, PostgreSQL's tail part ($pg_url2); logs follow when all end"
  (
    rc=0 && env "${sqlite_env[@]}" $PY -m pytest -q "${pytest_args[@]}" >"$workdir/sqlite.log" 2>&1 || rc=$?
    echo "$rc" >"$workdir/sqlite.rc"
    echo "== SQLite pass ended [$((SECONDS - started))s]" >>"$workdir/sqlite.log"
    run_tail SQLite
  ) &
  pids+=($!)
  (
    rc=0 && env "${pg_env[@]}" $PY -m pytest -q "${pytest_args[@]}" "${pg_ignore[@]}" >"$workdir/postgresql.log" 2>&1 || rc=$?
    echo "$rc" >"$workdir/postgresql.rc"
    echo "== PostgreSQL main part ended [$((SECONDS - started))s]" >>"$workdir/postgresql.log"
    run_tail PostgreSQL
  ) &
  pids+=($!)
  wait "${pids[@]}" || true
  pids=()
  sqlite_rc=$(cat "$workdir/sqlite.rc" 2>/dev/null || echo missing)
  pg_rc=$(cat "$workdir/postgresql.rc" 2>/dev/null || echo missing)
  tail_rc=$(cat "$workdir/postgresql-tail.rc" 2>/dev/null || echo missing)
  stage "tests on SQLite: exit $sqlite_rc"
  cat "$workdir/sqlite.log"
  stage "tests on PostgreSQL, main part: exit $pg_rc"
  cat "$workdir/postgresql.log"
  stage "tests on PostgreSQL, tail part (${pg_tail[*]}): exit $tail_rc"
  cat "$workdir/postgresql-tail.log" 2>/dev/null || true
  if [ "$sqlite_rc" != 0 ] || [ "$pg_rc" != 0 ] || [ "$tail_rc" != 0 ]; then
    echo "FAILED: tests on SQLite exited $sqlite_rc, on PostgreSQL $pg_rc (main part) and $tail_rc (tail part)" >&2
    exit 1
  fi
fi
stage "all gates passed"
