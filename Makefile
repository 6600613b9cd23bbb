# Blason — the two commands of the README:
#   make run    set up .venv, the SQLite database and the French demo, then serve on :8000
#   make test   set up .venv with the test tools, then run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MIN_PYTHON := 3.11

.PHONY: run test setup install install-dev lint imports typecheck check messages check-messages lock bench contexts clean

run: install .env
	$(BIN)/blason setup
	$(BIN)/blason demo
	$(BIN)/blason serve

test: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

setup: install .env
	$(BIN)/blason setup

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Blason needs Python $(MIN_PYTHON) or newer (set PYTHON=python3.12 for example)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: $(BIN)/python requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

.env:
	$(PYTHON) scripts/write_env.py .env

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

imports: install-dev
	$(BIN)/lint-imports --no-cache

typecheck: install-dev
	DOTENV_FILE=off DEBUG=true $(BIN)/mypy

# The quick gates of .ci/run (no tests): lint, layering, types, migrations, translations.
check: lint imports typecheck check-messages
	DOTENV_FILE=off DEBUG=true $(BIN)/blason makemigrations --check --dry-run

# Re-extract the strings to translate, then fill in the French msgstr in the .po files.
messages: install-dev
	cd src/blason && ../../$(BIN)/blason makemessages -l fr -l en --no-obsolete \
		--add-location file -i "static/*" -i "migrations/*"

check-messages: install-dev
	DOTENV_FILE=off DEBUG=true $(BIN)/blason check_translations

# Regenerate the pinned requirements from pyproject.toml.
lock: install-dev
	$(BIN)/pip-compile --quiet --strip-extras --no-header --output-file requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-header --extra dev --output-file requirements/dev.txt pyproject.toml

# Rewrite obcore's bundled JSON-LD contexts from their registry packages (Node.js and npm needed;
# see src/obcore/contexts/README.md), then run the tests that compare them.
contexts: install-dev
	$(BIN)/python scripts/update_contexts.py

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
