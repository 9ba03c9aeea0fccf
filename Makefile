# Two commands do all the set-up on a fresh Linux machine with Python 3.11:
#   make run   venv + install + demonstration data into an empty store + start the app
#   make test  venv + install (Debian's Chromium included) + every test
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# empty: the address of .streamlit/config.toml (127.0.0.1)
ADDRESS ?=

.PHONY: run test lint bench install install-dev system-deps demo-files clean

# The project itself is installed editable (pyproject.toml) after its pinned requirements:
# `import vanhoa` then works from any folder, and nothing is installed twice (--no-deps).
$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q -e . --no-deps
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q -e . --no-deps
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used);
# the report test renders the .docx with LibreOffice and pdftoppm; the format matrix test saves
# the demonstration returns as .xls and .ods with LibreOffice Calc; the DuckLake tests start a
# throwaway PostgreSQL server from Debian's package (vanhoa_tools/pgserver.py).
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	[ -e /usr/lib/libreoffice/program/libsclo.so ] || missing="$$missing libreoffice-calc-nogui"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		echo "Installing Debian packages:$$missing"; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# server.py is app.py behind vanhoa/webguard.py (README, "Deployment and security"). It listens on
# 127.0.0.1 (.streamlit/config.toml); ADDRESS=0.0.0.0 (or a machine's address) opens it to others.
run: install
	$(PY) -m vanhoa demo
	$(VENV)/bin/streamlit run server.py --server.port $(PORT)$(if $(ADDRESS), --server.address $(ADDRESS))

# ruff first (pyproject.toml, [tool.ruff]): a style slip fails in seconds, not after the suite.
lint: install-dev
	$(PY) -m ruff check .

test: install-dev system-deps lint
	$(PY) -m pytest -q

# Rewrites data/demo/*.xlsx from vanhoa/demo.py (they are committed; run after changing it).
demo-files: install
	$(PY) -m vanhoa.demo

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis data/vanhoa.duckdb data/vanhoa.duckdb.wal

# Not part of `make test`: timings on this machine, written to BENCHMARKS.md.
bench: install
	$(PY) -m vanhoa_tools.bench
