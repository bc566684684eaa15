# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

PORTAL_BIND ?= 127.0.0.1:8000

.PHONY: run serve test lint translations messages system-packages scan clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations >/dev/null

## Set everything up and serve the demo portal on http://$(HOST):$(PORT)
run: $(VENV)/.installed translations
	$(BIN)/portal db upgrade
	$(BIN)/portal demo load
	$(BIN)/portal search reindex
	$(BIN)/portal run --host $(HOST) --port $(PORT)

## Serve under gunicorn against DATABASE_URL (default: the SQLite file in instance/);
## the search index is built on start when missing, and follows the database from then on;
## rate limits count across workers (RATELIMIT_STORAGE_URI, or a private Redis it starts)
serve: $(VENV)/.installed translations
	$(BIN)/portal db upgrade
	PORTAL_BIND=$(PORTAL_BIND) BIN=$(BIN) scripts/serve.sh

node_modules/.installed: package.json package-lock.json | system-packages
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

## Install what the tests need and run them all: lint, SQLite, then PostgreSQL
test: $(VENV)/.installed-test translations system-packages node_modules/.installed lint
	$(BIN)/pytest $(PYTEST_ARGS)
	scripts/with-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

system-packages:
	scripts/system-packages.sh

## Extract UI strings and merge them into the catalogs (then translate the new ones)
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--omit-header -o portal/translations/messages.pot .
	$(BIN)/pybabel update --omit-header --ignore-obsolete -i portal/translations/messages.pot \
		-d portal/translations

## Serve the demo portal on a free loopback port and scan it with wapiti (report in scan-report/)
scan: $(VENV)/.installed translations
	BIN=$(BIN) scripts/scan.sh

clean:
	rm -rf $(VENV) build *.egg-info
