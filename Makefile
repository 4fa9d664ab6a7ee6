# Assure: two commands on a fresh Debian machine with Python 3.11.
#   make run    set everything up, load the demo partnership, serve http://127.0.0.1:8000
#   make test   set everything up and run the whole test suite, browser tests included

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The DfE validation rules pin pandas and numpy below 2: they get an environment of their own.
VALIDATORS := .venv-validators
CSS := assure/core/static/dist/assure.css
# GOV.UK Frontend's script and assets (fonts, images), copied beside the CSS so the package carries them.
GOVUK := assure/core/static/govuk
GOVUK_DIST := node_modules/govuk-frontend/dist/govuk
# Where `make run` serves Assure.
ADDRESS ?= 127.0.0.1:8000

.PHONY: run test install install-dev assets wheel validators system-packages chromium clean

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

$(GOVUK)/govuk-frontend.min.js: node_modules/.package-lock.json
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp -R $(GOVUK_DIST)/assets $(GOVUK)/assets
	cp $(GOVUK_DIST)/govuk-frontend.min.js $@

# The wheel a server installs (docs/deploy.md): Assure's code with its templates, data and built assets.
# Built from the locked environment's setuptools, without fetching a build backend.
wheel: $(VENV)/.dev assets
	rm -rf build dist/assure-*.whl
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	rm -rf build
	@ls dist/assure-*.whl

$(VALIDATORS)/.installed: requirements-validators.lock
	test -x $(VALIDATORS)/bin/python || $(PYTHON) -m venv $(VALIDATORS)
	$(VALIDATORS)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements-validators.lock
	touch $@

validators: $(VALIDATORS)/.installed

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets
assets: $(CSS) $(GOVUK)/govuk-frontend.min.js

# Debian packages: Pango for WeasyPrint's PDFs, and Chromium for the browser tests
# (never a downloaded browser build). Installed only when missing.
RUNTIME_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation
TEST_PACKAGES := $(RUNTIME_PACKAGES) chromium
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages: $$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
endef

system-packages:
	$(call apt_install,$(RUNTIME_PACKAGES))

chromium:
	$(call apt_install,$(TEST_PACKAGES))

# One background worker per queue beside the web server: `mail` (every email) and `heavy` (imports, indicator
# runs, validation, report rendering). Ctrl+C stops the server, and the workers stop with it.
run: export ASSURE_ENV ?= demo
run: install system-packages validators
	$(BIN)/assure migrate --no-input
	$(BIN)/assure demo --if-empty
	@echo "Assure is starting on http://$(ADDRESS) with its mail and heavy workers (Ctrl+C to stop)"
	@trap 'kill $$mail $$heavy 2>/dev/null; wait $$mail $$heavy 2>/dev/null' EXIT INT TERM; \
	$(BIN)/assure db_worker --queue-name mail & mail=$$!; \
	$(BIN)/assure db_worker --queue-name heavy & heavy=$$!; \
	$(BIN)/assure runserver $(ADDRESS)

test: install-dev chromium validators
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(VALIDATORS) node_modules assure/core/static/dist $(GOVUK) var build dist
