#!/usr/bin/env bash
# A throwaway pgbouncer (Debian's, 1.18) in front of the test PostgreSQL server, in transaction
# pooling mode, for ar's tests through a pooler.
#
#   scripts/pgbouncer-test-server.sh start    (re)create its configuration and start it
#   scripts/pgbouncer-test-server.sh stop     stop it and remove its directory
#   scripts/pgbouncer-test-server.sh status   tell whether it is running
#   scripts/pgbouncer-test-server.sh env      print AR_TEST_PGBOUNCER=<connection string, pooler=transaction>
#
#   export "$(scripts/pgbouncer-test-server.sh env)"
#
# Port: AR_PGBOUNCER_PORT (default 56432), on 127.0.0.1. It passes every database name through to
# the PostgreSQL test server on AR_PG_PORT (default 55433; scripts/pg-test-server.sh), with trust
# authentication as that server has. Configuration, pid file and log: /tmp/ar-pgbouncer-<port>.
# pgbouncer refuses to run as root: as root it runs as the postgres user (runuser).
set -euo pipefail

PORT="${AR_PGBOUNCER_PORT:-56432}"
PG_PORT="${AR_PG_PORT:-55433}"
BIN="${AR_PGBOUNCER_BIN:-/usr/sbin/pgbouncer}"
BASE="/tmp/ar-pgbouncer-${PORT}"
CONFIG="${BASE}/pgbouncer.ini"
PIDFILE="${BASE}/pgbouncer.pid"
LOG="${BASE}/pgbouncer.log"
DB="ar_test"
USER_NAME="postgres"

die() { echo "pgbouncer-test-server: $*" >&2; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "AR_PGBOUNCER_PORT must be a number, not '$PORT'"
[[ "$PG_PORT" =~ ^[0-9]+$ ]] || die "AR_PG_PORT must be a number, not '$PG_PORT'"

if ((EUID == 0)); then
  id -u postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install postgresql-15)"
  as_owner() { (cd / && runuser -u postgres -- "$@"); }
else
  as_owner() { (cd / && "$@"); }
fi

running_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_pooler() {
  local pid i
  pid="$(running_pid || true)"
  if [[ -n "$pid" ]]; then
    kill -INT "$pid" 2>/dev/null || true  # SIGINT: shut down at once (SIGTERM waits for clients)
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$BASE"
}

start_pooler() {
  [[ -x "$BIN" ]] || die "$BIN not found (scripts/install-deps.sh --postgresql installs pgbouncer)"
  if [[ -e "$BASE" ]]; then
    echo "pgbouncer-test-server: removing the earlier pooler in $BASE"
    stop_pooler
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "another server already listens on 127.0.0.1:$PORT (set AR_PGBOUNCER_PORT to use another port)"
  fi
  mkdir -p "$BASE"
  # Any database name goes through to the test server: each test process makes its own.
  cat >"$CONFIG" <<EOF
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $BASE/userlist.txt
admin_users = $USER_NAME
pool_mode = transaction
max_client_conn = 500
default_pool_size = 10
max_db_connections = 20
server_idle_timeout = 30
logfile = $LOG
pidfile = $PIDFILE
EOF
  echo "\"$USER_NAME\" \"\"" >"$BASE/userlist.txt"
  if ((EUID == 0)); then
    chown -R postgres:postgres "$BASE"
  fi
  if ! as_owner "$BIN" -d "$CONFIG" >/dev/null 2>&1; then
    [[ -f "$LOG" ]] && tail -n 30 "$LOG" >&2
    die "pgbouncer did not start"
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.05
  done
  ((i < 100)) || { tail -n 30 "$LOG" >&2; die "pgbouncer does not listen on 127.0.0.1:$PORT"; }
  echo "pgbouncer-test-server: pgbouncer (transaction pooling) on 127.0.0.1:$PORT in front of 127.0.0.1:$PG_PORT, files in $BASE"
}

case "${1:-}" in
  start) start_pooler ;;
  stop) stop_pooler; echo "pgbouncer-test-server: stopped (port $PORT)" ;;
  status)
    if [[ -n "$(running_pid || true)" ]]; then
      echo "pgbouncer-test-server: running on 127.0.0.1:$PORT"
    else
      echo "pgbouncer-test-server: not running (port $PORT)"; exit 3
    fi ;;
  env) echo "AR_TEST_PGBOUNCER=postgresql://host=127.0.0.1 port=$PORT dbname=$DB user=$USER_NAME pooler=transaction" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
