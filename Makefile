# Assure: two commands on a fresh Debian machine with Python 3.11.
#   make run    set everything up, load the demo partnership, serve http://127.0.0.1:8000
#   make test   set everything up and run the whole test suite, browser tests included

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CSS := assure/core/static/dist/assure.css

.PHONY: run test install install-dev assets chromium migrate clean

$(VENV)/.runtime: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.lock
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CSS): node_modules/.package-lock.json assure/frontend/assure.scss
	npm run --silent build

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets
assets: $(CSS)

# Debian's Chromium for the browser tests (never a downloaded browser build).
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation >/dev/null; }

run: export ASSURE_ENV ?= demo
run: install
	$(BIN)/assure migrate --no-input
	$(BIN)/assure demo --if-empty
	@echo "Assure is starting on http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(BIN)/assure runserver 127.0.0.1:8000

test: install-dev chromium
	$(BIN)/pytest

clean:
	rm -rf $(VENV) node_modules assure/core/static/dist var
