# dlmath course.  Every target goes through tasks.py, which creates or reuses
# .venv and installs the pinned packages itself (only python3 is needed).
PYTHON ?= python3

.PHONY: help class test test-fast generate lab clean

help:
	@echo "make class     - simulated class autograded end to end (the main job)"
	@echo "make test      - the whole test suite (what CI runs)"
	@echo "make test-fast - in-process tests only (no kernels)"
	@echo "make generate  - regenerate release/ and solutions/ from source/"
	@echo "make lab       - open the release notebooks in JupyterLab"

class:
	$(PYTHON) tasks.py class

test:
	$(PYTHON) tasks.py test

test-fast:
	$(PYTHON) tasks.py test -m "not notebook"

generate:
	$(PYTHON) tasks.py generate

lab:
	$(PYTHON) tasks.py lab

clean:
	rm -rf build feedback submitted gradebook.db grades.csv
	find autograded -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
