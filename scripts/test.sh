#!/usr/bin/env bash
# What `npm test` runs: local services when needed, then the unit and integration Jest projects.
#
#   npm test                         everything
#   npm test -- <jest args>          passed to both Jest runs, e.g. -t 'cron' or a path
#
# Ends with 'tests: N passed, N failed, N skipped' (also written to $TEST_COUNTS_FILE when set).
#
# Services: when DATABASE_URL (or KAFKA_BROKERS) is unset, the local MariaDB (or Kafka) from
# scripts/infra is started if needed (fast when already up). When set, they are used as given.
# The TLS/SASL servers of scripts/infra/tls.sh are always started (their own ports, see there).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
LOG_TAG='test'
. scripts/infra/lib.sh

declare -a summary=()
failed=0
passed_n=0 failed_n=0 skipped_n=0
results_dir="$(mktemp -d)"
trap 'rm -rf "$results_dir"' EXIT

# count FILE: add a Jest --json result file's test counts to the totals.
count() {
  [ -s "$1" ] || return 0
  local counts
  counts="$(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + (r.numTodoTests||0))' "$1")" || return 0
  read -r p f k <<<"$counts"
  passed_n=$((passed_n + p)) failed_n=$((failed_n + f)) skipped_n=$((skipped_n + k))
}
# explain NAME FILE EXIT: after a failed Jest run, say why in a few lines: the suites that failed
# to run or failed, or, when every suite passed, Jest's exit status and the end of its stderr.
explain() {
  local why
  why="$(node -e '
    const [file, code] = process.argv.slice(1);
    let r;
    try { r = require(file); } catch { console.log(`no Jest result file (exit ${code}): Jest stopped before writing it`); process.exit(); }
    const bad = r.testResults.filter((t) => t.status !== "passed" || t.testExecError);
    for (const t of bad.slice(0, 5)) {
      const msg = (t.testExecError?.message ?? t.failureMessage ?? t.message ?? "").replace(/\x1b\[[0-9;]*m/g, "");
      console.log(`${t.name}: ${msg.split("\n").filter(Boolean).slice(0, 6).join(" | ").slice(0, 600)}`);
    }
    if (bad.length === 0) console.log(`every suite passed but Jest exited ${code} (runtime errors: ${r.numRuntimeErrorTestSuites}, interrupted: ${r.wasInterrupted}); the end of its stderr:`);
  ' "$2" "$3")"
  echo "---- why $1 failed ----"
  echo "$why"
  if [[ "$why" == "every suite passed"* ]]; then tail -n 15 "$results_dir/$1.err" | sed 's/\x1b\[[0-9;]*m//g'; fi
}
record() { # name status started_ms
  summary+=("$(printf '%-12s %-7s %s' "$1" "$2" "$(elapsed "$3")")")
  [ "$2" = ok ] || failed=1
}

# User args go first: --selectProjects takes a list and would swallow a path given after it.
jest_args=("$@")
[ "${#jest_args[@]}" -gt 0 ] && jest_args+=(--passWithNoTests)

# 1. services
t=$(now_ms)
infra_ok=1
if [ -z "${DATABASE_URL:-}" ]; then
  bash scripts/infra/mariadb.sh up || infra_ok=0
  export DATABASE_URL="mysql://scheduler:scheduler@127.0.0.1:${MARIADB_PORT:-3306}/scheduler"
fi
if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash scripts/infra/kafka.sh up || infra_ok=0
  export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi
# The TLS MariaDB and SASL_SSL Kafka beside them (test/integration/app/tls-*.spec.ts).
bash scripts/infra/tls.sh up >/dev/null || infra_ok=0
if [ "$infra_ok" = 1 ]; then record services ok "$t"; else record services FAILED "$t"; fi
log "DATABASE_URL=$DATABASE_URL KAFKA_BROKERS=$KAFKA_BROKERS"

# jest_project NAME [ARGS...]: one Jest project, recorded; when it fails, why goes to the summary.
jest_project() {
  local name=$1 code t
  shift
  t=$(now_ms)
  npx jest "${jest_args[@]}" --json --outputFile="$results_dir/$name.json" --selectProjects "$name" "$@" \
    2> >(tee "$results_dir/$name.err" >&2)
  code=$?
  if [ "$code" = 0 ]; then
    record "$name" ok "$t"
  else
    record "$name" FAILED "$t"
    explain "$name" "$results_dir/$name.json" "$code" >>"$results_dir/why"
  fi
  count "$results_dir/$name.json"
}

# 2. unit
jest_project unit

# 3. integration (needs the services; without them it fails, it is never skipped)
if [ "$infra_ok" != 1 ]; then
  log "integration tests not run: the services did not start (see above); fix that, then: npm run infra:up"
  record integration FAILED "$(now_ms)"
else
  # --forceExit: once every file has finished (each closes what it opened), a client's own timer
  # still running (kafkajs restarting a consumer a broker restart crashed) must not turn a passing
  # run red after the fact; Jest still prints that something was left running.
  jest_project integration --runInBand --forceExit
fi

echo
echo "==== test summary ===="
printf '%s\n' "${summary[@]}"
counts_line="tests: $passed_n passed, $failed_n failed, $skipped_n skipped"
[ -n "${TEST_COUNTS_FILE:-}" ] && echo "$counts_line" >"$TEST_COUNTS_FILE"
if [ "$failed" -ne 0 ]; then
  [ -s "$results_dir/why" ] && cat "$results_dir/why"
  echo "RESULT: FAILED"
  echo "$counts_line"
  exit 1
fi
echo "RESULT: ok"
echo "$counts_line"
