#!/usr/bin/env bash
# Create (or reuse) the virtual environments and the web page's npm packages (see docs/runtimes.md).
#  - .venv     -> Python 3.10 + requirements/rasa.txt: the Rasa server (Rasa 3.6 needs Python <= 3.10),
#                 cached outside the clone, keyed by the hash of the lock file (ASSISTANT_CACHE, default ~/.cache/...)
#  - .venv-app -> Python 3.12 + requirements/app-dev.txt: the action server (rasa-sdk 3.21), the web server,
#                 the domain library (the pins of requirements/app.txt, what the images install), the tests that
#                 need no Rasa in process, ruff and pip-audit; same cache scheme
#  - web/node_modules -> npm ci from web/package-lock.json
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${ASSISTANT_CACHE:-$HOME/.cache/assistant-indemnisation}"
mkdir -p "$CACHE"
source scripts/pythons.sh

quiet_pip() {  # $1 python, then pip install arguments; hides the local-index notices, keeps errors
  local py="$1"; shift
  "$py" -m pip install -q --disable-pip-version-check "$@" 2>&1 | { grep -v "Location 'file:" || true; }
  return "${PIPESTATUS[0]}"
}

make_venv() {  # $1 link name, $2 python, $3.. pip args ; keyed by hash of the files given in KEYFILES (comments aside)
  local link="$1" py="$2"; shift 2
  local key; key=$(grep -hv '^[[:space:]]*#' $KEYFILES | sha256sum | cut -c1-16)
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

PY310=$(find_python "$RASA_PYTHON_VERSION") || { echo "ERROR: Python 3.10 is required (Rasa 3.6 supports 3.8-3.10). Install it (e.g. pyenv install 3.10.13) or set PYTHON310=/path/to/python3.10." >&2; exit 1; }
KEYFILES="requirements/rasa.txt" make_venv .venv "$PY310" -r requirements/rasa.txt

PY312=$(find_python "$APP_PYTHON_VERSION") || { echo "ERROR: Python $APP_PYTHON_VERSION is required (action server, web server, domain library). Install it (e.g. pyenv install 3.12.8) or set PYTHON312=/path/to/python3.12." >&2; exit 1; }
KEYFILES="requirements/app-dev.txt" make_venv .venv-app "$PY312" -r requirements/app-dev.txt
if [ -L .venv311 ]; then rm -f .venv311; fi  # the former Python 3.11 domain-only environment (replaced by .venv-app)

if [ "${SKIP_NPM:-0}" != "1" ]; then
  lockhash=$(sha256sum web/package-lock.json | cut -c1-16)
  if [ ! -f web/node_modules/.lock-$lockhash ]; then
    command -v npm >/dev/null || { echo "ERROR: npm (Node.js) is required for the web page." >&2; exit 1; }
    echo ">> installing the web page's npm packages"
    (cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    touch web/node_modules/.lock-$lockhash
  fi
fi
