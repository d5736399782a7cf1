#!/usr/bin/env bash
# Prints whether the local MariaDB and Kafka are up; exits non-zero when either is down.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rc=0
bash "$HERE/mariadb.sh" status || rc=1
bash "$HERE/kafka.sh" status || rc=1
exit "$rc"
