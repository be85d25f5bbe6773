# Navigator: the verbs people expect. Each is idempotent; see README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development defaults; production sets its own environment (see .env.example).
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: run serve seed test lint format migrations-check bench clean

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

## test: the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

## bench: search latency on synthetic directories of 1k, 10k and 100k services (bench/README.md)
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py
