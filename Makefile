# Verbale: `make demo` to try it, `make test` to run the suite. Nothing else is needed first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-integration install check-demo check-test lint format migrate messages serve worker beat clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

# The interface's translations: locale/*/LC_MESSAGES/django.po compiled to .mo (msgfmt).
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
$(MESSAGES): %.mo: %.po $(STAMP)
	msgfmt --check -o $@ $<

messages: $(MESSAGES)

install: check-demo $(STAMP)

check-demo:
	@$(PYTHON) scripts/syscheck.py demo

check-test:
	@$(PYTHON) scripts/syscheck.py test

migrate: $(STAMP) messages
	$(BIN)/python manage.py migrate --noinput

demo: check-demo $(STAMP) migrate
	$(BIN)/python manage.py load_demo
	@echo
	@echo "Verbale is starting on http://$(HOST):$(PORT)/ (Ctrl+C to stop)."
	@$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite on the embedded default (SQLite, tasks in-process). Tests marked
# `integration` need PostgreSQL, Redis and a worker: .ci/run runs them (see the README).
test: check-test $(STAMP) messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "not integration"

# Everything again on PostgreSQL + Redis, with a real Celery worker for `integration` tests.
# Needs DATABASE_URL and CELERY_BROKER_URL in the environment.
test-integration: check-test $(STAMP) messages
	@test -n "$$DATABASE_URL" -a -n "$$CELERY_BROKER_URL" || \
		(echo "Set DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://... first."; exit 1)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

serve: $(STAMP)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .ruff_cache
