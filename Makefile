# Two entry points (see README): `make run` and `make test`. Both set everything up first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup run test lint bench
setup:
	bash scripts/setup.sh

run: setup
	$(VENV)/bin/kiosk run --demo $(ARGS)

test: setup
	bash scripts/test.sh

lint:
	$(VENV)/bin/ruff check kiosk ui devices db tests bench
	$(VENV)/bin/mypy

bench:
	$(PY) bench/run_all.py
