# Two commands set everything up on a fresh machine:
#   make build   render dist/ (PDFs in every language, the HTML site)
#   make test    ruff format --check, ruff check, mypy, the import contract, then the test suite, as CI does
#   make test-fast  the unit tests only (no builds, layout workers, servers or browser), in seconds
# Both create .venv with the Python dependencies and install the system libraries WeasyPrint
# needs, or say exactly which ones are missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SYSTEM_PACKAGES := python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext chromium default-jre-headless

# DIR, ID and NAME reach the shell as typed: make expands a `$` in a variable's value (the command
# line's too), so `make export DIR='Informe $2026'` wrote to "Informe 026" and NAME="O'Brien $HOME"
# became "O'Brien OME". Each is taken as its unexpanded text and exported so.
override DIR := $(value DIR)
override ID := $(value ID)
override NAME := $(value NAME)
export DIR ID NAME

.PHONY: build test test-fast lint check release export serve new extract update bench map-data system clean

# The package's bytecode is compiled first, as pip compiles a package it installs (an editable
# install does not): where PYTHONDONTWRITEBYTECODE is set, every run and every layout worker would
# otherwise compile each module again (the bench's cold build took 36.5 s with 21 modules stale,
# 31.0 s with none).
build: $(VENV)/.installed
	$(PY) -m compileall -q report
	$(PY) build.py

# `make test` is what CI runs: the habits first (they take seconds), then the whole suite.
# --dist loadscope sends each test file whole to one worker, so a module's fixture (a project built
# once for all its tests: test_oracle's, test_incremental's, the browser's site) is built once, not
# once on each worker as plain `-n 2` did. Three workers on two cores: the tests wait on builds,
# servers and browsers they start, and with two workers the cores idled (the whole suite in 570 s
# with -n 2, 495 s with -n 3, one run each on the idle host, 2026-12-07).
# The package is compiled first, as for `make build`: about a hundred processes of a run import it
# (builds, fork servers, pytest's workers), and where PYTHONDONTWRITEBYTECODE is set each compiled
# it again (importing the build's modules took 0.56-0.78 s uncompiled, 0.37-0.49 s compiled).
test: lint
	$(PY) -m compileall -q report
	$(PY) -m pytest -n 3 --dist loadscope

# The unit tests, with 40 examples per Hypothesis property (the "fast" profile, tests/conftest.py)
# where `make test` runs the full 150 ("ci"); HYPOTHESIS_PROFILE=ci make test-fast runs them all.
test-fast: $(VENV)/.installed
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-fast} $(PY) -m pytest -m "not slow" -q -n 2

# Formatting, lint, types on report/ and the import contract (tests/test_architecture.py);
# `make test` runs them first.
lint: $(VENV)/.installed
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(PY) -m pytest -q tests/test_architecture.py

# One target per verb of ./build.py (which runs in .venv by itself, so `./build.py check` is the same):
#   make check, make release, make export [DIR=site], make serve, make extract, make update, make new ID=otay-mesa NAME="Otay Mesa Detention Center"
check: $(VENV)/.installed
	$(PY) build.py check

serve: $(VENV)/.installed
	$(PY) build.py serve

release: $(VENV)/.installed
	$(PY) build.py release

# DIR reaches the shell through the environment, like ID and NAME below.
export: $(VENV)/.installed
	$(PY) build.py export $${DIR:+"$$DIR"}

extract: $(VENV)/.installed
	$(PY) build.py extract

update: $(VENV)/.installed
	$(PY) build.py update

# ID and NAME reach the shell through the environment (make exports command-line variables), so
# a name with quotes or an apostrophe arrives as typed.
new: $(VENV)/.installed
	@if [ -z "$$ID" ] || [ -z "$$NAME" ]; then \
	  echo 'usage: make new ID=otay-mesa NAME="Otay Mesa Detention Center"' >&2; exit 2; fi
	$(PY) build.py new "$$ID" --name "$$NAME"

bench: $(VENV)/.installed
	$(PY) bench/run.py

# The map's Census boundaries (layouts/map/): download the pinned us-atlas release from the npm
# registry and check every file against layouts/map/SHA256SUMS. Only to refresh them: builds
# read the committed files and never touch the network.
map-data:
	$(PYTHON) scripts/us_atlas.py

$(VENV)/.installed: pyproject.toml | system
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Pango (text layout), HarfBuzz-Subset (font subsetting) and gettext (msgcat formats the catalogs
# extract and update write; msgfmt cross-checks translation statistics in tests); for the
# real-browser tests, Chromium (driven by Playwright, which never downloads a browser of its
# own) and a Java runtime (the Nu HTML checker is a jar).
# And, until .venv has its pip, Python's venv module: Debian and Ubuntu package its ensurepip apart
# (python3-venv), and without it `python3 -m venv` fails halfway, leaving a .venv without pip.
# Installed with apt-get when we can, explained when we cannot.
system:
	@missing=""; \
	[ -x $(VENV)/bin/pip ] || $(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	for lib in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
	           libharfbuzz-subset.so.0:libharfbuzz-subset0; do \
	  PATH="$$PATH:/sbin:/usr/sbin" ldconfig -p 2>/dev/null | grep -q "$${lib%%:*}" || missing="$$missing $${lib##*:}"; \
	done; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v "$${CHROMIUM:-chromium}" >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing" >&2; \
	    echo "Install them first, for example: sudo apt-get install$$missing" >&2; \
	    echo "(macOS: brew install pango harfbuzz gettext openjdk, and set CHROMIUM to a Chromium binary)" >&2; \
	    exit 1; \
	  fi; \
	fi

clean:
	rm -rf dist .dist .cache
