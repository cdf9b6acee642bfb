#!/usr/bin/env bash
# Create (or reuse) the virtual environments and the web page's npm packages.
#  - .venv    -> Python 3.10 + requirements.txt (Rasa side), cached outside the clone,
#                keyed by the hash of requirements.txt (ASSISTANT_CACHE, default ~/.cache/...)
#  - .venv311 -> Python 3.11 + requirements-bot.in (domain library only), same cache scheme
#  - web/node_modules -> npm ci from web/package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${ASSISTANT_CACHE:-$HOME/.cache/assistant-indemnisation}"
mkdir -p "$CACHE"

find_python() {  # $1 = minor version, e.g. 3.10
  local v="$1" c
  for c in "${PYTHON310:-}" "$HOME/.pyenv/versions/$v"*/bin/python"$v" /root/.pyenv/versions/"$v"*/bin/python"$v" \
           "$(command -v python"$v" 2>/dev/null || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && "$c" -c "import sys; sys.exit(0 if sys.version.startswith('$v') else 1)" 2>/dev/null \
      && { echo "$c"; return 0; }
  done
  return 1
}

quiet_pip() {  # $1 python, then pip install arguments; hides the local-index notices, keeps errors
  local py="$1"; shift
  "$py" -m pip install -q --disable-pip-version-check "$@" 2>&1 | { grep -v "Location 'file:" || true; }
  return "${PIPESTATUS[0]}"
}

make_venv() {  # $1 link name, $2 python, $3.. pip args ; keyed by hash of the files given in KEYFILES
  local link="$1" py="$2"; shift 2
  local key; key=$(cat $KEYFILES | sha256sum | cut -c1-16)
  local dir="$CACHE/$(basename "$link")-$key"
  if [ ! -f "$dir/.complete" ]; then
    echo ">> creating $link in $dir (first time only, a few minutes)"
    rm -rf "$dir"
    "$py" -m venv "$dir"
    quiet_pip "$dir/bin/python" "pip<24.1" "setuptools<71" "wheel<0.46"
    quiet_pip "$dir/bin/python" "$@"
    touch "$dir/.complete"
  fi
  ln -sfn "$dir" "$link"
}

PY310=$(find_python 3.10) || { echo "ERROR: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10). Install it (e.g. pyenv install 3.10.13) or set PYTHON310=/path/to/python3.10." >&2; exit 1; }
KEYFILES="requirements.txt" make_venv .venv "$PY310" -r requirements.txt

if [ "${SKIP_PY311:-0}" != "1" ]; then
  if PY311=$(find_python 3.11); then
    KEYFILES="requirements-bot.in requirements.txt" make_venv .venv311 "$PY311" -r requirements-bot.in -c requirements.txt
  else
    echo "WARNING: Python 3.11 not found: the domain tests will only run on 3.10." >&2
  fi
fi

if [ "${SKIP_NPM:-0}" != "1" ]; then
  lockhash=$(sha256sum web/package-lock.json | cut -c1-16)
  if [ ! -f web/node_modules/.lock-$lockhash ]; then
    command -v npm >/dev/null || { echo "ERROR: npm (Node.js) is required for the web page." >&2; exit 1; }
    echo ">> installing the web page's npm packages"
    (cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    touch web/node_modules/.lock-$lockhash
  fi
fi
