# Two entry points for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
ALL_STAMP := $(VENV)/.installed-all

.PHONY: run test lint bench clean teams-package

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The light default: the app and its numpy relevance tier (no torch).
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[multilingual]'
	touch $(RUN_STAMP)

# Everything: the test tools, every relevance tier (torch for `semantic`) and the training tools.
$(ALL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,multilingual,semantic,train]'
	touch $(ALL_STAMP) $(RUN_STAMP)

# Web and worker as two processes on the embedded Redis; Ctrl-C stops all three.
run: $(RUN_STAMP)
	$(BIN)/python -m app

lint: $(ALL_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest exits 5 when it collected nothing: that must fail CI, loudly.
test: lint
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests" >&2; exit 1; fi; exit $$rc

bench: $(ALL_STAMP)
	$(BIN)/python -m bench.ack_latency
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.votes
	$(BIN)/python -m bench.teams
	$(BIN)/python -m bench.networks
	$(BIN)/python bench/relevance.py

# The Teams app package (manifest and icons at the zip's root), with MICROSOFT_APP_ID as its ids.
teams-package: $(RUN_STAMP)
	$(BIN)/python tools/teams_package.py dist/cercle-teams.zip

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
