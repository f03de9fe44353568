# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint format setup test-setup chromium demo bench stop-db clean messages gettext

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
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

run: setup
	@echo
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server and the database)"
	@trap '$(BIN)/python -c "from pathlib import Path; from portal.embedded_db import stop_embedded_postgres; stop_embedded_postgres(Path(\"var\"))" 2>/dev/null; echo "Stopped."' EXIT; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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

test-setup: $(VENV)/.installed-test chromium
	@mkdir -p var

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: test-setup lint
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	@mkdir -p var
	$(BIN)/python bench/search.py $(BENCH_ARGS)

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
