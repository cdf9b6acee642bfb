#!/usr/bin/env bash
# Train only when config, domain or training data changed (fingerprint = hash of those files).
# The new model replaces the old one only when training succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."
# one training at a time on this machine (2 cores)
exec 9>"${TMPDIR:-/tmp}/assistant-indemnisation-train.lock"
flock 9
fp=$(find config.yml domain.yml data rasa_ext/nlu -type f \( -name '*.yml' -o -name '*.yaml' -o -name '*.py' \) 2>/dev/null \
     | sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ -f models/assistant.tar.gz ] && [ "$(cat models/.fingerprint 2>/dev/null)" = "$fp" ]; then
  echo ">> model up to date ($fp)"
  exit 0
fi
echo ">> training the model (data or config changed)"
mkdir -p models
tmp=$(mktemp -d models/.training-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
set +e
.venv/bin/rasa train --config config.yml --domain domain.yml --data data --out "$tmp" \
  --fixed-model-name assistant --quiet >"$tmp/train.log" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ] || [ ! -f "$tmp/assistant.tar.gz" ]; then
  grep -vE "Location 'file:|Misaligned entity|^\s*$" "$tmp/train.log" | tail -40 >&2
  echo "ERROR: training failed (exit $rc); the previous model, if any, is kept but marked stale" >&2
  rm -f models/.fingerprint
  exit 1
fi
mv -f "$tmp/assistant.tar.gz" models/assistant.tar.gz
echo "$fp" > models/.fingerprint
echo ">> model trained: models/assistant.tar.gz"
