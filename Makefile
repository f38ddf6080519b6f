# The two commands a newcomer runs: `make demo` and `make test`. See README.md.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# A throwaway key so `check --deploy` can judge the production settings; never used to serve.
DEPLOY_CHECK_ENV := DEBUG=false ALLOWED_HOSTS=portal.example.org \
	SECRET_KEY=deploy-check-only-$(shell date +%s)-not-a-real-key-0123456789abcdefghijklmnop

.PHONY: demo test install install-test lint serve system-packages clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/css/portal.css: static/scss/portal.scss node_modules/.installed
	npm run --silent build:css

# The Welsh catalogues: the portal's own (locale/) and Django's strings its Welsh catalogue
# lacks (pacesetter/django_locale/). Only the .po files are kept in git; msgfmt comes with
# Debian's gettext, installed here when missing.
MO_FILES := locale/cy/LC_MESSAGES/django.mo pacesetter/django_locale/cy/LC_MESSAGES/django.mo

%.mo: %.po
	@command -v msgfmt >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext; \
		else \
			echo "Compiling the Welsh catalogue needs Debian's gettext: sudo apt-get install gettext"; exit 1; \
		fi; }
	msgfmt --check -o $@ $<

install: $(VENV)/.runtime-installed node_modules/.installed static/css/portal.css $(MO_FILES)

# After changing interface text: add the new English to the Welsh catalogue (as untranslated
# entries, which tests/test_catalogue.py refuses until each has its Welsh).
messages: $(VENV)/.runtime-installed
	$(BIN)/python manage.py makemessages -l cy --ignore '.venv/*' --ignore 'node_modules/*' \
		--ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'docs/*'

install-test: install $(VENV)/.test-installed system-packages

# Debian packages the tests use: Chromium for the browser tests (Playwright cannot download
# its own browser here) and poppler-utils (pdftotext, pdfinfo, pdftoppm) to read the PDFs.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	[ -x /usr/bin/pdftotext ] || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "The tests need Debian's$$missing: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	@echo "Serving the Pacesetter portal on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@echo "A background worker makes appraisal packs and sends mail (manage.py db_worker)."
	@echo "Sign-in asks for no second factor in the demo (REQUIRE_TWO_FACTOR=false)."
	@REQUIRE_TWO_FACTOR=false $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		REQUIRE_TWO_FACTOR=false $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite runs on two workers (pytest-xdist), each with its own test database, live server
# and media folder. `--dist load` hands tests out in pytest-django's order, so a worker reaches
# its browser tests, which empty its database after each, only after its other database tests.
# `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 2

test: install-test lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist load

clean:
	rm -rf $(VENV) node_modules static/css/portal.css staticfiles
