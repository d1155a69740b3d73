# The project's front door: `make test` and `make demo` work on a fresh clone.
# Offline machines set TF_PROVIDER_MIRROR to a filesystem mirror of hashicorp/aws;
# elsewhere Terraform installs the provider from the registry as usual.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: help venv zip lint test

help:
	@echo "make test   lint, check the committed Lambda zip, run every test"
	@echo "make zip    rebuild dist/lambda.zip from lambda_src/"
	@echo "make lint   ruff (lint and format check)"

$(STAMP): requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(STAMP)

zip: $(STAMP)
	$(PY) scripts/build_lambda_zip.py

lint: $(STAMP)
	$(PY) -m ruff check lambda_src scripts tests
	$(PY) -m ruff format --check lambda_src scripts tests

test: lint
	$(PY) scripts/build_lambda_zip.py --check
	$(PY) -m pytest
