#!/usr/bin/env bash
# Train only when config, domain or training data changed (fingerprint = hash of those files).
set -euo pipefail
cd "$(dirname "$0")/.."
# one training at a time on this machine (2 cores)
exec 9>"${TMPDIR:-/tmp}/assistant-indemnisation-train.lock"
flock 9
fp=$(find config.yml domain data nlu_components -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' \) 2>/dev/null \
     | sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ -f models/assistant.tar.gz ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fp" ]; then
  echo ">> model up to date ($fp)"
  exit 0
fi
echo ">> training the model (data or config changed)"
mkdir -p models
.venv/bin/rasa train --config config.yml --domain domain --data data --out models \
  --fixed-model-name assistant --quiet 2>&1 | grep -vE "Location 'file:|^\s*$" || true
[ -f models/assistant.tar.gz ] || { echo "ERROR: training failed" >&2; exit 1; }
echo "$fp" > models/.fingerprint
