#!/usr/bin/env bash
# Serve the portal under gunicorn (make serve). Rate limits must count across the workers: unless
# RATELIMIT_STORAGE_URI names a shared storage, a private Redis on a Unix socket in the instance
# folder holds the counters, and stops with the server.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
if [ -z "${RATELIMIT_STORAGE_URI:-}" ] && command -v redis-server >/dev/null 2>&1; then
  instance="$(realpath -m "${PORTAL_INSTANCE_PATH:-instance}")"
  mkdir -p "$instance"
  socket="$instance/ratelimit.sock"
  rm -f "$socket"
  redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700 --save "" \
    --appendonly no --loglevel warning &
  redis=$!
  trap 'kill "$redis" 2>/dev/null || true' EXIT
  trap 'exit 143' TERM INT
  for _ in $(seq 50); do [ -S "$socket" ] && break; sleep 0.1; done
  export RATELIMIT_STORAGE_URI="redis+unix://$socket"
fi
"$BIN/gunicorn" --config gunicorn.conf.py &
gunicorn=$!
trap 'kill -TERM "$gunicorn" 2>/dev/null || true; wait "$gunicorn"; exit 143' TERM INT
wait "$gunicorn"
