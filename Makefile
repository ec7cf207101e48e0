# Two commands do everything on a fresh machine:
#   make demo   create the virtual environment on first use, then run the demo
#   make test   create the virtual environment on first use, then run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PLUGINS := $(wildcard plugins/*/pyproject.toml)
STAMP := $(VENV)/.installed

.PHONY: demo test catalogues bench clean

$(STAMP): pyproject.toml $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,testing]' $(foreach p,$(PLUGINS),-e './$(dir $(p))[test]')
	touch $(STAMP)

catalogues: $(STAMP)
	$(PY) hatch_build.py

demo: catalogues
	$(VENV)/bin/dcmaint demo

test: catalogues
	$(PY) -m pytest -n 2 -p no:cacheprovider

bench: catalogues
	$(PY) benchmarks/startup.py

clean:
	rm -rf $(VENV) build dist
