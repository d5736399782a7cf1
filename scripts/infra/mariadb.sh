#!/usr/bin/env bash
# Local MariaDB for tests and benchmarks, without Docker.
#
#   scripts/infra/mariadb.sh [up|down|restart|status]     (default: up)
#
# Runs its own mariadbd (datadir, socket, pid and log under ~/.cache/delayed-action/mariadb),
# listening on 127.0.0.1:$MARIADB_PORT (3306), with user scheduler/scheduler (all privileges)
# and database `scheduler`. Installs mariadb-server with apt when it is missing.
#
# Env: MARIADB_PORT (3306), MARIADB_BUFFER_POOL (1G), MARIADB_INSTANCE (mariadb: the directory name,
#      so a second server can run beside the first), MARIADB_TLS_CERTS (a directory made by
#      tls-certs.sh: TLS with require_secure_transport=ON, plus user scheduler_x509 REQUIRE X509),
#      MARIADB_BENCH_UNSAFE=1 to trade durability for speed (innodb_flush_log_at_trx_commit=2),
#      DELAYED_ACTION_CACHE (~/.cache/delayed-action).
set -euo pipefail
LOG_TAG=mariadb
# shellcheck source=scripts/infra/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT="${MARIADB_PORT:-3306}"
BASE="$INFRA_CACHE/${MARIADB_INSTANCE:-mariadb}"
TLS_CERTS="${MARIADB_TLS_CERTS:-}"
DATADIR="$BASE/data"
SOCK="$BASE/mariadb.sock"
PIDFILE="$BASE/mariadb.pid"
ERRLOG="$BASE/mariadb.err"
CNF="$BASE/my.cnf"
DB_USER=scheduler
DB_PASS=scheduler
DB_NAME=scheduler

client() { mariadb --no-defaults "$@"; }
tls_args=()
[ -n "$TLS_CERTS" ] && tls_args=(--ssl --ssl-ca="$TLS_CERTS/ca.pem" --ssl-verify-server-cert)

# Our server, answering as the scheduler user over TCP.
answers() {
  client -h127.0.0.1 -P"$PORT" "${tls_args[@]}" -u"$DB_USER" -p"$DB_PASS" --connect-timeout=2 -N -e 'SELECT 1' >/dev/null 2>&1
}

ensure_installed() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    apt_install mariadb-server mariadb-client
    # apt starts the system service when it can; it would hold 3306.
    stop_system_service
  fi
  export PATH="$PATH:/usr/sbin:/usr/bin"
  command -v mariadbd >/dev/null 2>&1 || die "mariadbd still not found after installing mariadb-server"
  command -v mariadb-install-db >/dev/null 2>&1 || die "mariadb-install-db not found (package mariadb-server)"
}

# The Debian service (apt starts it on install) listens on 3306 with the packaged config.
stop_system_service() {
  local syspid=/run/mysqld/mysqld.pid
  pid_alive "$syspid" || return 0
  log "stopping the system MariaDB service (pid $(cat "$syspid")) so this script's server can use port $PORT"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    as_root systemctl stop mariadb || true
  elif command -v service >/dev/null 2>&1; then
    as_root service mariadb stop >/dev/null 2>&1 || true
  fi
  if pid_alive "$syspid"; then
    as_root mariadb-admin --no-defaults --socket=/run/mysqld/mysqld.sock -uroot shutdown 2>/dev/null || true
  fi
  for _ in $(seq 1 60); do
    pid_alive "$syspid" || return 0
    sleep 0.5
  done
  die "the system MariaDB service (pid $(cat "$syspid")) will not stop; stop it (service mariadb stop) or set MARIADB_PORT"
}

# TLS only: plain TCP is refused (the unix socket, used by this script as root, stays allowed).
tls_config() {
  [ -n "$TLS_CERTS" ] || return 0
  printf '%s\n' "ssl-ca = $TLS_CERTS/ca.pem" "ssl-cert = $TLS_CERTS/server.pem" \
    "ssl-key = $TLS_CERTS/server.key" "require_secure_transport = ON"
}

write_config() {
  local flush=1 sync_binlog=1 doublewrite=1
  if [ "${MARIADB_BENCH_UNSAFE:-0}" = 1 ]; then
    flush=2 sync_binlog=0 doublewrite=0
  fi
  mkdir -p "$BASE"
  cat >"$CNF.tmp" <<CNF
# Written by scripts/infra/mariadb.sh; edits are overwritten.
[mariadbd]
datadir = $DATADIR
socket = $SOCK
pid-file = $PIDFILE
log-error = $ERRLOG
bind-address = 127.0.0.1
port = $PORT
skip-name-resolve
max_connections = 1000
max_allowed_packet = 64M
innodb_buffer_pool_size = ${MARIADB_BUFFER_POOL:-1G}
innodb_log_file_size = 256M
innodb_flush_log_at_trx_commit = $flush
innodb_doublewrite = $doublewrite
sync_binlog = $sync_binlog
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
default-time-zone = '+00:00'
table_open_cache = 4000
$(tls_config)
[client]
default-character-set = utf8mb4
CNF
  mv "$CNF.tmp" "$CNF"
}

