# Two commands do all the set-up:
#   make demo   create the virtual environment, install, start the offline demo chat
#   make test   install the test dependencies and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint bench run upgrade clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	@$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	@$(PIP) -e '.[test]'
	@touch $@

demo: $(VENV)/.installed
	@$(BIN)/loftesbot demo

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench $(BENCH_ARGS)

run: $(VENV)/.installed
	$(BIN)/loftesbot run

upgrade: $(VENV)/.installed
	$(BIN)/loftesbot db upgrade

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var/*.sqlite3*
