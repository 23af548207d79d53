#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on 127.0.0.1 and MAMORI_TEST_DATABASE_URL pointing at it.
# The server runs as the 'postgres' system user (PostgreSQL refuses root) and is removed afterwards.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ]; then echo "with-postgres: PostgreSQL server binaries not found (Debian package 'postgresql')" >&2; exit 1; fi
port=${MAMORI_PG_PORT:-55432}
data=$(mktemp -d /tmp/mamori-pg.XXXXXX)
run_as=()
if [ "$(id -u)" = 0 ]; then chown postgres "$data"; run_as=(runuser -u postgres --); fi
cleanup() { "${run_as[@]}" "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
"${run_as[@]}" "$bin/initdb" -D "$data" -U mamori --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $data -c fsync=off -c full_page_writes=off" start >/dev/null
export MAMORI_TEST_DATABASE_URL="postgresql://mamori@127.0.0.1:$port/postgres"
"$@"
