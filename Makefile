# The only commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint typecheck pytest e2e-deps serve migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/techbridge manage migrate --no-input

## demo: create .venv, install, migrate SQLite, load demo data, serve http://127.0.0.1:8000
demo: migrate
	$(BIN)/techbridge demo-data --if-empty
	$(BIN)/techbridge manage runserver $(HOST):$(PORT)

serve: migrate
	$(BIN)/techbridge manage runserver $(HOST):$(PORT)

## test: install test dependencies, run linters, type checks and the whole suite
test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy src

# chromium for the browser tests; pango and a CJK font for WeasyPrint's PDF agreements.
e2e-deps:
	@{ command -v chromium && fc-list :lang=zh | grep -q . && ldconfig -p | grep -q libpangoft2-1.0; } >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium, pango and CJK fonts for the browser tests and PDF documents"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

pytest: $(STAMP) e2e-deps
	$(BIN)/pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) staticfiles test-results

## messages: re-extract the English source strings into src/techbridge/locale/zh_Hans/LC_MESSAGES/django.po
## and compile django.mo. Translate every new or fuzzy entry in the .po, run it again, and commit
## both files (the .mo is committed so a machine without gettext still shows Chinese).
## Needs GNU gettext (apt-get install gettext). Locations are file names only, to keep diffs small.
.PHONY: messages
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale zh_Hans --add-location file \
	  --ignore '.venv/*' --ignore 'tests/*' --ignore 'test-results/*' --ignore 'docs/*' \
	  --ignore 'staticfiles/*' --ignore 'build/*'
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore .venv
