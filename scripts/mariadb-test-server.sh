#!/usr/bin/env bash
# A throwaway MariaDB server for ar's tests.
#
#   scripts/mariadb-test-server.sh start    (re)create and start it, create database ar_test
#   scripts/mariadb-test-server.sh stop     stop it and remove its directory
#   scripts/mariadb-test-server.sh status   tell whether it is running
#   scripts/mariadb-test-server.sh env      print AR_TEST_MARIADB=<SOCI connection string>
#   scripts/mariadb-test-server.sh halt     stop it at once, as a crash would, keeping its data
#   scripts/mariadb-test-server.sh resume   start the halted server again on the same data
#   scripts/mariadb-test-server.sh restart  shut it down cleanly and start it again on the same data
#   scripts/mariadb-test-server.sh freeze   SIGSTOP the server: it still accepts TCP connections
#                                           (the kernel's backlog), never answers
#   scripts/mariadb-test-server.sh thaw     SIGCONT it: the server goes on where it stopped
#   AR_MARIADB_ROLE=primary scripts/mariadb-test-server.sh start
#                                           the same, writing a binary log (GTID) replicas read
#   AR_MARIADB_PRIMARY_PORT=<port> scripts/mariadb-test-server.sh start-replica
#                                           (re)create it as a replica of the primary on that port
#                                           (GTID, from the primary's first transaction), and wait
#                                           until it has applied all the primary wrote
#   scripts/mariadb-test-server.sh pause-replay   a replica stops applying what it receives
#                                                 (STOP SLAVE SQL_THREAD: lag made on purpose)
#   scripts/mariadb-test-server.sh resume-replay  and applies it again
#
#   export "$(scripts/mariadb-test-server.sh env)"
#
# Port: AR_MARIADB_PORT (default 53306), on 127.0.0.1 only. AR_MARIADB_SERVER_ARGS: more server
# options (space-separated, e.g. --innodb-rollback-on-timeout=ON), given at start and kept for
# resume and restart (in /tmp/ar-mariadb-<port>/server-args). Data, unix socket, pid file and
# log: /tmp/ar-mariadb-<port>. The server reads no option file (--no-defaults), so the machine's
# own /etc/mysql configuration and its service, if any, play no part. As root the server runs as
# the mysql user (--user=mysql); otherwise as the current user. The user `root` connects from
# 127.0.0.1 without a password: this server holds nothing but test data and listens on loopback.
set -euo pipefail

# shellcheck source=scripts/test-server-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-server-lib.sh"

PORT="${AR_MARIADB_PORT:-53306}"
BASE="/tmp/ar-mariadb-${PORT}"
DATA="${BASE}/data"
SOCKET="${BASE}/mysqld.sock"
PIDFILE="${BASE}/mysqld.pid"
LOG="${BASE}/server.log"
ARGS_FILE="${BASE}/server-args"
ROLE_FILE="${BASE}/role"
DB="ar_test"

die() { echo "mariadb-test-server: $*" >&2; exit 1; }

if ! [[ "$PORT" =~ ^[0-9]+$ ]]; then
  die "AR_MARIADB_PORT must be a number, not '$PORT'"
fi

need() {
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]] \
    || die "$1 not found (scripts/install-deps.sh --mariadb)"
}

server_bin() {
  if command -v mariadbd >/dev/null 2>&1; then command -v mariadbd; else echo /usr/sbin/mariadbd; fi
}

RUN_AS=()
if ((EUID == 0)); then
  id -u mysql >/dev/null 2>&1 || die "user 'mysql' does not exist (install mariadb-server)"
  RUN_AS=(--user=mysql)
fi

client() { mariadb --no-defaults --protocol=socket --socket="$SOCKET" -uroot "$@"; }

is_running() {
  [[ -S "$SOCKET" ]] && mariadb-admin --no-defaults --protocol=socket --socket="$SOCKET" -uroot \
    --connect-timeout=2 ping >/dev/null 2>&1
}

server_pid() { [[ -f "$PIDFILE" ]] && cat "$PIDFILE" 2>/dev/null || true; }

