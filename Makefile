# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Test processes (pytest-xdist); `TEST_WORKERS=0 make test` runs in one process.
TEST_WORKERS ?= auto
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-postgres bench browser install install-dev lock openapi messages clean

$(BIN)/python:
	"$$(scripts/find-python)" -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install -q --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Prepare the embedded database (migrations, reference data, demo) and serve with a worker.
run: install
	$(BIN)/aduan setup --demo
	$(BIN)/aduan serve --port $(PORT)

## Debian's Chromium for the browser tests, only where it is missing and root (or sudo) is
## at hand; elsewhere the browser tests skip with the reason. Never a downloaded browser.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "browser: no apt-get here; the browser tests will be skipped"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } >/dev/null \
	    || echo "browser: could not install chromium; the browser tests will be skipped"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	  { sudo apt-get update -q && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } >/dev/null \
	    || echo "browser: could not install chromium; the browser tests will be skipped"; \
	else echo "browser: chromium is missing and needs root to install; the browser tests will be skipped"; fi

## The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev browser
	DATABASE_URL= $(BIN)/aduan makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run 'aduan makemigrations'"; exit 1; }
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/routing_surabaya.py
	$(BIN)/python bench/sweep.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/stats.py
	$(BIN)/python bench/open311.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/vault.py
	$(BIN)/python bench/partners.py

lock:
	$(BIN)/pip install -q pip-tools
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements.lock requirements.in
	$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o requirements-dev.lock requirements-dev.in

openapi: install
	$(BIN)/aduan openapi --output docs/openapi.json

messages: install
	cd aduan && ../$(BIN)/aduan makemessages -l id -l en --no-obsolete && ../$(BIN)/aduan compilemessages

clean:
	rm -rf $(VENV) var
