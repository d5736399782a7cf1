#!/usr/bin/env bash
# Stops the local Kafka and MariaDB started by scripts/infra/up.sh, and the TLS pair of tls.sh
# (data is kept; see reset below).
#   scripts/infra/down.sh          stop both
#   scripts/infra/down.sh --reset  stop both and delete their data (next up starts empty)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LOG_TAG=infra
. "$HERE/lib.sh"

rc=0
bash "$HERE/tls.sh" down || rc=1
bash "$HERE/kafka.sh" down || rc=1
bash "$HERE/mariadb.sh" down || rc=1
[ "$rc" -eq 0 ] || die "could not stop everything (see above)"

if [ "${1:-}" = "--reset" ]; then
  log "deleting the MariaDB and Kafka data under $INFRA_CACHE (the Kafka jars are kept)"
  rm -rf "$INFRA_CACHE/mariadb/data" "$INFRA_CACHE/kafka/data" "$INFRA_CACHE/mariadb-tls/data" \
    "$INFRA_CACHE/kafka-tls/data" "$INFRA_CACHE/tls"
fi
