# dlmath course: every target creates or reuses .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help install class test test-fast generate lab clean

help:
	@echo "make class     - simulated class autograded end to end (the main job)"
	@echo "make test      - the whole test suite"
	@echo "make test-fast - in-process tests only (no kernels)"
	@echo "make generate  - regenerate release/ and solutions/ from source/"
	@echo "make lab       - open the release notebooks in JupyterLab"

$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

class: $(STAMP)
	$(PY) -m dlmath.classroom

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not notebook"

generate: $(STAMP)
	$(PY) -m dlmath.assign

lab: $(STAMP)
	cd release && ../$(VENV)/bin/jupyter lab

clean:
	rm -rf build autograded/*/ feedback submitted gradebook.db grades.csv
