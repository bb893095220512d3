#!/usr/bin/env bash
# The whole gate: lint, migrations, deploy checks, then every test on SQLite and on PostgreSQL,
# browser tests included (Chromium). Fails loudly if PostgreSQL or Chromium cannot be used.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export SECRET_KEY=${SECRET_KEY:-test-secret-key-not-for-production-0123456789abcdefghij}

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check --quiet . || { echo "ruff format: run '.venv/bin/ruff format .'"; exit 1; }
echo "== translations"
$PY manage.py compilemessages -v0 --ignore=.venv
echo "== migrations are complete"
DEBUG=0 AKSALARASA_HTTPS=0 $PY manage.py makemigrations --check --dry-run
echo "== deploy checks (DEBUG off, behind TLS)"
DEBUG=0 AKSALARASA_HTTPS=1 SECRET_KEY="$(head -c 48 /dev/urandom | base64)" $PY manage.py check --deploy --fail-level WARNING

[ -x /usr/bin/chromium ] || { echo "ERROR: /usr/bin/chromium is missing" >&2; exit 1; }

pgdir=$(mktemp -d /tmp/aks-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
port=$($PY scripts/free-port.py)
pg_url=$(scripts/pg.sh start "$pgdir" "$port")

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$(mktemp -d)/test.sqlite3" $PY -m pytest -q "$@"
echo "== tests on PostgreSQL ($pg_url)"
DATABASE_URL="$pg_url" AKSALARASA_EXPECT_DB=postgresql $PY -m pytest -q "$@"
