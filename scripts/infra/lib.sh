#!/usr/bin/env bash
# shellcheck disable=SC2034  # INFRA_CACHE and LOG_TAG are used by the scripts that source this
# Shared helpers for scripts/infra/*.sh. Source it; do not run it.

INFRA_CACHE="${DELAYED_ACTION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/delayed-action}"

log() { printf '[%s] %s\n' "${LOG_TAG:-infra}" "$*" >&2; }
die() {
  printf '[%s] ERROR: %s\n' "${LOG_TAG:-infra}" "$*" >&2
  exit 1
}

# Run as root directly, otherwise through sudo when it exists (non-interactive).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -n "$@"
  else
    return 1
  fi
}

# apt_install PKG...: install Debian packages, or exit with a message saying what to run.
apt_install() {
  log "installing $* with apt-get (this takes a minute)"
  if ! command -v apt-get >/dev/null 2>&1; then
    die "apt-get not found; install $* yourself and re-run"
  fi
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
    ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null; then
    die "could not install $*; run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $*"
  fi
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# pid_alive PIDFILE [PATTERN]: true when the file names a running process (whose command line
# contains PATTERN, so a pid reused after a reboot is not taken for the server).
pid_alive() {
  [ -s "$1" ] || return 1
  local pid
  pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null || return 1
  [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# with_lock FILE CMD...: run CMD holding an exclusive lock (two `up`s at once do not race).
with_lock() {
  local file=$1
  shift
  if command -v flock >/dev/null 2>&1; then
    (
      flock -w 300 9 || die "could not take $file within 300s"
      "$@"
    ) 9>"$file"
  else
    "$@"
  fi
}

# listener_pid PORT: pid of the process listening on 127.0.0.1/any PORT (empty if unknown).
listener_pid() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -n1
}

# Milliseconds since the epoch, and a "1.2s" rendering of an elapsed time since a now_ms value.
now_ms() { date +%s%3N; }
elapsed() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%ds' $((ms / 1000)) $((ms % 1000 / 100))
}
