#!/usr/bin/env bash
# `rasa test core` on the test stories: every story must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
out_dir=var/story_results
rm -rf "$out_dir"; mkdir -p "$out_dir"
.venv/bin/rasa test core --model models/assistant.tar.gz --stories tests/stories --out "$out_dir" \
  --fail-on-prediction-errors 2>&1 | grep -vE "Location 'file:" | tail -25
echo ">> rasa test: all test stories passed"
