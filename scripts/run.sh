#!/usr/bin/env bash
# Start the action server, the Rasa server and the web page; print the URL; Ctrl-C stops all.
# Rasa runs on .venv (Python 3.10, Rasa 3.6's limit); the action server and the web server on .venv-app
# (Python 3.12): see docs/runtimes.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
RASA_PORT="${RASA_PORT:-5005}"; ACTION_PORT="${ACTION_PORT:-5055}"; WEB_PORT="${WEB_PORT:-8080}"
BIND="${BIND_HOST:-127.0.0.1}"; PUBLIC_HOST="${PUBLIC_HOST:-localhost}"
export RASA_PORT ACTION_PORT WEB_PORT PUBLIC_HOST
# var/ holds the databases, generated secrets and logs: only this user may read it (0700 / 0600)
umask 077
mkdir -p var/logs
chmod 700 var var/logs
# Demo mode is explicit: the demo companies and demo agents can sign in (never in production, bot/startup.py).
export DEMO_MODE="${DEMO_MODE:-1}"
# The action server's token (Rasa sends it, the action server refuses calls without it): from the environment,
# or generated once into var/action_server_token (0600), like the other local secrets.
ACTION_SERVER_TOKEN="${ACTION_SERVER_TOKEN:-$(.venv-app/bin/python -m bot.settings local-secret ACTION_SERVER_TOKEN)}"
export ACTION_SERVER_TOKEN
ENDPOINTS=$(.venv/bin/python scripts/render_endpoints.py var/endpoints.yml)
CREDENTIALS=$(.venv/bin/python scripts/render_credentials.py var/credentials.yml)
# Rasa's HTTP API is enabled for the agent desk (web server only; the browser never sees the token):
# RASA_API_TOKEN from the environment, or generated once into var/rasa_api_token (0600). It is passed in the
# environment, never on a command line (scripts/rasa_server.py hands it to Rasa inside the process).
RASA_API_TOKEN="${RASA_API_TOKEN:-$(.venv/bin/python -c 'from bot.settings import get_settings; print(get_settings().rasa.api_token)')}"
export RASA_API_TOKEN
CORS="${CORS_ORIGINS:-http://$PUBLIC_HOST:$WEB_PORT http://127.0.0.1:$WEB_PORT http://localhost:$WEB_PORT}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo ">> stopping…"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo ">> stopped"
}
trap stop INT TERM EXIT

.venv-app/bin/python scripts/action_server.py --host "$BIND" --port "$ACTION_PORT" >var/logs/actions.log 2>&1 &
pids+=($!)
# shellcheck disable=SC2086
.venv/bin/python scripts/rasa_server.py run --model models/assistant.tar.gz --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" \
  --port "$RASA_PORT" --interface "$BIND" --cors $CORS --enable-api \
  --logging-config-file scripts/logging.yml >var/logs/rasa.log 2>&1 &
pids+=($!)
.venv-app/bin/python web/server.py --host "$BIND" --port "$WEB_PORT" >var/logs/web.log 2>&1 &
pids+=($!)

echo ">> starting (logs in var/logs/)…"
for i in $(seq 1 180); do
  if curl -fsS "http://127.0.0.1:$RASA_PORT/" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$WEB_PORT/" >/dev/null 2>&1 \
     && curl -fsS "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1; then
    echo
    echo "   Assistant indemnisation is ready: open http://$PUBLIC_HOST:$WEB_PORT"
    echo "   (Ctrl-C to stop)"
    break
  fi
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "ERROR: a server stopped; see var/logs/*.log" >&2; tail -20 var/logs/*.log >&2; exit 1; }
  done
  sleep 1
done
wait -n "${pids[@]}" || true
# Ctrl-C reaches every server at once; a lone server exiting while the others run is a crash.
sleep 1
for p in "${pids[@]}"; do
  if kill -0 "$p" 2>/dev/null; then
    echo "ERROR: a server stopped unexpectedly; see var/logs/*.log" >&2
    tail -20 var/logs/*.log >&2
    exit 1
  fi
done
