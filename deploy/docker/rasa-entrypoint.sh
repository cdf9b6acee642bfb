#!/bin/sh
# Render Rasa's endpoint and channel files from the environment (TRACKER_STORE_URL, REDIS_URL,
# ACTION_SERVER_URL, ACTION_SERVER_TOKEN, messaging channel variables), then run the server.
set -eu
umask 077
mkdir -p "${ASSISTANT_VAR_DIR:-/tmp/var}"
ENDPOINTS=$(python /app/scripts/render_endpoints.py "${ASSISTANT_VAR_DIR:-/tmp/var}/endpoints.yml")
CREDENTIALS=$(python /app/scripts/render_credentials.py "${ASSISTANT_VAR_DIR:-/tmp/var}/credentials.yml")
# The HTTP API (used by the agent desk through the web server) only with its token: RASA_API_TOKEN is required.
# It stays in the environment: scripts/rasa_server.py hands it to Rasa inside the process (never on a command line).
: "${RASA_API_TOKEN:?RASA_API_TOKEN must be set (Secret)}"
# shellcheck disable=SC2086
exec python /app/scripts/rasa_server.py run --model /app/models/assistant.tar.gz --endpoints "$ENDPOINTS" --credentials "$CREDENTIALS" \
  --port "${RASA_PORT:-5005}" --interface "${BIND_HOST:-0.0.0.0}" --cors ${CORS_ORIGINS:-*} \
  --enable-api --logging-config-file /app/scripts/logging.yml "$@"
