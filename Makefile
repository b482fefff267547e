# make run   - install, migrate the SQLite database, load the demo organisation, serve
# make test  - lint and the whole suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
# make test-dates - the suite (but the browser tests and the generated API cases, which
#                   vary inputs, not dates) with the system clock started at calendar
#                   boundaries, on SQLite: nothing may read the real time
# make bench - the scale benchmark (bench/)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
DEMO_PASSWORD := roadmap-demo-2027

# UTC instants: Monday 00:00:30, Sunday 23:59:30, 31 December of a year with ISO
# week 53, 1 January after it, the last minute of a quarter.
DATES_AT_ONCE ?= 2
TEST_DATES := 2026-12-07T00:00:30 2026-12-06T23:59:30 2026-12-31T23:59:30 \
	2027-01-01T00:00:30 2027-03-31T23:59:30

.PHONY: run test test-dates lint format bench install install-dev

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the browser tests' accessibility checks (tests/browser/conftest.py
# reads axe.min.js from here and injects it; no CDN).
AXE_VERSION := 4.14.1
AXE_STAMP := $(VENV)/axe/.axe-core-$(AXE_VERSION)
$(AXE_STAMP): | $(BIN)/python
	npm install --no-save --no-audit --no-fund --silent --prefix $(VENV)/axe axe-core@$(AXE_VERSION)
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev $(AXE_STAMP)

run: export FLASK_CONFIG ?= DevelopmentConfig
run: $(VENV)/.installed
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	@echo ""
	@echo "Roadmap alignment is at http://127.0.0.1:$(PORT)/"
	@echo "Demo logins (password $(DEMO_PASSWORD)):"
	@echo "  admin@example.com    admin"
	@echo "  planner@example.com  planner"
	@echo "  dev@example.com      contributor"
	@echo "  lead@example.com     viewer"
	@echo ""
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint $(AXE_STAMP)
	env -u TEST_DATABASE_URL $(BIN)/pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== the same suite on $$TEST_DATABASE_URL =="; \
		$(BIN)/pytest; \
	fi

test-dates: $(VENV)/.installed-dev
	@command -v faketime >/dev/null || { echo "test-dates needs faketime (apt-get install faketime)"; exit 2; }
	@# Two instants at a time, each run with its own temporary directory and log.
	@logs=$$(mktemp -d); \
	printf '%s\n' $(TEST_DATES) | xargs -P $(DATES_AT_ONCE) -I{} sh -c ' \
		TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$$(echo {} | tr T " ")" \
			env -u TEST_DATABASE_URL $(BIN)/pytest --ignore=tests/browser \
			--ignore=tests/api/test_schema.py -p no:cacheprovider \
			--basetemp='"$$logs"'/{} > '"$$logs"'/{}.log 2>&1; status=$$?; \
		echo "== the suite with the system clock started at {} UTC: $$(tail -n 1 '"$$logs"'/{}.log)"; \
		[ $$status = 0 ] || { cat '"$$logs"'/{}.log; exit 1; }'; \
	status=$$?; rm -rf "$$logs"; exit $$status

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench
	$(BIN)/python -m bench.notifications
	$(BIN)/python -m bench.importing
