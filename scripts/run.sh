#!/usr/bin/env bash
# Start the action server and the Rasa server (REST, socket.io, HTTP API) on localhost.
# RASA_PORT (5005), ACTION_PORT (5055), RASA_TOKEN (require it on the HTTP API when set),
# CORS_ORIGINS (default "*"), B12_LOCALE (uk | eu | us).
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
mkdir -p logs

.venv/bin/rasa run actions --port "$ACTION_PORT" --actions actions > logs/actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT INT TERM

args=(run --enable-api --port "$RASA_PORT" --model models/b12.tar.gz --endpoints endpoints.yml --credentials credentials.yml --cors "${CORS_ORIGINS:-*}")
if [ -n "${RASA_TOKEN:-}" ]; then args+=(--auth-token "$RASA_TOKEN"); fi
echo "==> starting: action server on :$ACTION_PORT (logs/actions.log), Rasa on http://localhost:$RASA_PORT"
echo "    chat:  curl -XPOST localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hi\"}'"
echo "    or in another terminal: make shell"
echo "    in a browser: http://localhost:$RASA_PORT/chat/demo/ (a demo health site with the chat widget)"
.venv/bin/rasa "${args[@]}" 2>&1 | scripts/quiet.sh
