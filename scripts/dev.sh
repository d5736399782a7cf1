#!/usr/bin/env bash
# `npm run start:dev`: build once (server and dashboard), then recompile the server on every change
# (tsc --watch) while Node restarts the service whenever the compiled output changes (node --watch).
# .env is loaded by the service itself; logs are pretty in a terminal (LOG_PRETTY). Ctrl-C stops both.
# The dashboard is rebuilt only by `npm run build:dashboard`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run --silent build
npx tsc -p tsconfig.build.json --watch --preserveWatchOutput &
tsc_pid=$!
trap 'kill "$tsc_pid" 2>/dev/null || true' EXIT INT TERM
node --watch dist/src/app/main.js
