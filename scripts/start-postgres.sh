#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the server-mode tests and write its URL to .pg/url.
#
# The cluster listens on 127.0.0.1 only, on its own port (55432, not the default 5432, so it never meets a system
# server), and every connection — TCP and Unix socket — authenticates with scram-sha-256 against a password
# generated here on first start (.pg/password-<port>, mode 600; never committed: .pg/ is in .gitignore). The URL in
# .pg/url carries that password, so the tests connect exactly as a production deployment would (issue 15 item 5).
#
# Idempotent: a running cluster whose password we hold is reused; otherwise the data directory is recreated.
# initdb refuses to run as root, so as root (CI on a fresh Debian machine) the cluster is owned by `postgres`.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PIONEER_TEST_PG_PORT:-55432}
mkdir -p .pg
chmod 700 .pg
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$BIN/initdb" ]] || { echo "PostgreSQL server not installed (run scripts/install-system.sh)" >&2; exit 1; }
DATA=/tmp/pioneer-pg-$PORT
PASSFILE=.pg/password-$PORT
as_owner() { if [[ $(id -u) -eq 0 ]]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

running() { as_owner "$BIN/pg_ctl -D $DATA status" >/dev/null 2>&1; }

if running && [[ -s $PASSFILE && -f $DATA/pioneer-scram ]]; then
  : # reuse: same cluster, same password
else
  running && as_owner "$BIN/pg_ctl -D $DATA -m immediate -w stop" >/dev/null || true
  # hex only: no character needs escaping in a URL
  umask 077
  od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$PASSFILE"
  rm -rf "$DATA"; mkdir -p "$DATA"
  INITPW=$(mktemp /tmp/pioneer-pg-initpw.XXXXXX)
  cp "$PASSFILE" "$INITPW"
  [[ $(id -u) -eq 0 ]] && chown postgres "$DATA" "$INITPW"
  as_owner "$BIN/initdb -D $DATA -U pioneer --auth=scram-sha-256 --pwfile=$INITPW -E UTF8 --locale=C.UTF-8" \
    >/dev/null
  rm -f "$INITPW"
  # only local connections, all with a password (initdb's --auth already sets scram-sha-256; written out here so
  # the file says what it does)
  as_owner "cat > $DATA/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  scram-sha-256
host    all       all   127.0.0.1/32   scram-sha-256
host    all       all   ::1/128        scram-sha-256
EOF
  as_owner "echo \"password_encryption = 'scram-sha-256'\" >> $DATA/postgresql.conf"
  as_owner "$BIN/pg_ctl -D $DATA -l $DATA/log -o '-h 127.0.0.1 -p $PORT -k /tmp' -w start" >/dev/null
  as_owner "touch $DATA/pioneer-scram"
fi
umask 077
echo "postgresql+psycopg://pioneer:$(cat "$PASSFILE")@127.0.0.1:$PORT/postgres" > .pg/url
chmod 600 .pg/url
