# Carepool: build, run and test. Every tool is called by its path in .venv; nothing is activated.
#
#   make run     install what is missing, set up the demo and serve http://127.0.0.1:8000
#   make serve   production: collect static files, migrate, run gunicorn (README.md)
#   make test    import contracts, then pytest on SQLite (and on PostgreSQL when
#                CAREPOOL_TEST_POSTGRES_URL is set: `scripts/with-postgres make test`)
#   make lint    ruff check, ruff format --check, mypy
#   make bench   the ledger at national scale, small size (BENCH_SIZE=full: 5M lines; docs/bench.md)
#
# Stamp files (.venv/.installed, node_modules/.installed) make a second `make` a no-op
# until pyproject.toml, requirements/constraints.txt or package-lock.json change.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
CHROMIUM := /usr/bin/chromium
PIP := $(BIN)/python -m pip --disable-pip-version-check
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k money -x"`.
PYTEST_ARGS ?=
# Test processes (pytest-xdist); each has its own test database (pytest-django names it per
# worker). `make test PYTEST_WORKERS=0` runs in one process, e.g. to debug.
PYTEST_WORKERS ?= 2

# make serve: where gunicorn listens, and how many worker processes it runs.
SERVE_BIND ?= 127.0.0.1:8000
SERVE_WORKERS ?= 3

.PHONY: help install browser run serve test lint format constraints clean distclean bench

help:
	@echo "make install      Python venv (pinned by $(CONSTRAINTS)) and npm assets"
	@echo "make run          set up the demo database and serve http://127.0.0.1:8000 (debug on)"
	@echo "make serve        production: collectstatic, carepool setup, gunicorn on $(SERVE_BIND)"
	@echo "make test         lint-imports + pytest on SQLite (+ PostgreSQL if CAREPOOL_TEST_POSTGRES_URL)"
	@echo "                  scripts/with-postgres make test   runs both passes on a throwaway cluster"
	@echo "make lint         ruff check, ruff format --check, mypy"
	@echo "make bench        ledger benchmark, small year (BENCH_SIZE=full: 150 areas, 5M lines)"
	@echo "make format       ruff format and ruff check --fix"
	@echo "make constraints  re-pin $(CONSTRAINTS) after changing pyproject.toml"
	@echo "make clean        caches and stamps;  make distclean  also .venv, node_modules, var/"

install: $(VENV)/.installed node_modules/.installed

$(BIN)/python:
	@if command -v python3.11 >/dev/null 2>&1; then \
	  echo "==> Creating $(VENV) with python3.11"; python3.11 -m venv $(VENV); \
	elif python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	  echo "==> Creating $(VENV) with python3 (3.11)"; python3 -m venv $(VENV); \
	else \
	  echo "Carepool needs Python 3.11: neither python3.11 nor a 3.11 python3 was found." >&2; exit 1; \
	fi

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	@echo "==> pip install -e .[dev] (pinned by $(CONSTRAINTS))"
	@$(PIP) install -qq --constraint $(CONSTRAINTS) --editable ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> npm ci (NHS.UK frontend, axe-core)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "==> Installing Debian chromium for the browser tests"; \
	    apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "!! $(CHROMIUM) is missing, so browser tests will be skipped (and fail in CI)." >&2; \
	    echo "!! Install it with: sudo apt-get install chromium" >&2; \
	  fi; \
	fi

# The demo runs with debug on (detailed error pages, a fixed development secret key, plain
# HTTP) and publishes its users' password: never use it for production (README.md).
run: export CAREPOOL_DEBUG = 1
run: install
	@mkdir -p var
	@echo "==> Demo with CAREPOOL_DEBUG=1: debug on, for this machine only, not for production"
	$(BIN)/carepool setup --demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Production: the environment README.md describes must be set (CAREPOOL_SECRET_KEY at least);
# without it every step stops and says so. Static files are served by WhiteNoise from var/static.
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/carepool setup
	$(BIN)/gunicorn carepool.site.wsgi --bind $(SERVE_BIND) --workers $(SERVE_WORKERS) \
	  --access-logfile -

# All checks run even when one fails, so one CI run shows every problem; the target then
# fails if any of them did. The SQLite pass ignores any database URL in the environment.
test: install browser
	@failed=""; \
	echo "==> lint-imports: layering contracts"; \
	$(BIN)/lint-imports --no-logo || failed="$$failed lint-imports"; \
	echo "==> pytest on SQLite"; \
	env -u CAREPOOL_DATABASE_URL -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) || failed="$$failed pytest-sqlite"; \
	if [ -n "$${CAREPOOL_TEST_POSTGRES_URL:-}" ]; then \
	  echo "==> pytest on PostgreSQL ($$CAREPOOL_TEST_POSTGRES_URL)"; \
	  CAREPOOL_DATABASE_URL="$$CAREPOOL_TEST_POSTGRES_URL" $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) \
	    || failed="$$failed pytest-postgresql"; \
	else \
	  echo "==> No PostgreSQL pass: CAREPOOL_TEST_POSTGRES_URL is not set (scripts/with-postgres make test)"; \
	fi; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed" >&2; exit 1; fi

# The ledger at national scale (bench/ledger/run.py, docs/bench.md); never part of make test.
# SQLite always; PostgreSQL too on a throwaway cluster when scripts/with-postgres can start one.
# Generated years are kept in var/bench/<size>/ (delete the folder to regenerate).
BENCH_SIZE ?= small
bench: install
	@if [ ! -x /usr/bin/ledger ] && [ "$$(id -u)" = 0 ]; then \
	  echo "==> Installing Debian ledger (ledger-cli) for the journal comparison"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ledger >/dev/null \
	    || echo "!! could not install ledger: the ledger-cli stage will say so" >&2; \
	fi
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ "$$(id -u)" = 0 ]; then \
	  scripts/with-postgres $(BIN)/python bench/ledger/run.py --size $(BENCH_SIZE); \
	else \
	  echo "!! No PostgreSQL server (sudo apt-get install postgresql): SQLite only" >&2; \
	  env -u CAREPOOL_TEST_POSTGRES_URL $(BIN)/python bench/ledger/run.py --size $(BENCH_SIZE); \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Resolve pyproject.toml afresh, then pin the whole environment (transitive dependencies too).
constraints: | $(BIN)/python
	$(PIP) install --quiet --editable ".[dev]"
	@{ echo "# Pinned versions of every Python package in the dev environment, transitive ones included."; \
	   echo "# Regenerate after changing pyproject.toml: make constraints"; \
	   $(PIP) freeze --exclude-editable; } > $(CONSTRAINTS)
	@echo "==> Wrote $(CONSTRAINTS)"

clean:
	rm -rf .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache test-results
	rm -f $(VENV)/.installed node_modules/.installed
	find . \( -path ./$(VENV) -o -path ./node_modules -o -path ./.git \) -prune -o \
	  -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) node_modules var
