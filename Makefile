# Fieldroute: `make run` serves the app, `make test` runs every check. No activation needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test lint fmt typecheck bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras, redone whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[dev,bench]'
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

run: $(VENV)/.installed ## Serve the app (http://127.0.0.1:8000; HOST= and PORT= change it)
	@echo "Fieldroute at http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/docs)"
	@$(BIN)/python -c 'from app.config import Settings, dev_token_hint; print(dev_token_hint(Settings()))'
	$(BIN)/uvicorn app.main:app --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev ## Lint, format check, type check, then the test suite
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app routing
	$(BIN)/pytest -q

lint: $(VENV)/.installed-dev ## Lint and check formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed-dev ## Fix lint where safe and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.installed-dev ## mypy (strict) on app and routing
	$(BIN)/mypy app routing

bench: $(VENV)/.installed-bench ## Fieldroute vs PyVRP and VROOM on the TOPTW instances
	$(BIN)/python -m bench.run_toptw

clean: ## Remove caches and build output (keeps the virtualenv; `rm -rf .venv` for that)
	rm -rf .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
