#!/usr/bin/env bash
# TLS/SASL servers beside the plain ones, for the TLS integration tests (idempotent; fast when up).
#
#   scripts/infra/tls.sh [up|down|status|env]     (default: up; env prints the settings only)
#
# - certificates made with openssl (tls-certs.sh) in ~/.cache/delayed-action/tls/certs
# - MariaDB with TLS and require_secure_transport=ON on 127.0.0.1:$MARIADB_TLS_PORT (3307):
#   users scheduler (password) and scheduler_x509 (password + client certificate)
# - Kafka on 127.0.0.1:$KAFKA_SASL_SSL_PORT (9096, SASL_SSL: PLAIN and SCRAM users) and
#   $KAFKA_SSL_PORT (9097, TLS with a required client certificate); its PLAINTEXT listener
#   ($KAFKA_TLS_PLAIN_PORT, 9094) and controller ($KAFKA_TLS_CONTROLLER_PORT, 9095) serve the scripts.
# Prints the TLS_* variables the tests read (test/support/tls-infra.ts) on stdout.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=tls
. "$HERE/lib.sh"

CERTS="$INFRA_CACHE/tls/certs"
DB_PORT="${MARIADB_TLS_PORT:-3307}"
PLAIN_PORT="${KAFKA_TLS_PLAIN_PORT:-9094}"
CONTROLLER_PORT="${KAFKA_TLS_CONTROLLER_PORT:-9095}"
SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9096}"
SSL_PORT="${KAFKA_SSL_PORT:-9097}"

mariadb_tls() {
  MARIADB_INSTANCE=mariadb-tls MARIADB_PORT="$DB_PORT" MARIADB_TLS_CERTS="$CERTS" \
    MARIADB_BUFFER_POOL="${MARIADB_TLS_BUFFER_POOL:-64M}" bash "$HERE/mariadb.sh" "$1"
}
kafka_tls() {
  KAFKA_INSTANCE=kafka-tls KAFKA_PORT="$PLAIN_PORT" KAFKA_CONTROLLER_PORT="$CONTROLLER_PORT" \
    KAFKA_TLS_CERTS="$CERTS" KAFKA_SASL_SSL_PORT="$SASL_SSL_PORT" KAFKA_SSL_PORT="$SSL_PORT" \
    KAFKA_HEAP="${KAFKA_TLS_HEAP:-384m}" bash "$HERE/kafka.sh" "$1"
}

print_env() {
  cat <<ENV
export TLS_CERTS_DIR=$CERTS
export TLS_MARIADB_PORT=$DB_PORT
export TLS_KAFKA_PLAIN_PORT=$PLAIN_PORT
export TLS_KAFKA_SASL_SSL_PORT=$SASL_SSL_PORT
export TLS_KAFKA_SSL_PORT=$SSL_PORT
ENV
}

case "${1:-up}" in
  up | start)
    started=$(now_ms)
    bash "$HERE/tls-certs.sh" "$CERTS" || die "could not make the test certificates (openssl)"
    mariadb_tls up || die "MariaDB with TLS did not start (see above)"
    kafka_tls up || die "Kafka with SASL_SSL did not start (see above)"
    log "TLS MariaDB and SASL_SSL Kafka are up in $(elapsed "$started")"
    print_env
    ;;
  down | stop)
    rc=0
    kafka_tls down || rc=1
    mariadb_tls down || rc=1
    exit "$rc"
    ;;
  status)
    rc=0
    mariadb_tls status || rc=1
    kafka_tls status || rc=1
    exit "$rc"
    ;;
  env) print_env ;;
  *) die "usage: $0 [up|down|status|env]" ;;
esac
