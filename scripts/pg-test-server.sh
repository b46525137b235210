#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for ar's tests.
#
#   scripts/pg-test-server.sh start    (re)create and start it, create database ar_test
#   scripts/pg-test-server.sh stop     stop it and remove its directory
#   scripts/pg-test-server.sh status   tell whether it is running
#   scripts/pg-test-server.sh env      print AR_TEST_POSTGRESQL=<SOCI connection string>
#   scripts/pg-test-server.sh halt     stop it at once, as a crash would, keeping its data
#   scripts/pg-test-server.sh resume   start the halted server again on the same data
#   scripts/pg-test-server.sh restart  shut it down cleanly (fast mode) and start it again on the same data
#   scripts/pg-test-server.sh freeze   SIGSTOP the server (postmaster and its backends): it still
#                                      accepts TCP connections (the kernel's backlog), never answers
#   scripts/pg-test-server.sh thaw     SIGCONT them: the server goes on where it stopped
#   AR_PG_PRIMARY_PORT=<port> scripts/pg-test-server.sh start-replica
#                                      (re)create it as a streaming hot standby of the test server
#                                      on that port (pg_basebackup), and wait until it streams
#   scripts/pg-test-server.sh pause-replay   a standby stops applying the WAL it receives (lag
#                                            made on purpose: pg_wal_replay_pause)
#   scripts/pg-test-server.sh resume-replay  and applies it again
#
#   export "$(scripts/pg-test-server.sh env)"
#
# Port: AR_PG_PORT (default 55433). Data: /tmp/ar-pg-<port>. Unix socket in /tmp.
# Server binaries: AR_PG_BIN (default /usr/lib/postgresql/15/bin).
# AR_PG_DURABLE=1 keeps fsync and synchronous commits on (the fault tests, which halt the server
# and check that committed data survived); by default they are off, for speed.
# As root the server runs as the postgres user (runuser); otherwise as the
# current user, who must be able to run initdb.
set -euo pipefail

# shellcheck source=scripts/test-server-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-server-lib.sh"

PORT="${AR_PG_PORT:-55433}"
PG_BIN="${AR_PG_BIN:-/usr/lib/postgresql/15/bin}"
BASE="/tmp/ar-pg-${PORT}"
DATA="${BASE}/data"
LOG="${BASE}/server.log"
DB="ar_test"
SUPERUSER="postgres"

die() { echo "pg-test-server: $*" >&2; exit 1; }

if ! [[ "$PORT" =~ ^[0-9]+$ ]]; then
  die "AR_PG_PORT must be a number, not '$PORT'"
fi

# Run a server binary as the right user, from a directory that user can read.
if ((EUID == 0)); then
  id -u postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install postgresql-15)"
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd / && "$@"); }
fi

pg() {
  local tool="$1"; shift
  [[ -x "$PG_BIN/$tool" ]] || die "$PG_BIN/$tool not found (scripts/install-deps.sh --postgresql)"
  as_pg "$PG_BIN/$tool" "$@"
}

is_running() {
  [[ -f "$DATA/postmaster.pid" ]] && pg pg_ctl -D "$DATA" status >/dev/null 2>&1
}

stop_server() {
  # A frozen server (freeze) cannot shut down: let it run first.
  local pid
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]]; then
    # shellcheck disable=SC2046
    kill -CONT "$pid" $(ps -o pid= --ppid "$pid" 2>/dev/null) 2>/dev/null || true
  fi
  if [[ -d "$DATA" ]] && is_running; then
    pg pg_ctl -D "$DATA" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || pg pg_ctl -D "$DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 \
      || true
  fi
  rm -rf "$BASE"
}

server_options() {
  # max_prepared_transactions: ar::distributed_transaction's two-phase commit (0 by default).
  local opts="-c listen_addresses=127.0.0.1 -p $PORT -k /tmp -c max_prepared_transactions=16"
  if [[ "${AR_PG_DURABLE:-0}" != 1 ]]; then
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  echo "$opts"
}

run_server() {
  if ! pg pg_ctl -D "$DATA" -l "$LOG" -w -t 60 start -o "$(server_options)" >/dev/null; then
    [[ -f "$LOG" ]] && cat "$LOG" >&2
    die "the server did not start"
  fi
}

start_server() {
  # A server left over from an earlier run on this port: stop and recreate it.
  if [[ -e "$BASE" ]]; then
    echo "pg-test-server: removing the earlier server in $BASE"
    stop_server
  fi
  if [[ -x "$PG_BIN/pg_isready" ]] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; then
    die "another server already listens on 127.0.0.1:$PORT (set AR_PG_PORT to use another port)"
  fi

  mkdir -p "$BASE"
  chmod 700 "$BASE"
  if ((EUID == 0)); then
    chown postgres:postgres "$BASE"
  fi

  if ! pg initdb -D "$DATA" -U "$SUPERUSER" --auth=trust -E UTF8 --no-locale >"$BASE/initdb.log" 2>&1; then
    cat "$BASE/initdb.log" >&2
    die "initdb failed"
  fi

  run_server

  if ! pg createdb -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" "$DB"; then
    [[ -f "$LOG" ]] && tail -n 50 "$LOG" >&2
    die "createdb $DB failed"
  fi
  echo "pg-test-server: PostgreSQL running on 127.0.0.1:$PORT, database $DB, data in $BASE"
}

