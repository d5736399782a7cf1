#!/usr/bin/env bash
# Prints the path of a pinned Schemathesis CLI, creating its Python venv under the cache first
# when missing (pip from PyPI, once per version). Used by the OpenAPI conformance test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
LOG_TAG='schemathesis'
. scripts/infra/lib.sh

SCHEMATHESIS_VERSION=4.32.5
venv="$INFRA_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
bin="$venv/bin/schemathesis"

# The marker is written last, so an interrupted install is redone rather than half used.
if [ ! -f "$venv/.complete" ] || [ ! -x "$bin" ]; then
  command -v python3 >/dev/null 2>&1 || die "python3 (3.9+) is needed for Schemathesis; install it and re-run"
  log "creating $venv with schemathesis==$SCHEMATHESIS_VERSION (once; takes a minute)"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed; install python3-venv and re-run"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2 ||
    die "pip could not install schemathesis==$SCHEMATHESIS_VERSION from PyPI"
  touch "$venv/.complete"
fi
echo "$bin"
