# careboard: `make demo` runs the main job on the embedded default, `make test` runs every check.
# Both create or update the virtual environment themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test system lint typecheck unit unit-pg docs benchmark clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/careboard demo

# The whole suite runs twice: on the embedded default (SQLite) and on PostgreSQL.
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

test: system lint typecheck unit unit-pg

system:
	scripts/setup_system.sh

lint: $(STAMP)
	$(BIN)/ruff check careboard tests scripts
	$(BIN)/ruff format --check careboard tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

unit-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/careboard docs --out docs

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
