# Every target that runs the engine uses the pinned one in .venv/bin, whatever else is installed.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
PYTHON ?= python3.11
UV := .tools/uv/bin/uv
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export PATH := $(CURDIR)/.venv/bin:$(PATH)
export PULUMI_SKIP_UPDATE_CHECK := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true

.PHONY: help setup demo test lint engine lock

help:
	@echo "make setup  - virtualenv with the locked dependencies, then the pinned Pulumi engine (first time: ~5 min)"
	@echo "make demo   - drift and restore against the offline sandbox (runs setup first)"
	@echo "make test   - the whole test suite, end-to-end tests included (runs setup first)"
	@echo "make reliability - every killed-run trial: the 20 Vercel restores and each kill point (make test samples them)"
	@echo "make lint   - ruff, mypy and the import contracts between floors (lint-imports)"
	@echo "make lock   - re-resolve requirements.lock from pyproject.toml (hashes included)"

$(UV):
	@echo "[setup] bootstrapping uv $(UV_VERSION) into .tools/"
	@$(PYTHON) -m venv .tools/uv && .tools/uv/bin/pip install -q "uv==$(UV_VERSION)"

.venv/bin/python: | $(UV)
	@$(UV) venv --quiet .venv

lock: $(UV)
	@$(UV) pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
	  --python-platform linux --quiet -o requirements.lock

# Bytecode is compiled once here: an engine run starts three or four Python processes, and where none
# may write bytecode (PYTHONDONTWRITEBYTECODE) each would compile everything it imports again.
setup: $(UV) .venv/bin/python
	@echo "[setup] syncing .venv with requirements.lock"
	@$(UV) pip sync --quiet --compile-bytecode --python .venv/bin/python requirements.lock
	@$(UV) pip install --quiet --python .venv/bin/python --no-deps --no-build-isolation -e .
	@.venv/bin/python -m compileall -q -j 0 backstop components sandbox >/dev/null
	@bash toolchain/build.sh .venv/bin
	@chmod +x bin/pulumi-resource-backstop
	@if command -v npm >/dev/null; then .venv/bin/python -m backstop.runbook.db.convex_cli; \
	  else echo "[setup] no npm: the Convex CLI installs on first use of backstop db (Node 20 needed)"; fi

engine: $(UV)
	@bash toolchain/build.sh .venv/bin

demo: setup
	@.venv/bin/backstop sandbox demo

TEST_WORKERS ?= 2

test: setup
	@.venv/bin/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

reliability: setup
	@BACKSTOP_KILL_SAMPLE=all .venv/bin/pytest -n $(TEST_WORKERS) --dist loadfile -m trials tests

lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy
	@.venv/bin/lint-imports --no-cache
