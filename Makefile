# fiscal-warehouse. `make run`: set up .venv and run the main job on the bundled corpus.
# `make test`: run the tests; `make lint`: the static checks. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FISCALWH_CORPUS ?= $(abspath $(CURDIR)/../shared/corpus)
export FISCALWH_DB ?= $(CURDIR)/data/warehouse.duckdb
export FISCALWH_GX_DOCS ?= $(CURDIR)/data/gx_docs
DBT := $(BIN)/dbt --no-use-colors
DBT_DIRS := --project-dir $(CURDIR)/dbt --profiles-dir $(CURDIR)/dbt
MANIFEST := dbt/target/manifest.json

.PHONY: setup manifest dagster-home run extract test lint bench bench-scale dev docs clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# Dagster loads the dbt project from its manifest.
manifest: setup
	$(DBT) --quiet parse $(DBT_DIRS)

# `make run` records its runs in the Dagster instance `make dev` opens (.dagster_home).
DAGSTER_HOME_DIR := $(CURDIR)/.dagster_home
dagster-home:
	@mkdir -p $(DAGSTER_HOME_DIR) && cp dagster_project/dagster.yaml $(DAGSTER_HOME_DIR)/dagster.yaml

run: manifest dagster-home
	DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/fiscalwh run

extract: setup
	$(BIN)/fiscalwh extract $(FISCALWH_CORPUS) --db $(FISCALWH_DB)

test: manifest
	$(BIN)/pytest

# ruff (all Python), mypy (extract, expectations) and sqlfluff (the dbt SQL; config in .sqlfluff).
# sqlfluff's dbt templater compiles each model with dbt; the profile's FISCALWH_DB points at a
# scratch file beside sqlfluff's own dbt target folder, so no warehouse needs to exist (nor is
# locked). Every tool runs; the target fails if any of them found something.
LINT_DB := $(CURDIR)/dbt/target/sqlfluff/lint.duckdb
# sqlfluff lints the models: its dbt templater skips macros and generic tests.
lint: setup
	@mkdir -p $(dir $(LINT_DB)) && rm -f $(LINT_DB) $(LINT_DB).wal  # a scratch file: an older DuckDB's would not open
	@status=0; \
	echo "== ruff"; $(BIN)/ruff check . || status=1; \
	echo "== mypy"; $(BIN)/mypy extract expectations || status=1; \
	echo "== sqlfluff"; FISCALWH_DB=$(LINT_DB) $(BIN)/sqlfluff lint dbt/models || status=1; \
	exit $$status

# PDF text pages/s against pdfplumber and pypdfium2, then OCR pages/s next to text pages/s.
bench: setup
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_ocr.py

# `make bench-scale N=1000`: the whole pipeline over N synthesised documents (byte-varied corpus copies)
# in a scratch folder, then one more document; seconds, pages/s and peak memory per stage.
N ?= 200
bench-scale: manifest
	$(BIN)/python bench/bench_scale.py --n $(N)

docs: manifest
	$(DBT) docs generate $(DBT_DIRS)

dev: manifest dagster-home
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$(DAGSTER_HOME_DIR) $(BIN)/dagster dev -m dagster_project.definitions -h 127.0.0.1 -p 3000

clean:
	rm -rf data/ .dagster_home/ dbt/target/ .pytest_cache
