# keytrail — make help lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAKE ?= keytrail-lake

.DEFAULT_GOAL := help

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

.PHONY: venv
venv: $(STAMP) ## Create .venv and install keytrail with its dev tools

.PHONY: demo
demo: $(STAMP) ## Build the lake from sample_data/ and walk through what it holds
	$(PY) -m keytrail.demo --lake $(LAKE)

.PHONY: test
test: $(STAMP) lint ## Lint, type-check and run the whole test suite
	$(PY) -m pytest -q

.PHONY: lint
lint: $(STAMP) ## ruff (lint + format check) and mypy --strict on the packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

.PHONY: bench
bench: $(STAMP) ## Ingest benchmark against DuckDB read_json -> Parquet (LINES=2000000)
	$(PY) bench/ingest_vault.py --lines $${LINES:-2000000}

.PHONY: bench-cloud
bench-cloud: $(STAMP) ## Cloud-source ingest benchmark, aws/gcp/azure (EVENTS=1000000)
	$(PY) bench/ingest_cloud.py --events $${EVENTS:-1000000}

.PHONY: bench-queries
bench-queries: $(STAMP) ## Catalogue queries on a synthetic lake + raw-JSON baseline (EVENTS=100000000 SLICE=10000000)
	$(PY) bench/queries.py --events $${EVENTS:-100000000} --slice-events $${SLICE:-10000000}

.PHONY: clean
clean: ## Remove the demo lake and caches (keeps .venv)
	rm -rf $(LAKE) .pytest_cache .mypy_cache .ruff_cache

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'
