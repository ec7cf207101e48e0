# Two commands do everything on a fresh machine:
#   make demo   create the virtual environment on first use, install what the demo needs, run the demo
#   make test   create the virtual environment on first use, install the test extras too, run the whole suite
# Either may come first; `make test` after `make demo` adds the test extras to the same .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PLUGINS := $(wildcard plugins/*/pyproject.toml)
CATALOGUES := $(wildcard src/dcmaint/locale/*/LC_MESSAGES/*.po)
# What the demo runs: the core with its runtime dependencies and the in-tree plugins, no extras.
DEMO_STAMP := $(VENV)/.installed-demo
# Everything else: the test extras of the core and the plugins, and PostgreSQL support.
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint catalogues bench wheel-smoke clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The editable install compiles the catalogues (hatch_build.py runs as a build hook), so the demo
# needs no babel of its own: a changed .po reinstalls.
$(DEMO_STAMP): pyproject.toml $(PLUGINS) $(CATALOGUES) | $(PY)
	$(PY) -m pip install --quiet -e . $(foreach p,$(PLUGINS),-e './$(dir $(p))')
	touch $(DEMO_STAMP)

$(TEST_STAMP): pyproject.toml $(PLUGINS) | $(PY)
	$(PY) -m pip install --quiet -e '.[test,testing,postgresql]' $(foreach p,$(PLUGINS),-e './$(dir $(p))[test]')
	touch $(TEST_STAMP) $(DEMO_STAMP)

catalogues: $(TEST_STAMP)
	$(PY) hatch_build.py

demo: $(DEMO_STAMP)
	$(VENV)/bin/dcmaint demo

test: catalogues
	$(PY) -m pytest -n 2 -p no:cacheprovider

# ruff (lint and format) over everything, mypy --strict over domain/, drivers/ and services/ (pyproject.toml).
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: catalogues
	$(PY) benchmarks/startup.py

# Build the wheels, install them in a clean venv outside the checkout, and try them there.
wheel-smoke:
	bash tools/wheel_smoke.sh

clean:
	rm -rf $(VENV) build dist
