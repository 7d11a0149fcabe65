# Pioneer — the two commands: `make demo` and `make test`. Each sets up everything it needs from a fresh clone.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIONEER := $(VENV)/bin/pioneer
export PIONEER_HOME ?= $(CURDIR)/pioneer-data

.PHONY: demo test venv system-test lint typecheck unit bench clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock "setuptools>=69" wheel
	$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

venv: $(VENV)/.installed

# System packages (PostgreSQL 15, Debian Chromium, Noto CJK fonts, poppler, pango for WeasyPrint).
system-test:
	scripts/install-system.sh

demo: venv
	scripts/install-system.sh --demo
	$(PIONEER) demo --host 127.0.0.1 --port 8000

lint: venv
	$(VENV)/bin/ruff check --no-cache src tests benchmarks
	$(VENV)/bin/ruff format --no-cache --check src tests benchmarks

typecheck: venv
	$(VENV)/bin/mypy

test: venv system-test lint typecheck
	scripts/start-postgres.sh
	PIONEER_REQUIRE_POSTGRES=1 PIONEER_TEST_POSTGRES_URL=$$(cat .pg/url) $(VENV)/bin/pytest -n 2 --dist loadfile -m "not browser and not isolated"
	# kill -9 loops run in a fresh process of their own (see tests/unit/lake/test_lake_crash.py)
	$(VENV)/bin/pytest -m isolated
	# the browser suite runs alone: it drives a live server and Chromium, which time out beside Spark jobs
	$(VENV)/bin/pytest -m browser

bench: venv
	$(PY) benchmarks/bench_air_national.py

clean:
	rm -rf $(VENV) .pg pioneer-data .pytest_cache .mypy_cache .ruff_cache
