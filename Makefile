# The project's front door: `make test` and `make demo` work on a fresh clone.
# Offline machines set TF_PROVIDER_MIRROR to a filesystem mirror of hashicorp/aws;
# elsewhere Terraform installs the provider from the registry as usual.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
MUTATION_STAMP := $(VENV)/.mutmut-installed
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
BUILD  := .build
MODULES  := $(wildcard modules/*)
EXAMPLES := $(wildcard examples/*)

ifneq ($(TF_PROVIDER_MIRROR),)
export TF_CLI_CONFIG_FILE := $(abspath $(BUILD)/terraformrc)
endif

# Terraform's garbage collector less often: a plan of the module spends a quarter of its
# CPU time collecting (tests/test_validation_messages.py: 1 min 54 s of CPU time, 1 min 8 s
# with 400), for about twice the memory (600 MB at most per terraform process here).
GOGC ?= 400
export GOGC

# Python keeps each module it compiles (__pycache__, ignored by git), so that the suite's
# hundreds of Python processes (each deployed check is run in one) compile the venv's
# modules once, not each again: a machine that sets PYTHONDONTWRITEBYTECODE made every
# process compile boto3 and moto from source. The venv is installed without compiling
# (--no-compile): only what is imported is compiled, once.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help venv zip docs lint lint-python quick checkov upgrade-check tf-config tf-init tf-validate tf-test pytest unit-tests test test-order demo emulator fire bench bench-history bench-discovery load-test mutation

help:
	@echo "make demo   the monitor deployed on emulated AWS, fed a failed, a late and a missing run"
	@echo "make emulator  emulated AWS on 127.0.0.1:4566 for your own root module (PORT=...)"
	@echo "make fire NAME=... MONITOR=...  fire one of your checks on the emulator, print its alert"
	@echo "make test   lint, check the committed Lambda zip, run every test (what CI runs)"
	@echo "make quick  the edit-test loop: Python checks and the tests that run no Terraform, but the slow ones"
	@echo "make test-order  the applied examples' tests in reverse order (make test shuffles them)"
	@echo "make zip    rebuild dist/lambda.zip from lambda_src/"
	@echo "make docs   regenerate the generated files: README and docs tables, validation messages, sample alerts, doctor findings, data/timezones.json, docs/aws-limits.md"
	@echo "make bench  measure check cost, cold start, Terraform times and AWS limit sizes into benchmarks/"
	@echo "make bench-discovery  onboarding 1,000 tagged state machines: calls and time of each audit (benchmarks/discovery.md)"
	@echo "make bench-history  the deadline history at 1,000 monitors x 90 days: item sizes, report reads (benchmarks/history.md)"
	@echo "make load-test  1,000 checks at once under throttling: nothing may be lost"
	@echo "make lint   ruff, mypy, terraform fmt and validate, checkov"
	@echo "make mutation  mutation testing of the judgement code (ARGS=--changed: only what a change touches)"

$(STAMP): requirements-dev.txt
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-dev.txt
	touch $@

$(CHECKOV_STAMP): requirements-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

$(MUTATION_STAMP): $(STAMP) requirements-mutation.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-compile -r requirements-mutation.txt
	touch $@

venv: $(STAMP)

zip: $(STAMP)
	$(PY) -m dev.build_lambda_zip

# Every generated file: README and docs tables, the time zone list, the AWS limits;
# docs/inputs.md's validation messages from a real plan of tests/validation.tftest.hcl
# (about a minute) and docs/alerts.md's samples from real checks against moto.
docs: $(STAMP) tf-config
	$(PY) -m dev.tfdocs
	$(PY) -m dev.validation_doc
	PYTHONPATH=lambda_src $(PY) -m dev.alert_samples
	PYTHONPATH=lambda_src $(PY) -m dev.doctor_findings
	$(PY) -m dev.timezones
	$(PY) -m dev.aws_limits

# Terraform reads the provider from the mirror when TF_PROVIDER_MIRROR is set.
tf-config:
ifneq ($(TF_PROVIDER_MIRROR),)
	@mkdir -p $(BUILD)
	@printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n' \
	  "$(TF_PROVIDER_MIRROR)" > $(TF_CLI_CONFIG_FILE)
endif

# The root module initialised once for every target that reads it, so that targets run
# side by side (make test) never initialise it at the same time.
tf-init: tf-config
	terraform init -backend=false -input=false >/dev/null

tf-validate: tf-init
	terraform fmt -check -recursive
	@for dir in . $(MODULES) $(EXAMPLES); do \
	  echo "terraform validate $$dir"; \
	  { [ $$dir = . ] || terraform -chdir=$$dir init -backend=false -input=false >/dev/null; } && \
	  terraform -chdir=$$dir validate -no-color || exit 1; \
	done

# The same checks as .pre-commit-config.yaml.
lint: $(STAMP) tf-validate checkov lint-python

lint-python: $(STAMP)
	$(PY) -m ruff check lambda_src testkit scripts dev benchmarks demo tests
	$(PY) -m ruff format --check lambda_src testkit scripts dev benchmarks demo tests
	$(PY) -m mypy
	$(PY) -m dev.tfdocs --check
	$(PY) -m dev.build_lambda_zip --check

# The module as each example calls it; every skipped check carries its reason inline.
checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --directory . --framework terraform --skip-download --compact \
	  --quiet --skip-path tests --skip-path benchmarks --skip-path demo

# The root module's tests, each file in a terraform process of its own (together they take
# about the time of the slowest, not the sum), then the tests of each submodule that has
# them (modules/schedules and modules/inputs are tested through the root module).
# tests/validation.tftest.hcl is checked by tests/test_validation_messages.py instead: its
# 156 runs planned at once, each failing where its expect_failures says and with its
# message (`terraform test` would plan each again, 2 min of CPU time).
TF_TEST_FILES := $(filter-out tests/validation.tftest.hcl,$(wildcard tests/*.tftest.hcl))
tf-test: tf-init
	@mkdir -p $(BUILD)
	@ls $(TF_TEST_FILES) | xargs -P 3 -I{} sh -c \
	  'log=$(BUILD)/$$(basename {}).log; terraform test -no-color -filter={} >$$log 2>&1; \
	   status=$$?; echo "terraform test {}"; cat $$log; exit $$status'
	@for dir in $(patsubst %/tests,%,$(wildcard modules/*/tests)); do \
	  echo "terraform test $$dir"; \
	  terraform -chdir=$$dir init -backend=false -input=false >/dev/null && \
	  terraform -chdir=$$dir test -no-color || exit 1; \
	done

