#!/usr/bin/env bash
# Validates docker-compose.yml: with `docker compose config` when the compose plugin exists,
# otherwise with compose-go (the same loader) built from scripts/compose-check (needs Go).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if docker compose version >/dev/null 2>&1; then
  exec docker compose -f docker-compose.yml config --quiet
fi
command -v go >/dev/null 2>&1 || {
  echo "neither the docker compose plugin nor Go is installed: cannot validate docker-compose.yml" >&2
  exit 1
}
bin="${DELAYED_ACTION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/delayed-action}/bin/compose-check"
if [ ! -x "$bin" ] || [ scripts/compose-check/main.go -nt "$bin" ] || [ scripts/compose-check/go.sum -nt "$bin" ]; then
  echo "building scripts/compose-check (first time: ~1 min)" >&2
  mkdir -p "$(dirname "$bin")"
  (cd scripts/compose-check && go build -o "$bin" .)
fi
"$bin" docker-compose.yml >/dev/null
echo "docker-compose.yml is valid (compose-go)"
