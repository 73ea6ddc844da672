# Two commands do all the set-up:
#   make demo   create the virtual environment, install, start the offline demo chat
#   make test   install the test dependencies and run the whole suite
# Both install the exact versions in the lockfiles (requirements.lock, requirements-test.lock),
# checked against their hashes, and then the project itself without dependencies on top.
#   make lock   update the lockfiles after a change to pyproject.toml (pins kept where they fit);
#               make lock LOCK_ARGS=--upgrade (or LOCK_ARGS='-P sqlalchemy') moves versions
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint bench run upgrade lock clean

LOCK      := requirements.lock
LOCK_TEST := requirements-test.lock
# The project on top of the locked dependencies: no dependencies of its own, and built with the
# locked setuptools already in the venv instead of whatever an isolated build would fetch.
INSTALL_PROJECT := $(PIP) --no-deps --no-build-isolation -e .

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed") if sys.version_info < (3, 11) else None'
	@$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	@$(PIP) --require-hashes -r $(LOCK)
	@$(INSTALL_PROJECT)
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK_TEST) $(VENV)/.installed
	@$(PIP) --require-hashes -r $(LOCK_TEST)
	@$(INSTALL_PROJECT)
	@touch $@

demo: $(VENV)/.installed
	@$(BIN)/loftesbot demo

# axe-core for the browser tests (tests/web), when npm is there; without it those tests skip.
WEB_DEPS := tests/web/node_modules/.installed
$(WEB_DEPS): tests/web/package.json tests/web/package-lock.json
	@if command -v npm >/dev/null; then \
		(cd tests/web && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm is missing: the browser tests will skip (Debian: apt-get install npm)"; fi

test: $(VENV)/.installed-test $(WEB_DEPS)
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

# pip-tools lives in its own throwaway venv, never in .venv. The test lockfile is resolved first;
# the runtime one starts from its pins, so both name the same versions.
LOCK_VENV := .venv-lock
LOCK_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
	--generate-hashes --allow-unsafe --strip-extras --all-build-deps \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)

$(LOCK_VENV)/bin/pip-compile:
	@$(PYTHON) -m venv $(LOCK_VENV)
	@$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pip-tools==7.7.0

lock: $(LOCK_VENV)/bin/pip-compile
	$(LOCK_COMPILE) --extra test -o $(LOCK_TEST) pyproject.toml
	cp $(LOCK_TEST) $(LOCK)
	$(LOCK_COMPILE) -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache var/*.sqlite3*
