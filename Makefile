# vstudy — run `make help` for the list of targets.
# The two commands that matter:  make report   (whole study)   and   make test   (whole test suite).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LOCK   := requirements/lock.txt
STAMP  := $(VENV)/.installed
DATA   ?= data/raw
JOBS   ?=
ARGS   ?=

.DEFAULT_GOAL := help
.PHONY: help venv report build data validate test test-fast lint bench bench-limits lock clean clean-venv

help: ## List every target with one line each
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (vstudy)" >/dev/null
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv from the lock file (only when missing or out of date)

report: $(STAMP) ## Run the whole study: validate, process, execute notebooks, render with Quarto (exit 3: no Quarto)
	@sh bin/ensure-quarto $(VENV)
	$(BIN)/vstudy build --data $(DATA) $(if $(JOBS),--jobs $(JOBS)) $(ARGS)

build: report ## Alias of report

validate: $(STAMP) ## Validate the raw dataset (DATA=dir to choose another)
	$(BIN)/vstudy validate --data $(DATA)

data: $(STAMP) ## Write the processed layer to data/processed
	$(BIN)/vstudy data --data $(DATA)

test: $(STAMP) ## Run the whole test suite (lint and import contracts included), on every core
	$(BIN)/ruff check src tests bench notebooks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --dist loadgroup

test-fast: $(STAMP) ## Run the unit tests only (skip notebook and pipeline runs)
	$(BIN)/python -m pytest -m "not slow" -n auto

lint: $(STAMP) ## Lint with ruff; check the layers' import contracts
	$(BIN)/ruff check src tests bench notebooks
	$(BIN)/lint-imports

bench: $(STAMP) ## Benchmark clean, no-op and one-table rebuilds of both editions against plain papermill
	$(BIN)/python bench/bench_build.py

bench-limits: $(STAMP) ## Print time and peak memory against input size up to each input limit (vstudy.data.limits)
	$(BIN)/python bench/bench_limits.py

lock: ## Re-resolve the dependencies into requirements/lock.txt (needs the package index)
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/python -m pip install --quiet --upgrade pip
	.lockvenv/bin/python -m pip install --quiet ".[test]"
	{ echo "# Resolved dependency set for vstudy (runtime + test extra), installed by 'make venv'."; \
	  echo "# Regenerate with 'make lock' (fresh venv, unpinned install of .[test], pip freeze). Python 3.11, Linux."; \
	  .lockvenv/bin/python -m pip freeze --exclude-editable | grep -v '^vstudy'; } > $(LOCK)
	rm -rf .lockvenv

clean: ## Remove generated outputs (data/processed, reports, builds/ of other datasets) but keep .venv
	find data/processed reports -mindepth 1 ! -name .gitkeep -delete 2>/dev/null || true
	rm -rf builds data/.processed.build data/.processed.lock

clean-venv: ## Remove .venv
	rm -rf $(VENV)
