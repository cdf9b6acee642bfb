#!/usr/bin/env bash
# `rasa data validate`, failing on any warning that is not explained in tests/validate_allowlist.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(.venv/bin/rasa data validate --domain domain.yml --data data --config config.yml 2>&1)
rc=$?
warnings=$(echo "$out" | grep -E "UserWarning|WARNING|warning" | grep -vE "Location 'file:|MovedIn20Warning|SQLALCHEMY|declarative_base" || true)
if [ -f tests/validate_allowlist.txt ]; then
  while IFS= read -r pattern; do
    [[ -z "$pattern" || "$pattern" == \#* ]] && continue
    warnings=$(echo "$warnings" | grep -v -- "$pattern" || true)
  done < tests/validate_allowlist.txt
fi
if [ $rc -ne 0 ] || [ -n "$(echo "$warnings" | tr -d '[:space:]')" ]; then
  echo "$out" | grep -v "Location 'file:"
  echo "rasa data validate: failed or left unexplained warnings:" >&2
  echo "$warnings" >&2
  exit 1
fi
echo ">> rasa data validate: clean"
