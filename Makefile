# drugsite: `make run` serves the site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.PHONY: run serve test bench lint format install model clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Migrate, train and activate the default model if none is usable, create the
# local admin on a fresh database (password printed once), serve on :8000.
model: install
	$(MANAGE) migrate --no-input
	$(MANAGE) train_model --activate --if-none-active

run: model
	$(MANAGE) ensure_dev_admin
	$(MANAGE) runserver 127.0.0.1:8000

# The production stack on this machine: granian + whitenoise, DEBUG off
# (drugsite/serve.py). Needs DJANGO_SECRET_KEY; honours PORT, WEB_CONCURRENCY,
# WEB_THREADS, DATABASE_URL and REDIS_URL.
serve: model
	DJANGO_DEBUG=0 $(MANAGE) collectstatic --no-input --verbosity 0
	DJANGO_DEBUG=0 $(BIN)/python -m drugsite.serve

# Installs or starts what the system tests drive (Debian's chromium, nginx, wrk;
# PostgreSQL, Redis) or stops with one line per missing thing.
test: install
	bash scripts/test-prerequisites.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* artifacts staticfiles .pytest_cache
