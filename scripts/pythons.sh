# Which Python runs what (sourced by scripts/bootstrap.sh and scripts/lock.sh; see docs/runtimes.md).
#  - Rasa 3.6 (the Rasa server: NLU + dialogue, the channels) supports Python 3.8-3.10 only: 3.10.
#  - Everything else (action server, web server, domain library, their tests, dev tools): a supported Python.
RASA_PYTHON_VERSION=3.10
APP_PYTHON_VERSION=3.12

find_python() {  # $1 = minor version, e.g. 3.10; PYTHON310 / PYTHON312 name an interpreter explicitly
  local v="$1" c override
  override="PYTHON${v//./}"
  for c in "${!override:-}" "$HOME/.pyenv/versions/$v"*/bin/python"$v" /root/.pyenv/versions/"$v"*/bin/python"$v" \
           "$(command -v python"$v" 2>/dev/null || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && "$c" -c "import sys; sys.exit(0 if sys.version.startswith('$v.') else 1)" 2>/dev/null \
      && { echo "$c"; return 0; }
  done
  return 1
}
