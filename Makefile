# Every target that needs the environment builds .venv first (once, and again when
# requirements.txt or pyproject.toml change).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NB ?=         # e.g. make execute NB=04 (default: every lecture)
LIMIT ?= 900  # seconds a notebook may run in make execute before its kernel is stopped
LAB_ARGS ?=   # e.g. make lab LAB_ARGS="--no-browser --port 8890"
BENCH_ARGS ?= # e.g. make bench BENCH_ARGS="--full run --update-readme"

.PHONY: setup assets lab test test-browser execute normalize diff-setup lint bench site student clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## create .venv and install the pinned environment

NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

assets: $(NODE_STAMP)  ## the pinned npm packages the site serves next to its pages, so it works offline (needs Node.js)

lab: $(STAMP)  ## open the course in JupyterLab
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

test: $(STAMP)  ## unit tests and every notebook through nbval (COURSE_FAST=1 for a quick run)
	$(BIN)/python -m pytest

test-browser: $(STAMP)  ## only the browser test: the widgets in JupyterLab in Chromium (screenshots in test-output/browser/)
	COURSE_FAST=1 $(BIN)/python -m pytest -m browser tests/test_browser.py -v

execute: $(STAMP)  ## re-run notebooks in full mode, in place, to refresh the committed outputs (NB=04 for one)
	COURSE_FAST= $(BIN)/python tools/execute.py --limit $(LIMIT) $(if $(NB),notebooks/$(NB)_*.ipynb)

normalize: $(STAMP)  ## drop run timestamps and renumber widget ids in the notebooks (execute does it too)
	$(BIN)/python tools/normalize_notebooks.py

diff-setup: $(STAMP)  ## make `git diff` show notebooks as cells (nbdime), for this clone only
	$(BIN)/nbdime config-git --enable

lint: $(STAMP)  ## ruff over helpers, tests and notebooks; notebooks normalized
	$(BIN)/ruff check .
	$(BIN)/python tools/normalize_notebooks.py --check

bench: $(STAMP)  ## table of run times and headline figures (fast mode run now, full mode from the committed outputs)
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

site: $(STAMP) $(NODE_STAMP)  ## static HTML site of the course in _site/, from the committed outputs (nothing is executed)
	$(BIN)/python tools/build_site.py --out _site

student: $(STAMP)  ## student edition in student/: solutions replaced by a self-check of the student's answers
	$(BIN)/python tools/build_student.py --out student

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache *.egg-info _site student test-output