# psql as the superuser, one query, its value alone.
query() { pg psql -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres -Atqc "$1"; }

start_replica() {
  local primary="${AR_PG_PRIMARY_PORT:-}"
  [[ "$primary" =~ ^[0-9]+$ ]] || die "start-replica needs AR_PG_PRIMARY_PORT, the port of the primary"
  [[ "$primary" != "$PORT" ]] || die "a replica needs a port of its own (AR_PG_PORT), not its primary's"
  if [[ -e "$BASE" ]]; then
    echo "pg-test-server: removing the earlier server in $BASE"
    stop_server
  fi
  mkdir -p "$BASE"
  chmod 700 "$BASE"
  if ((EUID == 0)); then
    chown postgres:postgres "$BASE"
  fi
  # -R: standby.signal and primary_conninfo. initdb's pg_hba.conf lets 127.0.0.1 replicate (trust),
  # and PostgreSQL 15's defaults stream (wal_level replica, max_wal_senders 10, hot_standby on).
  if ! pg pg_basebackup -h 127.0.0.1 -p "$primary" -U "$SUPERUSER" -D "$DATA" -R -X stream -c fast \
    --no-sync >"$BASE/basebackup.log" 2>&1; then
    cat "$BASE/basebackup.log" >&2
    die "pg_basebackup from 127.0.0.1:$primary failed"
  fi
  run_server
  local i
  for ((i = 0; i < 300; i++)); do
    [[ "$(query "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)" == streaming ]] && break
    sleep 0.1
  done
  ((i < 300)) || { tail -n 50 "$LOG" >&2; die "the replica did not start streaming from 127.0.0.1:$primary"; }
  echo "pg-test-server: PostgreSQL replica of 127.0.0.1:$primary running on 127.0.0.1:$PORT, data in $BASE"
}

# The postmaster and its children (backends, background workers), by pid.
server_pids() {
  local pid
  pid="$(head -n 1 "$DATA/postmaster.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "no postmaster pid in $DATA/postmaster.pid"
  echo "$pid"
  ps -o pid= --ppid "$pid" 2>/dev/null || true
}

case "${1:-}" in
  start)  start_server ;;
  stop)   stop_server; echo "pg-test-server: stopped (port $PORT)" ;;
  status)
    if [[ -d "$DATA" ]] && is_running; then
      echo "pg-test-server: running on 127.0.0.1:$PORT (data in $BASE)"
    else
      echo "pg-test-server: not running (port $PORT)"; exit 3
    fi ;;
  env)    echo "AR_TEST_POSTGRESQL=postgresql://host=127.0.0.1 port=$PORT dbname=$DB user=$SUPERUSER" ;;
  halt)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    pg pg_ctl -D "$DATA" -m immediate -w -t 30 stop >/dev/null
    echo "pg-test-server: halted (port $PORT, data kept in $BASE)" ;;
  resume)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    is_running || run_server
    echo "pg-test-server: running again on 127.0.0.1:$PORT" ;;
  restart)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    if is_running; then
      pg pg_ctl -D "$DATA" -m fast -w -t 30 stop >/dev/null || die "the server did not shut down"
    fi
    run_server
    echo "pg-test-server: restarted on 127.0.0.1:$PORT" ;;
  freeze)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    pids="$(server_pids)"
    # shellcheck disable=SC2086
    kill -STOP $pids
    # shellcheck disable=SC2086
    wait_stopped $pids
    echo "pg-test-server: frozen (port $PORT)" ;;
  thaw)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    # shellcheck disable=SC2046
    kill -CONT $(server_pids)
    echo "pg-test-server: thawed (port $PORT)" ;;
  start-replica) start_replica ;;
  pause-replay)
    [[ "$(query "SELECT pg_is_in_recovery()")" == t ]] || die "the server on $PORT is not a replica"
    query "SELECT pg_wal_replay_pause()" >/dev/null
    for ((i = 0; i < 300; i++)); do
      [[ "$(query "SELECT pg_get_wal_replay_pause_state()")" == paused ]] && break
      sleep 0.1
    done
    ((i < 300)) || die "replay did not pause"
    echo "pg-test-server: replay paused (port $PORT)" ;;
  resume-replay)
    query "SELECT pg_wal_replay_resume()" >/dev/null
    echo "pg-test-server: replay resumed (port $PORT)" ;;
  *)      echo "usage: $0 start|stop|status|env|halt|resume|restart|freeze|thaw|start-replica|pause-replay|resume-replay" >&2; exit 2 ;;
esac
