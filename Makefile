# Two commands: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: run test bootstrap train seed validate pytest pytest311 story-test browser-deps clean bench

bootstrap:
	@bash scripts/bootstrap.sh

train: bootstrap
	@bash scripts/train_if_changed.sh

seed: bootstrap
	@$(PY) -m bot.store.seed --demo

run: bootstrap train seed
	@bash scripts/run.sh

browser-deps:
	@bash scripts/ensure_chromium.sh

validate: bootstrap
	@bash scripts/validate.sh

pytest: bootstrap train browser-deps
	$(PY) -m pytest -q tests

pytest311: bootstrap
	@if [ -e .venv311 ]; then .venv311/bin/python -m pytest -q -p no:cacheprovider tests/bot; \
	else echo "Python 3.11 not available: domain tests ran on 3.10 only"; fi

story-test: train
	@bash scripts/story_test.sh

test: bootstrap train validate pytest pytest311 story-test
	@echo "make test: all checks passed"

bench: bootstrap train seed
	$(PY) bench/run_all.py

clean:
	rm -rf models var/*.db .pytest_cache
