# Haven: `make run` to try it, `make test` before every commit. `make help` lists the targets.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HAVEN  := $(BIN)/haven
STAMP  := $(VENV)/.installed

PYTEST_WORKERS  ?= 2
PYTEST          := $(BIN)/pytest -n $(PYTEST_WORKERS)
PYTEST_POSTGRES := scripts/with-postgres $(PYTEST) -m "not browser"
MESSAGES        := makemessages -l nl -l fr -l en --no-location --no-obsolete

.DEFAULT_GOAL := help
.PHONY: help install run test test-sqlite test-postgres lint format messages clean clean-all

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) \
		| awk 'BEGIN {FS = ":.*?## "} {printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --progress-bar off --upgrade pip
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[dev]'
	@touch $@

install: $(STAMP) ## Create .venv (python3.11) and install Haven with its dev tools; compile translations
	@$(HAVEN) compile_translations

run: install ## Migrate, load the demo when the database is empty (prints logins), serve on :8000
	$(HAVEN) migrate
	$(HAVEN) demo --if-empty
	$(HAVEN) runserver 127.0.0.1:8000

test: install ## All checks, in order: lint, migrations, translations, tests on SQLite then PostgreSQL
	@echo "==> ruff check" && $(BIN)/ruff check .
	@echo "==> ruff format --check" && $(BIN)/ruff format --check .
	@echo "==> mypy" && $(BIN)/mypy haven
	@echo "==> makemigrations --check" && $(HAVEN) makemigrations --check --dry-run
	@echo "==> check_translations" && $(HAVEN) check_translations
	@echo "==> compile_translations" && $(HAVEN) compile_translations
	@echo "==> pytest on SQLite" && $(PYTEST)
	@if scripts/with-postgres --bindir >/dev/null; then \
		echo "==> pytest on PostgreSQL (browser tests deselected)" && $(PYTEST_POSTGRES); \
	else \
		echo "==> pytest on PostgreSQL SKIPPED: no PostgreSQL server binaries found" \
			"(apt-get install postgresql)"; \
	fi

test-sqlite: install ## The test suite on SQLite only
	@$(HAVEN) compile_translations
	$(PYTEST)

test-postgres: install ## The test suite on a throwaway PostgreSQL cluster (browser tests deselected)
	@$(HAVEN) compile_translations
	$(PYTEST_POSTGRES)

.PHONY: bench
bench: install ## Benchmark, not a test: demo history at scale 100, page times (scripts/bench)
	@$(HAVEN) compile_translations
	PYTHON=$(BIN)/python scripts/bench

lint: install ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy haven

format: install ## Reformat the code and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Extract strings into haven/locale/{nl,fr,en} (needs gettext), then compile
	cd haven && ../$(HAVEN) $(MESSAGES)
	$(HAVEN) compile_translations

clean: ## Remove test databases and caches (keeps var/haven.sqlite3 and the dev keys)
	rm -rf var/test-* .mypy_cache .ruff_cache .pytest_cache .hypothesis build
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

clean-all: clean ## Also remove .venv and all of var/ (the local database and dev keys)
	rm -rf $(VENV) var *.egg-info