stop_server() {
  local pid
  pid="$(server_pid)"
  # A frozen server (freeze) cannot shut down: let it run first.
  if [[ "$pid" =~ ^[0-9]+$ ]]; then
    kill -CONT "$pid" 2>/dev/null || true
  fi
  if is_running; then
    mariadb-admin --no-defaults --protocol=socket --socket="$SOCKET" -uroot shutdown >/dev/null 2>&1 || true
  fi
  if [[ -n "$pid" ]] && [[ "$pid" =~ ^[0-9]+$ ]]; then
    # Wait for this server (and only it) to exit; then make sure.
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      sleep 2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$BASE"
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

run_server() {
  # The options start was given (AR_MARIADB_SERVER_ARGS), for resume and restart too.
  local extra=()
  if [[ -f "$ARGS_FILE" ]]; then
    read -r -a extra <"$ARGS_FILE" || true
  fi
  # A primary writes a binary log (GTID, row-based) for its replicas; a replica is read-only and
  # applies its relay log; a plain test server has neither.
  local role=()
  case "$(cat "$ROLE_FILE" 2>/dev/null || true)" in
    primary) role=(--server-id=1 --log-bin=ar-bin --binlog-format=ROW) ;;
    replica) role=(--server-id=2 --skip-log-bin --read-only=ON --relay-log=ar-relay) ;;
    *) role=(--skip-log-bin) ;;
  esac
  # Fast and disposable: no fsync, no binary log, small buffers. Strict SQL mode and exact
  # (binary, no-pad) utf8mb4 comparison by default; UTC.
  "$(server_bin)" --no-defaults "${RUN_AS[@]}" \
    --datadir="$DATA" --socket="$SOCKET" --pid-file="$PIDFILE" --log-error="$LOG" \
    --bind-address=127.0.0.1 --port="$PORT" --skip-name-resolve \
    "${role[@]}" --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --innodb-flush-method=nosync --sync-binlog=0 --innodb-buffer-pool-size=128M \
    --innodb-log-file-size=64M --innodb-use-native-aio=0 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_nopad_bin \
    --default-time-zone=+00:00 --max-connections=500 \
    --sql-mode=STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
    "${extra[@]}" >/dev/null 2>&1 </dev/null &
  local launched=$!

  for _ in $(seq 1 300); do
    is_running && break
    if ! kill -0 "$launched" 2>/dev/null; then
      [[ -f "$LOG" ]] && tail -n 50 "$LOG" >&2
      die "the server exited while starting"
    fi
    sleep 0.2
  done
  if ! is_running; then
    [[ -f "$LOG" ]] && tail -n 50 "$LOG" >&2
    kill -TERM "$launched" 2>/dev/null || true
    die "the server did not start within 60 s"
  fi
}

