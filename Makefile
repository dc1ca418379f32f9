# Two commands on a fresh machine: `make run` and `make test`. Both create .venv as needed.
# Python: the first of $(PYTHON_CANDIDATES) on PATH that is 3.11 or newer; `make PYTHON=...`
# overrides. `make run` installs what the reader needs; `make test` (and lint, bench) also the
# `test` extra (pytest, snapshot tools, ruff, mypy...), each behind its own stamp.
PYTHON_CANDIDATES := python3 python3.11 python3.12 python3.13 python3.14
PYTHON_OK := import sys; sys.exit(sys.version_info < (3, 11))
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell command -v $(p) >/dev/null 2>&1 && $(p) -c '$(PYTHON_OK)' >/dev/null 2>&1 && echo $(p))))
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "reader needs Python 3.11 or newer: none of $(PYTHON_CANDIDATES) found on PATH (make PYTHON=/path/to/python3 ...)"; exit 1; }
	@$(PYTHON) -c '$(PYTHON_OK)' || { echo "reader needs Python 3.11 or newer: $(PYTHON) is older"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# The independent unitizing-alpha implementation the tests cross-check against; --no-deps
	# because its metadata caps numpy < 2 and pytest < 8, which its code does not need.
	$(BIN)/python -m pip install --quiet --no-deps 'krippendorff-unitized-alpha==0.1.0'
	touch $(RUN_STAMP) $(TEST_STAMP)

run: $(RUN_STAMP)
	$(BIN)/reader $(ARGS)

test: $(TEST_STAMP)
	TEXTUAL_ANIMATIONS=none $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP)
	$(BIN)/ruff check reader tests benchmarks
	$(BIN)/mypy reader
	$(BIN)/lint-imports
	$(BIN)/python -m tests.import_graph

bench: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) build dist
