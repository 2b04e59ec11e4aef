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

.PHONY: setup assets lab test test-full test-colab doctor test-browser execute normalize diff-setup lint bench site slides student clean assignment grade-check handout

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

test: $(STAMP)  ## unit tests and every notebook through nbval, in fast mode unless COURSE_FAST is set (MNIST: COURSE_DATA_DIR, data/ or Keras' cache, else downloaded once)
	COURSE_FAST=$${COURSE_FAST-1} $(BIN)/python -m pytest

test-full: $(STAMP)  ## the same in full mode: every notebook as a student runs it (25 to 55 minutes on 2 cores, depending on the processor)
	COURSE_FAST= $(BIN)/python -m pytest

# The notebooks (and the helpers' unit tests) in a second environment, .venv-colab: Python 3.13 with
# Colab's own versions (requirements-colab.txt) and the course's helpers installed with --no-deps,
# as the notebooks' bootstrap cell installs them on Colab. COLAB_PYTHON=/path/to/python3.13 to choose.
COLAB_PYTHON ?=
COLAB_VENV   := .venv-colab
COLAB_STAMP  := $(COLAB_VENV)/.installed
# the notebooks, and the unit tests of helpers (tests/test_<module>.py of each helpers/<module>.py)
COLAB_TESTS  := notebooks $(sort $(wildcard $(patsubst helpers/%.py,tests/test_%.py,$(wildcard helpers/*.py))))

test-colab:  ## fast-mode notebooks and helpers' tests on Python 3.13 with Colab's versions, in .venv-colab (skipped without a 3.13)
	@if [ -n "$(COLAB_PYTHON)" ]; then candidates="$(COLAB_PYTHON)"; else \
	  candidates="python3.13 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | sort -rV)"; fi; \
	py=; for candidate in $$candidates; do \
	  if "$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then \
	    py="$$candidate"; break; \
	  fi; \
	done; \
	if [ -z "$$py" ] && [ -n "$(COLAB_PYTHON)" ]; then \
	  echo "make test-colab: COLAB_PYTHON=$(COLAB_PYTHON) is not a working Python 3.13."; exit 1; \
	fi; \
	if [ -z "$$py" ]; then \
	  echo "make test-colab: SKIPPED: no Python 3.13 found (neither python3.13 on PATH nor in pyenv)."; \
	  echo "  Install one (e.g. pyenv install 3.13) or name it: make test-colab COLAB_PYTHON=/path/to/python3.13"; \
	  exit 0; \
	fi; \
	$(MAKE) --no-print-directory $(COLAB_STAMP) COLAB_PYTHON="$$py" && \
	echo "Colab's versions on $$($(COLAB_VENV)/bin/python --version): $$(grep -E '^[a-z]' requirements-colab.txt | tr '\n' ' ')" && \
	COURSE_FAST=$${COURSE_FAST-1} $(COLAB_VENV)/bin/python -m pytest $(COLAB_TESTS)

$(COLAB_STAMP): requirements-colab.txt requirements.txt pyproject.toml
	@test -n "$(COLAB_PYTHON)" || { echo "run make test-colab (it finds Python 3.13)"; exit 1; }
	test -x $(COLAB_VENV)/bin/python || $(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || \
	  { echo "$(COLAB_VENV) is not a Python 3.13 environment: remove it (rm -r $(COLAB_VENV)) and run again"; exit 1; }
	$(COLAB_VENV)/bin/python -m pip install -r requirements-colab.txt $$(grep -E '^(nbval|pytest|hypothesis)==' requirements.txt | cut -d' ' -f1)
	$(COLAB_VENV)/bin/python -m pip install --no-deps -e .
	touch $(COLAB_STAMP)

doctor: $(STAMP)  ## versions, device (CPU or GPU) and MNIST (found? verified?): paste this into a question
	$(BIN)/python -m helpers.doctor

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

bench: $(STAMP)  ## table of run times and headline figures against their bars (fast mode run now, full mode from the committed outputs), then oneDNN off/on and XLA off/on side by side, then each widget's time to answer a control
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/onednn.py
	$(BIN)/python benchmarks/xla.py
	$(BIN)/python benchmarks/widgets.py

site: $(STAMP) $(NODE_STAMP)  ## static HTML site of the course in _site/, from the committed outputs (nothing is executed)
	$(BIN)/python tools/build_site.py --out _site

slides: $(STAMP) $(NODE_STAMP)  ## static reveal.js slides of every lecture in _slides/, opening offline (live ones: make lab, run a notebook, press the deck button in its toolbar)
	$(BIN)/python tools/build_slides.py --out _slides

student: $(STAMP)  ## student edition in student/: solutions replaced by a self-check of the student's answers
	$(BIN)/python tools/build_student.py --out student

clean:
	rm -rf $(VENV) $(COLAB_VENV) node_modules .pytest_cache .ruff_cache *.egg-info _site _slides student test-output

assignment: $(STAMP)  ## nbgrader assignments in assignment/: the student edition, one graded test cell per exercise
	$(BIN)/python tools/build_assignment.py --out assignment

grade-check: $(STAMP)  ## grade a blank and a solved student edition of every lecture with nbgrader (zero and full points; CSV in test-output/grading/)
	COURSE_FAST=1 COURSE_GRADE_ALL=1 $(BIN)/python -m pytest tests/test_grading.py -v -s

handout: $(STAMP)  ## the student edition and its data instructions in one zip for a learning platform: handout/nn-course-student.zip
	$(BIN)/python tools/build_handout.py --out handout/nn-course-student.zip
