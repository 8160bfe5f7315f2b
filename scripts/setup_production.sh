#!/usr/bin/env bash
# What the production tests and benchmarks need (tests/production, scripts/bench_scale.py,
# scripts/soak.py): nginx, PostgreSQL's and Redis's server binaries, and their Python clients.
# Idempotent. Installs Debian's nginx, postgresql and redis-server packages when their
# binaries are missing (root or sudo), and starts no service: the tests start their own
# nginx, PostgreSQL cluster (initdb in a temporary folder) and redis-server on free loopback
# ports (tests/production/services.py), and remove them afterwards.
# A server configured by PGHOST (PGPORT, PGUSER) or REDIS_HOST (REDIS_PORT) is used instead of
# a throwaway one; this script then checks that it answers.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# Debian packages without starting their services: RUNLEVEL=1 keeps the packages' init
# scripts (invoke-rc.d) from starting nginx on :80, PostgreSQL on :5432 or Redis on :6379.
apt_install() {
  echo "==> installing $* (Debian packages)"
  $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "$@" >/dev/null \
    || { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq "$@" >/dev/null; }
}

nginx_bin() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }
# Debian keeps initdb, pg_ctl and postgres off PATH, in /usr/lib/postgresql/<version>/bin (newest first)
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return; }
  done
  true
}
redis_bin() { command -v redis-server 2>/dev/null || true; }

missing=()
[ -n "$(nginx_bin)" ] || missing+=(nginx)
[ -n "$(pg_bin)" ] || missing+=(postgresql)
{ [ -n "$(redis_bin)" ] && command -v redis-cli >/dev/null; } || missing+=(redis-server)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi

NGINX="$(nginx_bin)" PGBIN="$(pg_bin)" REDIS="$(redis_bin)"
[ -n "$NGINX" ] || { echo "ERROR: nginx is not installed and could not be installed" >&2; exit 1; }
[ -n "$PGBIN" ] || { echo "ERROR: PostgreSQL (initdb, pg_ctl, postgres) is not installed and could not be installed" >&2; exit 1; }
[ -n "$REDIS" ] || { echo "ERROR: redis-server is not installed and could not be installed" >&2; exit 1; }
# The package's default nginx service, if something started it, would hold port 80.
if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  echo "==> stopping the default nginx service (the tests run their own)"
  $SUDO "$NGINX" -s quit || true
fi
if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
  echo "ERROR: as root, PostgreSQL runs as the 'postgres' system user, which is missing (reinstall postgresql-common)" >&2
  exit 1
fi
echo "==> nginx: $("$NGINX" -v 2>&1)"
echo "==> PostgreSQL: $("$PGBIN/postgres" --version) ($PGBIN)"
echo "==> Redis: $("$REDIS" --version | cut -d' ' -f1-3)"

if [ -n "${PGHOST:-}" ]; then
  PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
  "$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT" \
    || { echo "ERROR: PGHOST is set but PostgreSQL does not answer on $PGHOST:$PGPORT" >&2; exit 1; }
  "$PGBIN/psql" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'select 1' >/dev/null \
    || { echo "ERROR: cannot log in to PostgreSQL on $PGHOST:$PGPORT as $PGUSER (the tests create and drop databases)" >&2; exit 1; }
  echo "==> using the configured PostgreSQL on $PGHOST:$PGPORT (the tests that stop it are skipped)"
fi
if [ -n "${REDIS_HOST:-}" ]; then
  REDIS_PORT="${REDIS_PORT:-6379}"
  if [ -n "${REDIS_PASSWORD:-}" ]; then export REDISCLI_AUTH="$REDIS_PASSWORD"; fi
  [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] \
    || { echo "ERROR: REDIS_HOST is set but Redis does not answer on $REDIS_HOST:$REDIS_PORT" >&2; exit 1; }
  echo "==> using the configured Redis on $REDIS_HOST:$REDIS_PORT (the tests that stop it are skipped)"
fi

.venv/bin/python -c 'import psycopg2, redis, aiohttp, socketio, yaml' \
  || { echo "ERROR: the Python clients (psycopg2, redis, aiohttp, python-socketio) are missing from .venv: run make setup" >&2; exit 1; }
echo "==> production test prerequisites ready"
