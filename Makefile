# Groundswell: two commands do all set-up on a fresh machine.
#   make demo   runs the whole monitor on simulated data (SQLite, bundled models)
#   make test   installs what the tests need and runs lint + tests
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
DEMO_ARGS ?=
PYTEST_ARGS ?=

.PHONY: demo test lint install system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch is installed first and pinned: a looser spec pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# System packages the browser tests need (Debian chromium); skipped when not root.
system-deps:
	@bash scripts/ensure_system_deps.sh

demo: install
	$(VENV)/bin/groundswell demo $(DEMO_ARGS)

lint: install
	$(VENV)/bin/ruff check listener nlp api models tests scripts
	$(VENV)/bin/mypy listener nlp api models

test: install system-deps lint
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
