#!/usr/bin/env bash
# Starts the local MariaDB and Kafka (idempotent; fast when they are already up) and prints
# the environment to use on stdout, so `eval "$(scripts/infra/up.sh)"` works. Progress goes to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LOG_TAG=infra
. "$HERE/lib.sh"

started=$(now_ms)
bash "$HERE/mariadb.sh" up || die "MariaDB did not start (see above)"
bash "$HERE/kafka.sh" up || die "Kafka did not start (see above)"
log "MariaDB and Kafka are up in $(elapsed "$started")"

cat <<ENV
export DATABASE_URL=mysql://scheduler:scheduler@127.0.0.1:${MARIADB_PORT:-3306}/scheduler
export KAFKA_BROKERS=127.0.0.1:${KAFKA_PORT:-9092}
ENV
