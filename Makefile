# Fieldroute: `make run` serves the app, `make test` runs every check. No activation needed.

# CPython 3.12+ (the OSRM bindings have no wheel for older ones): tools/find-python tries each
# candidate, pyenv's installed versions included, and says what to install when none starts.
# PYTHON=... picks one by hand. A .venv made with an older Python is made again.
PYTHON ?= $(shell tools/find-python)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

# The tests run on SQLite always, and on PostgreSQL too when one answers here (CI has one).
FIELDROUTE_TEST_POSTGRES_URL ?= $(shell pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && echo postgresql://postgres@127.0.0.1:5432/test)
export FIELDROUTE_TEST_POSTGRES_URL
# The job tests start real Celery workers on Redis when one answers here (CI has one); they
# flush only this database.
FIELDROUTE_TEST_REDIS_URL ?= $(shell timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379' 2>/dev/null && echo redis://127.0.0.1:6379/15)
export FIELDROUTE_TEST_REDIS_URL

# numba compiles the search (routing/route/sisr.py) into its cache beside it: 10 s once after a
# change to it, 1 s after that. Done here so that no first solve waits for it.
COMPILE := $(BIN)/python -c "import routing.route.sisr"

.DEFAULT_GOAL := help
.PHONY: help run worker beat test test-hours lint fmt typecheck bench lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# A .venv made with an older Python cannot take the locks: it is made again.
ifneq ($(wildcard $(BIN)/python),)
ifneq ($(shell $(BIN)/python -c 'import sys; print(sys.version_info >= (3, 12))' 2>/dev/null),True)
$(info $(VENV) was made with an older Python than 3.12: making it again)
$(shell rm -rf $(VENV))
endif
endif

$(BIN)/python:
	@test -n "$(PYTHON)" || { tools/find-python >/dev/null; exit 1; }
	$(PYTHON) -m venv $(VENV)

# One stamp per lock file (requirements/README.md), redone whenever it or pyproject.toml changes.
# Each installs exactly what its lock pins, every file checked against its hash, then the project
# itself without resolving anything more; pip check catches a lock that pyproject.toml outgrew.
define install-lock
	$(PIP) install --quiet --require-hashes -r $(1)
	$(PIP) install --quiet --no-deps -e .
	@$(PIP) check >/dev/null || { $(PIP) check; echo "$(1) does not satisfy pyproject.toml: run make lock" >&2; exit 1; }
endef

$(VENV)/.installed: requirements/runtime.txt pyproject.toml | $(BIN)/python
	$(call install-lock,requirements/runtime.txt)
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt pyproject.toml | $(BIN)/python
	$(call install-lock,requirements/dev.txt)
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: requirements/bench.txt pyproject.toml | $(BIN)/python
	$(call install-lock,requirements/bench.txt)
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

# Resolved for every platform and every Python that requires-python admits (--universal); each set
# is constrained by the one before it so that a package has one version in all of them. uv keeps
# the versions already in the file unless pyproject.toml needs others.
UV_COMPILE = UV_CUSTOM_COMPILE_COMMAND='make lock' $(BIN)/uv pip compile --quiet --universal \
	--generate-hashes$(if $(UPGRADE), --upgrade)

lock: | $(BIN)/python ## Re-pin requirements/*.txt from pyproject.toml (UPGRADE=1: newest allowed)
	$(PIP) install --quiet --require-hashes -r requirements/uv.txt
	$(UV_COMPILE) requirements/uv.in -o requirements/uv.txt
	$(UV_COMPILE) pyproject.toml -o requirements/runtime.txt
	$(UV_COMPILE) pyproject.toml --extra dev -c requirements/runtime.txt -o requirements/dev.txt
	$(UV_COMPILE) pyproject.toml --extra dev --extra bench -c requirements/dev.txt \
		-o requirements/bench.txt

# DEMO=chicagoland loads the larger company that has no road data (plans on the estimate). The
# Baltimore extract also geocodes addresses typed into the app, unless the variable is set.
DEMO ?= baltimore
# The app's default environment is production; the demo's guessable sign-in tokens work only in
# development, which `make run` (a machine of one's own) asks for.
run: $(VENV)/.installed ## Migrate, load the demo company (and its roads) if the database is empty, serve the app (development)
	@$(COMPILE)
	@FIELDROUTE_ENVIRONMENT=development $(BIN)/python -m app.cli demo --company $(DEMO)
	@echo "Fieldroute at http://$(HOST):$(PORT)  (sign in: /login, manager page: /manager, API docs: /docs)"
	FIELDROUTE_ENVIRONMENT=development \
	FIELDROUTE_GEOCODER_OSM_EXTRACT="$${FIELDROUTE_GEOCODER_OSM_EXTRACT-data/roads/baltimore.osm.pbf}" \
		$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT)

# Jobs (imports, ...) go to workers when FIELDROUTE_BROKER_URL is set; the workers and the web
# then share a PostgreSQL database (FIELDROUTE_DATABASE_URL): a worker refuses SQLite.
WORKERS ?= 1
worker: $(VENV)/.installed ## Run a background job worker (needs FIELDROUTE_BROKER_URL and PostgreSQL)
	@test -n "$$FIELDROUTE_BROKER_URL" || { echo "make worker: set FIELDROUTE_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and FIELDROUTE_DATABASE_URL (PostgreSQL)" >&2; exit 2; }
	$(BIN)/python -m app.cli worker --concurrency $(WORKERS)

# One beat per deployment: the nightly plan's tick (each rep planned once a night on their clock).
# Without workers, cron runs `python -m app.cli plan-nightly` instead (README "Scaling out").
beat: $(VENV)/.installed ## Run Celery beat, the nightly plan's schedule (needs FIELDROUTE_BROKER_URL and PostgreSQL)
	@test -n "$$FIELDROUTE_BROKER_URL" || { echo "make beat: set FIELDROUTE_BROKER_URL and FIELDROUTE_DATABASE_URL (PostgreSQL)" >&2; exit 2; }
	$(BIN)/python -m app.cli beat

# Three test processes: most tests wait on a database, a browser, a worker or a server, not on the
# CPU (one process: 20 min; two: 14 min on a quiet 2-core machine; 13 min since the solver
# processes that each test's app stops no longer leave their fork servers loading on). Four took 12 min but loaded
# the machine so that a browser test's week plan timed out in CI (30 s). Three, on 2026-12-06,
# same hour, quiet machine: 2,366 passed in 646 s against 787 s with two (the processes
# together used about one core's time: they wait). Each test's app forks two solver processes,
# which each imported FastAPI for nothing until a later session (a quarter of the suite's
# processor time; app/core/solver_process.py): on a slower day (980-1,000 s in CI), 801 and
# 693 s with it, 618 and 665 s without, quiet machine (a run's spread is 15%). Each process
# has its own PostgreSQL database and Redis database (tests/backends.py); the tests that time
# themselves run alone (tests/exclusive.py). TEST_PROCESSES=0: all in one process. The 25
# slowest tests are listed before the summary: where the time goes, in every CI log. A test
# process that crashes (a segmentation fault in a C++ extension) ends the run with its name,
# not replaced: once, the other process then waited for work forever, into CI's time limit.
# tools/run-tests then prints the fault and runs the suite once more when a crash was the only
# failure (why: there).
TEST_PROCESSES ?= 3
test: $(VENV)/.installed-dev ## Lint, format check, type check, then the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app routing
	$(COMPILE)
	tools/run-tests $(BIN)/pytest -q -n $(TEST_PROCESSES) --dist loadfile --max-worker-restart=0 \
		--durations=25

# The tests about "today" and "now", run again with the machine's clock moved (libfaketime):
# the app reads time only from its clock and the tests fix it, so none may depend on the hour.
HOUR_OFFSETS ?= +8h +16h
HOUR_TESTS := tests/core/test_one_clock.py tests/plans/test_plans.py tests/visits/test_visits.py \
	tests/accounts/test_accounts.py tests/auth/test_auth.py tests/users/test_users.py \
	tests/test_cli.py tests/test_demo_load.py tests/web/test_rep_page.py \
	tests/web/test_rep_http.py tests/web/test_manager_http.py

test-hours: $(VENV)/.installed-dev ## The date and time tests again at other hours (needs faketime)
	@$(COMPILE)
	@for offset in $(HOUR_OFFSETS); do \
		echo "== the clock moved $$offset: $$(faketime -f $$offset date -u)"; \
		faketime -f $$offset $(BIN)/pytest -q -p no:cacheprovider $(HOUR_TESTS) || exit 1; \
	done

lint: $(VENV)/.installed-dev ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed-dev ## Fix lint where safe and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed-dev ## mypy (strict) on app and routing
	$(BIN)/mypy app routing

bench: $(VENV)/.installed-bench ## Solver vs PyVRP and VROOM; import, geocoding, list, territory, rep-day and road speed; the web under solving load
	$(COMPILE)
	$(BIN)/python -m bench.run_toptw
	$(BIN)/python -m bench.geocode
	$(BIN)/python -m bench.import_accounts
	$(BIN)/python -m bench.list_accounts
	$(BIN)/python -m bench.territory
	$(BIN)/python -m bench.rep_day
	$(BIN)/python -m bench.roads
	$(BIN)/python -m bench.web_under_load

clean: ## Remove caches and build output (keeps the virtualenv; `rm -rf .venv` for that)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
