# Two commands for a fresh machine: `make run` and `make test` (see README.md).
SHELL := /bin/sh
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-postgres bench install install-dev lock openapi messages clean

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

## The whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install-dev
	DATABASE_URL= $(BIN)/aduan makemigrations --check --dry-run >/dev/null || { echo "Missing migrations: run 'aduan makemigrations'"; exit 1; }
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python bench/intake.py
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/routing_surabaya.py
	$(BIN)/python bench/sweep.py

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