init_datadir() {
  [ -d "$DATADIR/mysql" ] && return 0
  log "initialising $DATADIR"
  rm -rf "$DATADIR"
  mkdir -p "$DATADIR"
  local user_args=()
  [ "$(id -u)" -eq 0 ] && user_args=(--user=root)
  if ! mariadb-install-db --defaults-file="$CNF" "${user_args[@]}" --datadir="$DATADIR" \
    --auth-root-authentication-method=normal --skip-test-db >"$BASE/install-db.log" 2>&1; then
    tail -n 30 "$BASE/install-db.log" >&2
    rm -rf "$DATADIR"
    die "mariadb-install-db failed (log: $BASE/install-db.log)"
  fi
}

start_server() {
  local user_args=()
  [ "$(id -u)" -eq 0 ] && user_args=(--user=root)
  : >"$ERRLOG"
  log "starting mariadbd on 127.0.0.1:$PORT (log: $ERRLOG)"
  # 9>&-: the server must not inherit the lock held by with_lock.
  setsid nohup mariadbd --defaults-file="$CNF" "${user_args[@]}" </dev/null >>"$ERRLOG" 2>&1 9>&- &
  local pid=$!
  for _ in $(seq 1 240); do
    if client --socket="$SOCK" -uroot -N -e 'SELECT 1' >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$ERRLOG" >&2
      die "mariadbd exited during start-up (log above: $ERRLOG)"
    fi
    sleep 0.25
  done
  tail -n 30 "$ERRLOG" >&2
  die "mariadbd did not answer within 60s (log: $ERRLOG)"
}

create_user_and_db() {
  client --socket="$SOCK" -uroot <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'%' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
  [ -n "$TLS_CERTS" ] || return 0
  client --socket="$SOCK" -uroot <<SQL
CREATE USER IF NOT EXISTS '${DB_USER}_x509'@'%' IDENTIFIED BY '$DB_PASS' REQUIRE X509;
GRANT ALL PRIVILEGES ON *.* TO '${DB_USER}_x509'@'%';
FLUSH PRIVILEGES;
SQL
}

ours_running() { pid_alive "$PIDFILE" mariadbd; }

cmd_up() {
  if ours_running && answers; then
    log "already up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
    return 0
  fi
  ensure_installed
  if ! ours_running && port_open 127.0.0.1 "$PORT"; then
    local holder
    holder="$(listener_pid "$PORT")"
    if pid_alive /run/mysqld/mysqld.pid && { [ -z "$holder" ] || [ "$holder" = "$(cat /run/mysqld/mysqld.pid)" ]; }; then
      stop_system_service
    elif answers; then
      log "a server not managed by this script answers on 127.0.0.1:$PORT as $DB_USER; using it as is"
      return 0
    else
      die "port $PORT is taken by another process (pid ${holder:-unknown}); stop it or set MARIADB_PORT"
    fi
  fi
  write_config
  if ! ours_running; then
    init_datadir
    start_server
  fi
  create_user_and_db
  answers || die "mariadbd runs but $DB_USER cannot log in over 127.0.0.1:$PORT (log: $ERRLOG)"
  log "up: mysql://$DB_USER:$DB_PASS@127.0.0.1:$PORT/$DB_NAME"
}

cmd_down() {
  if ! ours_running; then
    log "not running"
    return 0
  fi
  local pid
  pid="$(cat "$PIDFILE")"
  log "stopping mariadbd (pid $pid)"
  client --socket="$SOCK" -uroot -e 'SHUTDOWN' >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 240); do
    kill -0 "$pid" 2>/dev/null || {
      log "stopped"
      return 0
    }
    sleep 0.25
  done
  die "mariadbd (pid $pid) did not stop within 60s"
}

cmd_status() {
  if ours_running && answers; then
    echo "mariadb: up on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), data $DATADIR, log $ERRLOG)"
  elif ours_running; then
    echo "mariadb: process $(cat "$PIDFILE") running but not answering on 127.0.0.1:$PORT (log $ERRLOG)"
    return 1
  elif answers; then
    echo "mariadb: a server not managed here answers on 127.0.0.1:$PORT"
  else
    echo "mariadb: down (run: npm run infra:up)"
    return 1
  fi
}

mkdir -p "$BASE"
LOCK="$BASE/.lock"
case "${1:-up}" in
  up | start) with_lock "$LOCK" cmd_up ;;
  down | stop) with_lock "$LOCK" cmd_down ;;
  restart) with_lock "$LOCK" cmd_down && with_lock "$LOCK" cmd_up ;;
  status) cmd_status ;;
  *) die "usage: $0 [up|down|restart|status]" ;;
esac
