# The two commands: `make run` and `make test`. Both create the virtualenv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test a11y bench scale citus lint format install clean-data browsers

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
		$(PY) -m pip install -q '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## make run: web, worker and beat with embedded PostgreSQL/Redis and a demo business
run: $(STAMP)
	$(PY) -m mectofitness.dev run

## make test: the whole suite against real PostgreSQL and Redis, one pytest-xdist
## worker per core, each with its own test database and cache key prefix;
## TEST_WORKERS=0 runs it in one process
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m mectofitness.dev test -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(ARGS)

## make a11y: the accessibility sweep, every page of the role matrix as each role that may
## open it, through axe-core at 1280 and 360 px (several minutes; not part of `make test`)
a11y: $(STAMP)
	MF_A11Y_SWEEP=1 $(PY) -m mectofitness.dev test accounts/tests/test_accessibility_sweep.py $(ARGS)

## make bench: provisioning, client search and routing figures (ARGS=--pages: each
## back-office page with the demo's data; --big: every page on a business of 10,000
## clients; --api: the API against plain Django per app server; --load: 1,000 people)
bench: $(STAMP)
	@command -v wrk >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq wrk >/dev/null 2>&1) || echo "routing figures need wrk (apt-get install wrk)"
	$(PY) -m mectofitness.dev bench $(ARGS)

## make scale: a platform of N businesses (ARGS="-n 1000"; default 10,000, kept in its own
## database between runs), what a deploy costs there, and the page and API figures of a
## business of 10,000 clients on it; see bench/scale.py (not in CI)
scale: $(STAMP)
	@command -v wrk >/dev/null || (command -v apt-get >/dev/null && apt-get install -y -qq wrk >/dev/null 2>&1) || echo "API figures need wrk (apt-get install wrk)"
	$(PY) -m mectofitness.dev scale $(ARGS)

## make citus: Citus (built from ../shared/vendor/citus if missing), a coordinator and two
## workers on loopback under .data/citus, the product migrated and businesses signed up on
## it, and the tests marked citus run against it (not in CI; needs root for the build)
citus: $(STAMP)
	$(PY) -m mectofitness.dev citus $(ARGS)

## make lint: formatting, ruff's rules, and the house's layers and import cycles
## (import-linter's contracts in pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-data:
	rm -rf .data
