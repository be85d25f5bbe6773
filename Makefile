# Navigator: the verbs people expect. Each is idempotent; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development defaults; production sets its own environment (see .env.example).
DEV_ENV := DEBUG=$${DEBUG:-1}
# The browser tests' axe-core comes from npm; without npm they skip (and fail in CI).
NPM := $(shell command -v npm)

.PHONY: run serve seed test lint format migrations-check messages bench clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, load the demo directory and serve it on http://$(HOST):$(PORT)
run: seed
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## seed: migrate and (re)load the fictional demo directory
seed: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

# axe-core for the browser tests, exactly as package-lock.json pins it (node_modules/ is not
# committed).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## test: the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set), browser tests included
test: $(VENV)/.dev $(if $(NPM),node_modules/.installed)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## screenshots: retake docs/screenshots/*.png with the browser tests
screenshots: $(VENV)/.dev $(if $(NPM),node_modules/.installed)
	NAVIGATOR_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_screenshots.py -q

## lint: ruff's lint rules and formatting
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## migrations-check: fail when a model change has no migration
migrations-check: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

## messages: update the translation catalogues in locale/ and compile them (needs GNU gettext)
messages: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l ur -l bn -l pa -l pl -l so --ignore=.venv --ignore=bench --ignore=tests --ignore=node_modules --ignore=staticfiles --no-obsolete
	$(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules

## bench: search latency on synthetic directories of 1k, 10k and 100k services (bench/README.md)
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py