start_server() {
  need mariadbd
  need mariadb-install-db
  need mariadb-admin
  need mariadb
  # A server left over from an earlier run on this port: stop and recreate it.
  if [[ -e "$BASE" ]]; then
    echo "mariadb-test-server: removing the earlier server in $BASE"
    stop_server
  fi
  if port_taken; then
    die "another server already listens on 127.0.0.1:$PORT (set AR_MARIADB_PORT to use another port)"
  fi

  mkdir -p "$DATA"
  chmod 700 "$BASE"
  printf '%s\n' "${AR_MARIADB_SERVER_ARGS:-}" >"$ARGS_FILE"
  printf '%s\n' "${1:-${AR_MARIADB_ROLE:-}}" >"$ROLE_FILE"
  if ((EUID == 0)); then
    chown -R mysql:mysql "$BASE"
  fi

  # root@localhost without a password (no unix_socket-only account), no test database.
  if ! mariadb-install-db --no-defaults "${RUN_AS[@]}" --datadir="$DATA" \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
      >"$BASE/install-db.log" 2>&1; then
    cat "$BASE/install-db.log" >&2
    die "mariadb-install-db failed"
  fi

  run_server

  # --skip-name-resolve: a TCP client from 127.0.0.1 is '127.0.0.1', not 'localhost'.
  if ! client -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
                  GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
                  CREATE DATABASE IF NOT EXISTS \`$DB\` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;"; then
    tail -n 50 "$LOG" >&2
    die "creating the user and database $DB failed"
  fi
  echo "mariadb-test-server: MariaDB running on 127.0.0.1:$PORT, database $DB, data in $BASE"
}

start_replica() {
  local primary="${AR_MARIADB_PRIMARY_PORT:-}"
  [[ "$primary" =~ ^[0-9]+$ ]] || die "start-replica needs AR_MARIADB_PRIMARY_PORT, the port of the primary"
  [[ "$primary" != "$PORT" ]] || die "a replica needs a port of its own (AR_MARIADB_PORT), not its primary's"
  local primary_socket="/tmp/ar-mariadb-${primary}/mysqld.sock"
  start_server replica
  # From the primary's first transaction on (an empty gtid_slave_pos): what it made after its own
  # start (the user, the database) replays as the no-op it is here.
  client -e "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary, MASTER_USER='root',
             MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE;" \
    || die "starting replication from 127.0.0.1:$primary failed"
  local want got i
  want="$(mariadb --no-defaults --protocol=socket --socket="$primary_socket" -uroot -N -e 'SELECT @@GLOBAL.gtid_binlog_pos')" \
    || die "the primary on $primary does not answer (started with AR_MARIADB_ROLE=primary?)"
  for ((i = 0; i < 300; i++)); do
    got="$(client -N -e 'SELECT @@GLOBAL.gtid_slave_pos')"
    [[ "$got" == "$want" ]] && break
    sleep 0.1
  done
  ((i < 300)) || { client -e 'SHOW SLAVE STATUS\G' >&2 || true; die "the replica did not catch up with 127.0.0.1:$primary ($got, not $want)"; }
  echo "mariadb-test-server: MariaDB replica of 127.0.0.1:$primary running on 127.0.0.1:$PORT"
}

case "${1:-}" in
  start)  start_server ;;
  stop)   stop_server; echo "mariadb-test-server: stopped (port $PORT)" ;;
  status)
    if is_running; then
      echo "mariadb-test-server: running on 127.0.0.1:$PORT (data in $BASE)"
    else
      echo "mariadb-test-server: not running (port $PORT)"; exit 3
    fi ;;
  halt)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    pid="$(server_pid)"
    if [[ -n "$pid" ]] && [[ "$pid" =~ ^[0-9]+$ ]]; then
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$SOCKET" "$PIDFILE"
    echo "mariadb-test-server: halted (port $PORT, data kept in $BASE)" ;;
  resume)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    is_running || run_server
    echo "mariadb-test-server: running again on 127.0.0.1:$PORT" ;;
  restart)
    [[ -d "$DATA" ]] || die "no server in $BASE"
    pid="$(server_pid)"
    if is_running; then
      mariadb-admin --no-defaults --protocol=socket --socket="$SOCKET" -uroot shutdown >/dev/null 2>&1 || true
    fi
    if [[ -n "$pid" ]] && [[ "$pid" =~ ^[0-9]+$ ]]; then
      for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && die "the server did not shut down within 30 s"
    fi
    run_server
    echo "mariadb-test-server: restarted on 127.0.0.1:$PORT" ;;
  env)    echo "AR_TEST_MARIADB=mysql://host=127.0.0.1 port=$PORT db=$DB user=root" ;;
  freeze|thaw)
    pid="$(server_pid)"
    [[ "$pid" =~ ^[0-9]+$ ]] || die "no server pid in $PIDFILE"
    if [[ "$1" == freeze ]]; then
      kill -STOP "$pid"; wait_stopped "$pid"; echo "mariadb-test-server: frozen (port $PORT)"
    else
      kill -CONT "$pid"; echo "mariadb-test-server: thawed (port $PORT)"
    fi ;;
  start-replica) start_replica ;;
  pause-replay)
    client -e 'STOP SLAVE SQL_THREAD' || die "the server on $PORT is not a replica"
    echo "mariadb-test-server: replay paused (port $PORT)" ;;
  resume-replay)
    client -e 'START SLAVE SQL_THREAD' || die "the server on $PORT is not a replica"
    echo "mariadb-test-server: replay resumed (port $PORT)" ;;
  *)      echo "usage: $0 start|stop|status|env|halt|resume|restart|freeze|thaw|start-replica|pause-replay|resume-replay" >&2; exit 2 ;;
esac
