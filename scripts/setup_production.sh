#!/usr/bin/env bash
# What the production tests and benchmarks need (tests/production, scripts/bench_scale.py,
# scripts/soak.py): nginx, a reachable PostgreSQL and Redis, and their Python clients.
# Idempotent. Installs Debian's nginx if missing (root or sudo), but leaves no nginx
# service running: the tests start their own nginx with their own config on a free
# loopback port. Starts the local PostgreSQL / Redis when they do not answer.
# Settings: PGHOST (127.0.0.1), PGPORT (5432), PGUSER (postgres), REDIS_HOST (127.0.0.1),
# REDIS_PORT (6379).
set -euo pipefail
cd "$(dirname "$0")/.."
PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}" REDIS_PORT="${REDIS_PORT:-6379}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

nginx_bin() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }

if [ -z "$(nginx_bin)" ]; then
  echo "==> installing nginx (Debian package)"
  # RUNLEVEL=1 keeps the package's init script from starting the default site on :80
  $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq nginx >/dev/null \
    || { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq nginx >/dev/null; }
fi
NGINX="$(nginx_bin)"
[ -n "$NGINX" ] || { echo "ERROR: nginx is not installed and could not be installed" >&2; exit 1; }
# The package's default service, if something started it, would hold port 80.
if [ -f /run/nginx.pid ] && kill -0 "$(cat /run/nginx.pid)" 2>/dev/null; then
  echo "==> stopping the default nginx service (the tests run their own)"
  $SUDO "$NGINX" -s quit || true
fi
echo "==> nginx: $("$NGINX" -v 2>&1)"

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" 2>/dev/null; }
if ! pg_up; then
  echo "==> PostgreSQL does not answer on $PGHOST:$PGPORT; starting the local cluster"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "ERROR: PostgreSQL is not reachable on $PGHOST:$PGPORT (user $PGUSER)" >&2; exit 1; }
psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'select 1' >/dev/null \
  || { echo "ERROR: cannot log in to PostgreSQL as $PGUSER (the tests create and drop databases)" >&2; exit 1; }
echo "==> PostgreSQL: $(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc 'show server_version') on $PGHOST:$PGPORT"

redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }
if ! redis_up; then
  echo "==> Redis does not answer on $REDIS_HOST:$REDIS_PORT; starting the local server"
  $SUDO mkdir -p /var/lib/redis /var/log/redis
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "ERROR: Redis is not reachable on $REDIS_HOST:$REDIS_PORT" >&2; exit 1; }
echo "==> Redis: $(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" info server | grep -m1 redis_version | tr -d '\r') on $REDIS_HOST:$REDIS_PORT"

.venv/bin/python -c 'import psycopg2, redis, aiohttp, socketio, yaml' \
  || { echo "ERROR: the Python clients (psycopg2, redis, aiohttp, python-socketio) are missing from .venv: run make setup" >&2; exit 1; }
echo "==> production test prerequisites ready"
