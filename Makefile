# jobmatch: `make run` serves the demo city on localhost:8000; `make test` runs the checks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-slow lint typecheck postgres clean mlflow-ui

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/jobmatch db upgrade
	$(BIN)/jobmatch synth --seed 7 --if-empty
	$(BIN)/jobmatch train jobs --if-no-champion
	$(BIN)/jobmatch promote jobs --if-no-champion
	$(BIN)/jobmatch train courses --if-no-champion
	$(BIN)/jobmatch promote courses --if-no-champion
	$(BIN)/jobmatch user demo --url http://$(HOST):$(PORT)
	@echo "The pages: http://$(HOST):$(PORT)/ (log in as a demo user: usernames and passwords above, kept in the data folder, var/demo_users.txt by default)"
	$(BIN)/jobmatch serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy matching features training serving tests

# Under CI=true the PostgreSQL tests must run, so a server is installed and started if none is given.
WITH_POSTGRES := if [ "$$CI" = true ] && [ -z "$$JOBMATCH_TEST_POSTGRES_URL" ]; then \
	JOBMATCH_TEST_POSTGRES_URL=$$(bash .ci/start-postgres) || exit 1; \
	export JOBMATCH_TEST_POSTGRES_URL; fi;

# Under CI=true the browser tests must run: Debian's chromium and CJK fonts are installed if missing.
WITH_BROWSER := if [ "$$CI" = true ]; then bash .ci/install-browser || exit 1; fi;

# The default run in PYTEST_WORKERS processes (pytest-xdist), a test module per worker at a time
# (module fixtures are built once); each worker builds its own templates, city and champions.
PYTEST_WORKERS ?= 2

test: lint typecheck
	@$(WITH_POSTGRES) $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadscope

# pytest exits 5 when no test carries the marker; that is not a failure here.
# The tiers the default run leaves out (markers in pyproject.toml); CI runs both targets.
test-slow: install
	@$(WITH_POSTGRES) $(WITH_BROWSER) \
		$(BIN)/pytest -q -m 'slow or model or fuzz or fault or browser' || [ $$? -eq 5 ]

mlflow-ui: install
	$(BIN)/mlflow ui --backend-store-uri $${JOBMATCH_MLFLOW_TRACKING_URI:-sqlite:///var/mlflow.db} \
		--host 127.0.0.1 --port 5000

postgres:
	bash .ci/start-postgres

clean:
	rm -rf $(VENV) var/*.db var/reports .mypy_cache .pytest_cache .ruff_cache
