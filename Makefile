# dlmath course.  Every target goes through tasks.py, which creates or reuses
# .venv and installs the pinned packages itself (only python3 is needed).
PYTHON ?= python3

.PHONY: help class test test-fast generate grade bench lab instructor clean

help:
	@echo "make class     - simulated class autograded end to end (the main job)"
	@echo "make test      - the whole test suite (what CI runs)"
	@echo "make test-fast - in-process tests only (no kernels)"
	@echo "make generate  - regenerate release/ and solutions/ from source/"
	@echo "make grade     - batch-autograde everything under submitted/ (JOBS=n)"
	@echo "make bench     - grading benchmark (prints ratios, asserts nothing)"
	@echo "make lab       - learners: JupyterLab on your working copy work/ (made from release/)"
	@echo "make instructor - JupyterLab at the course root (nbgrader's Formgrader)"

class:
	$(PYTHON) tasks.py class

test:
	$(PYTHON) tasks.py test

test-fast:
	$(PYTHON) tasks.py test -m "not notebook"

generate:
	$(PYTHON) tasks.py generate

grade:
	$(PYTHON) tasks.py grade $(if $(JOBS),--jobs $(JOBS))

bench:
	$(PYTHON) tasks.py bench

lab:
	$(PYTHON) tasks.py lab

instructor:
	$(PYTHON) tasks.py instructor

# Only what the tools rebuild; never submissions, grades or the gradebook.
clean:
	rm -rf build intake