# Unit tests run in-process with moto; tests/apply applies Terraform against a moto
# server that each pytest worker starts (tests/apply/conftest.py). JOBS workers share
# the test files, each file on one worker (its applies share one emulator). More workers
# than cores: an apply mostly waits on the provider's polling (benchmarks/README.md; the
# provider reads each SQS queue's and queue policy's attributes until 6 reads 5 s apart
# agree, 25 s each: waitQueueAttributesPropagated, internal/service/sqs/wait.go). On 2
# cores 4 workers took 10 min 44 s where 2 took 12 min 10 s; `.ci/run` took 15 min 18 s
# with 4, 13 min 24 s, 16 min 17 s and 16 min 22 s with 6, 13 min 56 s with 8 (2026-12-07,
# 1,495 tests; the same run varies by minutes here, so 6 is a judgement, not a measured best).
JOBS ?= 6
pytest: $(STAMP) tf-config
	$(PY) -m pytest -n $(JOBS) --dist loadfile $(ARGS)

# Everything CI runs, in three lanes side by side (their outputs kept apart, each printed
# when it ends): the applies mostly wait on the provider's polling (benchmarks/README.md),
# and the Terraform tests and the lint use the cores meanwhile. On 2 cores, on a fresh
# clone: 13 min 24 s to 17 min 12 s at 1,495 tests, eight runs (every run since 1,049
# tests: docs/development.md, "The suite's time").
test:
	@$(MAKE) --no-print-directory -j 3 --output-sync=target pytest tf-test lint

