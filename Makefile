# Hamyar: `make run` serves the demo through gunicorn; `make dev` through Django's auto-reloading server;
# `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test setup browser migrate demo static lint messages clean

# What `make run` serves with: the development settings with DEBUG off unless asked for (DEBUG=true make run),
# so pages, errors and static files are what production gives.
RUN_ENV := DJANGO_SETTINGS_MODULE=hamyar.settings.base DEBUG=$${DEBUG:-false}

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Browser tests drive Debian's Chromium; PDFs need Pango (WeasyPrint). Install them when missing and possible.
browser:
	@{ command -v chromium >/dev/null 2>&1 && ldconfig -p | grep -q libpangoft2-1.0; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
	      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) >/dev/null; \
	  else echo "chromium is missing: browser tests will be skipped (apt-get install chromium)"; fi; }

migrate: setup
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo --if-empty

# Static files collected under hashed names, compressed, for WhiteNoise; redone when a source changes.
STATIC_SOURCES := $(shell find hamyar -path '*/static/*' -type f 2>/dev/null) package-lock.json
staticfiles/staticfiles.json: $(STATIC_SOURCES) | setup
	$(RUN_ENV) $(MANAGE) collectstatic --noinput --clear -v 0

static: staticfiles/staticfiles.json

# gunicorn (its settings in gunicorn.conf.py), the task worker and the periodic tasks; Ctrl-C stops all three.
run: demo static
	$(MANAGE) demo_logins
	@echo "Hamyar: http://$(HOST):$(PORT)/"
	@trap 'kill 0' INT TERM EXIT; \
	$(RUN_ENV) $(MANAGE) db_worker --queue-name default & \
	while true; do $(RUN_ENV) $(MANAGE) periodic >/dev/null; sleep 300; done & \
	$(RUN_ENV) $(VENV)/bin/gunicorn --bind $(HOST):$(PORT)

# Development: Django's server reloads on every change and serves static files from their sources.
dev: demo
	$(MANAGE) demo_logins
	@echo "Hamyar: http://$(HOST):$(PORT)/"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) db_worker --queue-name default & \
	while true; do $(MANAGE) periodic >/dev/null; sleep 300; done & \
	$(MANAGE) runserver $(HOST):$(PORT)

test: setup browser
	$(MANAGE) check --fail-level WARNING --settings hamyar.settings.test
	$(MANAGE) makemigrations --check --dry-run --settings hamyar.settings.test
	$(VENV)/bin/pytest -q

# mypy checks the typed modules listed in pyproject.toml ([tool.mypy]): core, services and selectors.
# Only the Python tools are needed: no npm.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check hamyar bench
	$(VENV)/bin/mypy

# Re-extract translatable strings for every app (needs GNU gettext), then compile.
messages: setup
	for app in core directory accounts catalog needs commerce projects finance insights transparency web; do \
	  (cd hamyar/$$app && ../../$(PY) ../../manage.py makemessages -l fa --no-obsolete >/dev/null); done
	# The project catalog holds only the API glue outside any app.
	cd hamyar && ../$(PY) ../manage.py makemessages -l fa --no-obsolete \
	  -i "core/*" -i "directory/*" -i "accounts/*" -i "catalog/*" -i "needs/*" -i "commerce/*" -i "projects/*" -i "finance/*" -i "insights/*" -i "transparency/*" -i "web/*" -i "settings/*" >/dev/null
	$(MANAGE) compilemessages >/dev/null

clean:
	rm -rf $(VENV) node_modules staticfiles test-output
