#!/usr/bin/env bash
# Install pretix from PyPI into its own virtual environment (never into Aksalarasa's), for
# bench/checkin_vs_pretix.sh. Idempotent: does nothing when the wanted version is already there.
#   bench/pretix/setup.sh [VENV_DIR]          (default var/pretix-venv; PRETIX_VERSION=2026.8.0)
# gunicorn is pinned to the version in Aksalarasa's .venv, so both sides are served by the same server.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${1:-var/pretix-venv}
version=${PRETIX_VERSION:-2026.8.0}
uv=$(command -v uv 2>/dev/null || echo var/uv-bootstrap/bin/uv)
[ -x "$uv" ] || { echo "ERROR: uv not found (run 'make venv' first, it installs var/uv-bootstrap)." >&2; exit 1; }
gunicorn_version=$(.venv/bin/python -c "import gunicorn; print(gunicorn.__version__)")
if [ -x "$venv/bin/python" ] \
  && [ "$("$venv/bin/python" -c 'import pretix; print(pretix.__version__)' 2>/dev/null)" = "$version" ] \
  && [ "$("$venv/bin/python" -c 'import gunicorn; print(gunicorn.__version__)' 2>/dev/null)" = "$gunicorn_version" ]; then
  exit 0
fi
echo ">> installing pretix $version and gunicorn $gunicorn_version into $venv (Python 3.11+, from PyPI)" >&2
[ -x "$venv/bin/python" ] || "$uv" venv --quiet --python ">=3.11" "$venv"
"$uv" pip install --quiet --python "$venv/bin/python" "pretix==$version" "gunicorn==$gunicorn_version"