# pytest-randomly shuffles every run of the suite (its seed is printed: repeat an order
# with `make pytest ARGS=--randomly-seed=N`); this runs the tests that share an applied
# example in reverse order, the other order they must pass in.
test-order: $(STAMP) tf-config
	$(PY) -m pytest -n $(JOBS) --dist loadfile -p no:randomly --reverse tests/apply $(ARGS)

# The edit-test loop: the Python checks and every test that runs no Terraform, but those
# marked slow (the fault matrix, the load test, 90 days of checks, 1,000 monitors: 10 s to
# 1 min 25 s of CPU time a file), side by side. CI runs `make test`, which runs those too,
# the mocked plans (marked terraform), checkov, terraform validate and test, and the
# applies under tests/apply; `make unit-tests` is every test without an apply. One worker
# a core: these tests wait on nothing (on 2 cores, before testkit/read_once.py shared
# botocore's event aliases, `make quick` took 1 min 43 s with 6 workers, 1 min 32 s with 3).
quick:
	@$(MAKE) --no-print-directory -j 2 --output-sync=target lint-python unit-tests MARKS='not slow and not terraform' JOBS=auto

unit-tests: $(STAMP) tf-config
	terraform fmt -check -recursive
	$(PY) -m pytest -n $(JOBS) --dist loadfile --ignore=tests/apply $(if $(MARKS),-m '$(MARKS)') $(ARGS)

demo: $(STAMP) tf-config
	PYTHONPATH=lambda_src $(PY) -m demo

# Emulated AWS for your own root module: prints the provider block to use (README,
# "Try it in your own root module"). PORT=4566 by default.
emulator: $(STAMP)
	$(PY) -m scripts.emulator $(if $(PORT),--port $(PORT))

# One of your deployed checks, fired on the emulator as the Scheduler would fire it, and
# the alert it publishes (moto fires no schedule and runs no function). With the exports
# that `make emulator` prints: make fire NAME=nightly-jobs MONITOR=nightly-etl
# [KIND=start|at_risk] [AT=2026-12-07T17:00:00Z] [REGION=us-east-1]
fire: $(STAMP)
	PYTHONPATH=lambda_src $(PY) -m scripts.fire --name $(NAME) --monitor $(MONITOR) \
	  $(if $(KIND),--kind $(KIND)) $(if $(AT),--at $(AT)) $(if $(REGION),--region $(REGION))

# Writes benchmarks/README.md (and nothing else does), which says how long its run took.
# ARGS="--sizes 1,10 --executions 1,100 --seed-sizes 1" narrows the run.
bench: $(STAMP) tf-config
	PYTHONPATH=lambda_src $(PY) -m benchmarks $(ARGS)

# Writes benchmarks/discovery.md: a few minutes, most of it the Scheduler's pace the
# function keeps. ARGS="--monitors 100" narrows the run.
bench-discovery: $(STAMP)
	PYTHONPATH=lambda_src $(PY) -m benchmarks.discovery $(ARGS)

# Writes benchmarks/history.md: about 12 minutes, most of it moto answering 1,000 Queries.
# ARGS="--monitors 20" narrows the run.
bench-history: $(STAMP)
	PYTHONPATH=lambda_src $(PY) -m benchmarks.history $(ARGS)

load-test: $(STAMP)
	PYTHONPATH=lambda_src $(PY) -m dev.load_test $(ARGS)

# Mutation testing of the judgement code (dev/mutation.py, docs/development.md): kept out
# of make test for its time. ARGS=--changed runs only the modules a change touches,
# ARGS="--module check/risk.py" one module, ARGS=--report reprints the last run's table.
mutation: $(MUTATION_STAMP)
	$(PY) -m dev.mutation $(ARGS)

# Apply examples/basic (EXAMPLE=complete for start checks) with an earlier release, plan it
# with this tree: nothing may be destroyed or replaced unless listed, e.g.
# make upgrade-check FROM=v0.1.0 ALLOW="addr ...".
upgrade-check: $(STAMP) tf-config
	$(PY) -m dev.upgrade_check --from $(FROM) $(if $(EXAMPLE),--example $(EXAMPLE)) \
	  $(foreach a,$(ALLOW),--allow $(a))
