# Aksalarasa: `make run` serves the demo, `make test` runs every gate. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo var/uv-bootstrap/bin/uv)
APP_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext
TEST_PACKAGES := $(APP_PACKAGES) postgresql chromium chromium-driver
# make bench: the load tool, and PgBouncer in front of the primary and its streaming replica.
BENCH_PACKAGES := $(TEST_PACKAGES) hey pgbouncer
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench venv system-deps system-deps-test system-deps-bench migrate demo serve clean

$(UV):
	@echo ">> uv not found: installing it with pip into var/uv-bootstrap"
	@mkdir -p var && python3 -m venv var/uv-bootstrap && var/uv-bootstrap/bin/pip install -q uv

venv: $(UV)
	@$(UV) sync --frozen --quiet

system-deps:
	@scripts/system-deps.sh $(APP_PACKAGES)

system-deps-test:
	@scripts/system-deps.sh $(TEST_PACKAGES)

system-deps-bench:
	@scripts/system-deps.sh $(BENCH_PACKAGES)

var/secret_key:
	@mkdir -p var && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key && chmod 600 var/secret_key

# make run serves plain HTTP on loopback, so the HTTPS-only settings are off (AKSALARASA_HTTPS=0).
RUN_ENV = SECRET_KEY="$$(cat var/secret_key)" DEBUG=0 AKSALARASA_HTTPS=0 AKSALARASA_DEMO=1

migrate: venv var/secret_key
	@$(RUN_ENV) $(PY) manage.py migrate --no-input -v0

demo: migrate
	@$(RUN_ENV) $(PY) manage.py load_demo

run: system-deps venv var/secret_key
	@$(RUN_ENV) $(PY) manage.py compilemessages -v0 --ignore=.venv
	@$(RUN_ENV) $(PY) manage.py migrate --no-input -v0
	@$(RUN_ENV) $(PY) manage.py collectstatic --no-input -v0
	@$(RUN_ENV) $(PY) manage.py load_demo
	@$(RUN_ENV) $(PY) manage.py refresh_summaries --quiet
	@echo ">> Aksalarasa on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	@$(RUN_ENV) exec .venv/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers 3 --access-logfile - --log-level warning

test: system-deps-test venv
	@scripts/test.sh

bench: system-deps-bench venv
	@bench/run.sh

clean:
	rm -rf var .venv
