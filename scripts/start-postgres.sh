#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster on 127.0.0.1 for the server-mode tests; write its URL to .pg/url.
# initdb refuses to run as root, so as root the cluster is owned by the `postgres` user.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PIONEER_TEST_PG_PORT:-54329}
mkdir -p .pg
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$BIN/initdb" ]] || { echo "PostgreSQL server not installed (run scripts/install-system.sh)" >&2; exit 1; }
DATA=/tmp/pioneer-pg-$PORT
as_owner() { if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if ! as_owner "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; then
  rm -rf "$DATA"; mkdir -p "$DATA"
  [[ $(id -u) -eq 0 ]] && chown postgres "$DATA"
  as_owner "$BIN/initdb -D $DATA -U pioneer --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  as_owner "$BIN/pg_ctl -D $DATA -l $DATA/log -o '-h 127.0.0.1 -p $PORT -k /tmp' -w start" >/dev/null
fi
echo "postgresql+psycopg://pioneer@127.0.0.1:$PORT/postgres" > .pg/url
