# Two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
# The action server, the web server, the domain jobs and the tests that need no Rasa (docs/runtimes.md).
APP_PY := .venv-app/bin/python

.PHONY: run test bootstrap train seed validate lint audit pytest pytest-app story-test browser-deps clean bench

bootstrap:
	@bash scripts/bootstrap.sh

train: bootstrap
	@bash scripts/train_if_changed.sh

seed: bootstrap
	@$(APP_PY) -m bot.store.seed --demo

run: bootstrap train seed
	@bash scripts/run.sh

browser-deps:
	@bash scripts/ensure_chromium.sh

validate: bootstrap
	@bash scripts/validate.sh

# Lint (pyproject.toml: pycodestyle, pyflakes, bugbear, blind except, naming, SQL strings, unused noqa).
lint: bootstrap
	@$(APP_PY) -m ruff check . && echo ">> ruff: clean"

# Known vulnerabilities in every lock file, against requirements/audit-allowlist.txt.
audit: bootstrap
	@$(APP_PY) scripts/audit.py

pytest: bootstrap train browser-deps
	$(PY) -m pytest -q tests

# pytest above runs, on Python 3.10, the tests that need Rasa in process (and tests/bot); this one the rest
# (and tests/bot) on the app environment: tests/conftest.py splits them.
pytest-app: bootstrap train browser-deps
	$(APP_PY) -m pytest -q tests

story-test: train
	@bash scripts/story_test.sh

test: bootstrap train validate lint audit pytest pytest-app story-test
	@echo "make test: all checks passed"

bench: bootstrap train seed
	$(PY) bench/run_all.py

clean:
	rm -rf models var/*.db .pytest_cache
