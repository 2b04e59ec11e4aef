# Every target that needs the environment builds .venv first (once, and again when
# requirements.txt or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
LAB_ARGS ?=   # e.g. make lab LAB_ARGS="--no-browser --port 8890"
BENCH_ARGS ?= # e.g. make bench BENCH_ARGS="--full run --update-readme"

.PHONY: setup lab test test-browser execute lint bench site student clean

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

test-browser: $(STAMP)  ## only the browser test: the widgets in JupyterLab in Chromium (screenshots in test-output/browser/)
	COURSE_FAST=1 $(BIN)/python -m pytest -m browser tests/test_browser.py -v

execute: $(STAMP)  ## re-run every notebook in full mode, in place, to refresh the committed outputs
	for nb in $(NOTEBOOKS); do \
	  COURSE_FAST= $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=-1 "$$nb" || exit 1; \
	done

lint: $(STAMP)  ## ruff over helpers, tests and notebooks
	$(BIN)/ruff check .

bench: $(STAMP)  ## table of run times and headline figures (fast mode run now, full mode from the committed outputs)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

site: $(STAMP)  ## static HTML site of the course in _site/, from the committed outputs (nothing is executed)
	$(BIN)/python tools/build_site.py --out _site

student: $(STAMP)  ## student edition in student/: solutions replaced by a self-check of the student's answers
	$(BIN)/python tools/build_student.py --out student

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info _site student test-output
