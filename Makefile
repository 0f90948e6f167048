# fiscal-warehouse: `make run` sets up .venv and runs the main job on the bundled corpus;
# `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
export FISCALWH_DB ?= $(CURDIR)/data/warehouse.duckdb

.PHONY: setup run test bench dev clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

run: setup
	$(BIN)/fiscalwh extract $(CORPUS) --db $(FISCALWH_DB)

test: setup
	$(BIN)/pytest

clean:
	rm -rf data/ .pytest_cache
