# Metodist: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi.py
export PYTHONPATH := $(CURDIR)

.PHONY: run test lint install install-test translations i18n-update db-upgrade demo serve test-sqlite test-postgres clean

# --- environment -----------------------------------------------------------------------------
$(VENV)/.runtime-installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@touch $@

$(VENV)/.test-installed: $(VENV)/.runtime-installed requirements-test.txt
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements-test.txt
	@touch $@

install: $(VENV)/.runtime-installed
install-test: $(VENV)/.test-installed

# Compiled catalogues are build products (not in git): rebuilt whenever a .po changes.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard lms/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po $(VENV)/.runtime-installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null
translations: $(MO_FILES)

# After changing interface strings: extract them and merge into the catalogues, then translate.
# --ignore-dirs: Babel's default also skips folders starting with "_", and so the shared macros' strings
# (templates/_macros) were never extracted nor translated.
i18n-update: $(VENV)/.runtime-installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _n:1,2 -k _ln:1,2 -k _lp:1c,2 --ignore-dirs=".*" \
		--no-location --sort-output -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --ignore-obsolete

# --- run -------------------------------------------------------------------------------------
db-upgrade: install translations
	LMS_ENV=development $(BIN)/flask db upgrade

demo: db-upgrade
	LMS_ENV=development $(BIN)/flask demo load

serve: install translations
	LMS_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

run: demo serve

# --- test ------------------------------------------------------------------------------------
# The suite always runs on SQLite, and on PostgreSQL when one is reachable (LMS_TEST_DATABASE_URL, or the
# local server's socket). The two passes run side by side, one per core; the PostgreSQL pass's output follows
# the SQLite pass's, and the last lines say which ran. (The shared-Redis test runs in the SQLite pass: both
# would flush the same Redis database.)
test: install-test translations lint
	@pg_url="$$($(BIN)/python tests/postgres.py)"; \
	if [ -n "$$pg_url" ]; then \
		log=$$(mktemp); \
		env -u LMS_TEST_REDIS_URL LMS_TEST_DATABASE_URL="$$pg_url" \
			$(MAKE) --no-print-directory test-postgres > "$$log" 2>&1 & pg=$$!; \
		$(MAKE) --no-print-directory test-sqlite; sqlite=$$?; \
		wait $$pg; postgres=$$?; cat "$$log"; rm -f "$$log"; \
		[ $$sqlite -eq 0 ] || { echo "== The SQLite pass FAILED =="; exit 1; }; \
		[ $$postgres -eq 0 ] || { echo "== The PostgreSQL pass FAILED =="; exit 1; }; \
		echo "== Databases tested: SQLite and PostgreSQL ($$pg_url) =="; \
	else \
		$(MAKE) --no-print-directory test-sqlite || exit 1; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!  PostgreSQL is NOT reachable: the suite ran on SQLite ONLY.                          !!"; \
		echo "!!  Start a server and set LMS_TEST_DATABASE_URL (see README, 'Tests') to test both.      !!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

lint: install-test
	$(BIN)/ruff check lms courses assessments community tests bench wsgi.py migrations/env.py

test-sqlite:
	@echo "== Test suite on SQLite =="
	env -u LMS_TEST_DATABASE_URL $(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# Browser tests exercise pages, and nodb tests no database at all: they run in the SQLite pass only.
test-postgres:
	@echo "== Test suite on PostgreSQL ($(LMS_TEST_DATABASE_URL)) =="
	$(BIN)/python -m pytest -p no:cacheprovider -m "not browser and not nodb" $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find lms/translations -name '*.mo' -delete
