# Every target that needs the environment builds .venv first (once, and again when
# requirements.txt or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
LAB_ARGS ?=   # e.g. make lab LAB_ARGS="--no-browser --port 8890"

.PHONY: setup lab test execute lint bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the pinned environment

lab: $(STAMP)  ## open the course in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

test: $(STAMP)  ## unit tests and every notebook through nbval (COURSE_FAST=1 for a quick run)
	$(BIN)/python -m pytest

execute: $(STAMP)  ## re-run every notebook in full mode, in place, to refresh the committed outputs
	for nb in $(NOTEBOOKS); do \
	  COURSE_FAST= $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=-1 "$$nb" || exit 1; \
	done

lint: $(STAMP)  ## ruff over helpers, tests and notebooks
	$(BIN)/ruff check .

bench: $(STAMP)  ## print measured figures (not part of the tests)
	for script in $(sort $(wildcard benchmarks/*.py)); do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
