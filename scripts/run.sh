#!/usr/bin/env bash
# Start the action server and the Rasa server (REST, socket.io, HTTP API).
# RASA_PORT (5005), ACTION_PORT (5055), B12_LOCALE (uk | eu | us).
# Security (README "Security, privacy and faults"):
#   RASA_HOST (127.0.0.1): any other address needs RASA_TOKEN or RASA_JWT_SECRET;
#   RASA_TOKEN, RASA_JWT_SECRET (+ RASA_JWT_METHOD, HS256): required on the HTTP API when set;
#   CORS_ORIGINS ("*" on localhost, none otherwise): allowed browser origins, comma or space separated;
#   ACTION_SERVER_TOKEN (else a random one kept in logs/action-server.token): shared secret between Rasa and the action server.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# every setting is checked once, before anything starts: a bad value names the variable and what it accepts
.venv/bin/python -m settings --check >/dev/null
RASA_PORT="${RASA_PORT:-5005}"
ACTION_PORT="${ACTION_PORT:-5055}"
RASA_HOST="${RASA_HOST:-127.0.0.1}"

case "$RASA_HOST" in
  127.*|localhost|::1) local_only=1 ;;
  *) local_only=0 ;;
esac
if [ "$local_only" = 0 ] && [ -z "${RASA_TOKEN:-}" ] && [ -z "${RASA_JWT_SECRET:-}" ]; then
  echo "ERROR: RASA_HOST=$RASA_HOST serves beyond this machine, so the HTTP API needs RASA_TOKEN or RASA_JWT_SECRET." >&2
  echo "       e.g. export RASA_TOKEN=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')" >&2
  exit 2
fi
if [ -z "${CORS_ORIGINS+x}" ]; then
  if [ "$local_only" = 1 ]; then CORS_ORIGINS="*"; else CORS_ORIGINS=""; fi
fi
export CORS_ORIGINS
mkdir -p logs
# the shared secret between Rasa and the action server: given, or kept in logs/action-server.token
# (mode 600; `make shell` finds it there too, see components/action_endpoint.py)
if [ -z "${ACTION_SERVER_TOKEN:-}" ]; then
  if [ ! -s logs/action-server.token ]; then
    (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))' > logs/action-server.token)
  fi
  ACTION_SERVER_TOKEN="$(cat logs/action-server.token)"
fi
export ACTION_SERVER_TOKEN
export ACTION_SERVER_URL="http://127.0.0.1:$ACTION_PORT/webhook"  # overrides endpoints.yml's url (components/action_endpoint.py)

.venv/bin/python -m actions.server --host 127.0.0.1 --port "$ACTION_PORT" > logs/actions.log 2>&1 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT INT TERM

read -r -a cors <<< "${CORS_ORIGINS//,/ }"
args=(run --enable-api --interface "$RASA_HOST" --port "$RASA_PORT" --model models/b12.tar.gz --endpoints endpoints.yml --credentials credentials.yml --cors "${cors[@]}")
if [ -n "${RASA_TOKEN:-}" ]; then args+=(--auth-token "$RASA_TOKEN"); fi
if [ -n "${RASA_JWT_SECRET:-}" ]; then args+=(--jwt-secret "$RASA_JWT_SECRET" --jwt-method "${RASA_JWT_METHOD:-HS256}"); fi
echo "==> starting: action server on 127.0.0.1:$ACTION_PORT (logs/actions.log), Rasa on http://$RASA_HOST:$RASA_PORT"
echo "    chat:  curl -XPOST localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"hi\"}'"
echo "    or in another terminal: make shell"
echo "    in a browser: http://localhost:$RASA_PORT/chat/demo/ (a demo health site with the chat widget)"
.venv/bin/python -m rasa_cli "${args[@]}" 2>&1 | scripts/quiet.sh
