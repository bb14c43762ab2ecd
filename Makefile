# Bluebridge: `make demo` serves a demo world, `make test` runs the whole check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BB := $(BIN)/bluebridge
PG_ADMIN_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: demo demo-reset serve test lint typecheck unit postgres-tests catalogs bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(VENV)/.installed $@

## demo: install, build the demo world under ./var/ (once) and serve it on http://127.0.0.1:8000
demo: $(VENV)/.installed
	$(BB) demo --if-empty

## demo-reset: throw away ./var/'s database and build a fresh demo world
demo-reset: $(VENV)/.installed
	$(BB) demo --reset

serve: $(VENV)/.installed
	$(BB) serve

## test: lint, type-check, catalogs, the tests on SQLite, on PostgreSQL when reachable, in Chromium
test: lint typecheck catalogs unit postgres-tests

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

catalogs: $(VENV)/.dev-installed
	$(BIN)/python scripts/catalogs.py check

unit: $(VENV)/.dev-installed
	$(BIN)/pytest -n 2 --dist loadgroup

postgres-tests: $(VENV)/.dev-installed
	@if $(BIN)/python -c "import sys, sqlalchemy; e = sqlalchemy.create_engine('$(PG_ADMIN_URL)', connect_args={'connect_timeout': 3}); e.connect().close()" 2>/dev/null; then \
		BLUEBRIDGE_TEST_POSTGRES_URL='$(PG_ADMIN_URL)' $(BIN)/pytest -n 2 --db postgresql -m "not browser and not sqlite_only" tests; \
	elif [ -n "$$BLUEBRIDGE_REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (BLUEBRIDGE_REQUIRE_POSTGRES) but unreachable at $(PG_ADMIN_URL)"; exit 1; \
	else \
		echo "PostgreSQL unreachable at $(PG_ADMIN_URL): the PostgreSQL run of the tests is skipped"; \
	fi

## bench: run the benchmarks; each prints JSON
bench: $(VENV)/.installed
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
