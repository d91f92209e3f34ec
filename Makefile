# Pravasi: two commands. `make run` starts the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUN_ENV := DJANGO_DEBUG=true PRAVASI_ALLOW_DEV_SECRET=true

.PHONY: run test setup lint migrations-check pytest-sqlite pytest-postgres browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-deps: $(BIN)/python requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.dev-deps: $(BIN)/python requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@ $(VENV)/.run-deps

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.run-deps node_modules/.installed
	@mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(RUN_ENV) $(BIN)/python manage.py load_reference_data
	$(RUN_ENV) $(BIN)/python manage.py seed_demo

run: setup
	@echo "Pravasi on http://127.0.0.1:$(PORT)/ (embedded SQLite, no broker; messages in /workspace/outbox/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the browser tests, and Noto fonts so Hindi and Malayalam render in screenshots.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/noto ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	  else echo "Chromium or the Noto fonts are missing: install Debian's chromium and fonts-noto-core packages"; fi; \
	fi

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .

migrations-check: $(VENV)/.dev-deps
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run -v 1

pytest-sqlite: $(VENV)/.dev-deps node_modules/.installed browser
	env -u DATABASE_URL $(BIN)/python -m pytest -n 2

pytest-postgres: $(VENV)/.dev-deps node_modules/.installed browser
	@case "$$DATABASE_URL" in postgres*) $(BIN)/python -m pytest -n 2 ;; *) echo "DATABASE_URL is not PostgreSQL: PostgreSQL run skipped";; esac

test: lint migrations-check pytest-sqlite pytest-postgres

clean:
	rm -rf var/pravasi.sqlite3 var/static
