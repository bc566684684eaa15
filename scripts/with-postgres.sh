#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster on a free loopback port.
# The command sees DATABASE_URL; the cluster is removed when it ends.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
dir=$(mktemp -d /tmp/portal-pg.XXXXXX)
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 "$(dirname "$0")/free_port.py" 15432)
cleanup() {
  as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_postgres "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
  --locale-provider=icu --icu-locale=de-DE --locale=C.UTF-8 >/dev/null
as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" start -o \
  "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE portal" >/dev/null
echo "PostgreSQL 15 on 127.0.0.1:$port"
DATABASE_URL="postgresql://postgres@127.0.0.1:$port/portal" "$@"
