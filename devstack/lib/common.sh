# shellcheck shell=bash
# Common settings and helpers for the dev stack. Sourced by devstack/stack.sh.
#
# Everything the stack creates lives under $STACK_DIR (default .stack/ at
# the repository root): data, configs, keyrings, logs and pid files.
# Every process the stack starts has its pid recorded in $STACK_DIR/run, and
# `stop` kills exactly those pids, never processes found by name.

set -euo pipefail

REPO_DIR=${REPO_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_DIR=${STACK_DIR:-$REPO_DIR/.stack}
case $STACK_DIR in /*) ;; *) STACK_DIR=$REPO_DIR/$STACK_DIR ;; esac
BIN_DIR=${BIN_DIR:-$REPO_DIR/bin}
RUN_DIR=$STACK_DIR/run
LOG_DIR=$STACK_DIR/log
ETC_DIR=$STACK_DIR/etc

# The address the control plane listens on. Loopback for a one-host stack;
# the multi-host mode sets it to the bridge address.
HOST_IP=${HOST_IP:-127.0.0.1}
REGION=${REGION:-RegionOne}

PG_PORT=${PG_PORT:-5433}
RABBIT_PORT=${RABBIT_PORT:-5672}
CEPH_MON_PORT=${CEPH_MON_PORT:-6789}

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/go/bin:$PATH
export DEBIAN_FRONTEND=noninteractive

T0=${T0:-$(date +%s)}
log() { printf '[stack +%3ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$STACK_DIR" "$RUN_DIR" "$LOG_DIR" "$ETC_DIR"
chmod 0755 "$STACK_DIR"

# retry N CMD...: run CMD up to N times, a second apart (Ceph's mon CLI races
# right after an OSD boots).
retry() {
  local n=$1 i; shift
  for ((i = 1; i <= n; i++)); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

# wait_for SECONDS WHAT CMD...: poll CMD until it succeeds or time runs out.
wait_for() {
  local secs=$1 what=$2 i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "$what did not come up within ${secs}s"
}

# pid_alive FILE: the pid in FILE names a running process.
pid_alive() {
  local f=$1 p
  [ -s "$f" ] || return 1
  p=$(head -n1 "$f")
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null
}

# stop_pid NAME [SIGNAL]: stop the process recorded in $RUN_DIR/NAME.pid,
# wait for it, escalate to SIGKILL after 20 s, remove the pid file.
stop_pid() {
  local name=$1 sig=${2:-TERM} f=$RUN_DIR/$1.pid p i
  [ -f "$f" ] || return 0
  p=$(head -n1 "$f")
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill -"$sig" "$p" 2>/dev/null || true
    for ((i = 0; i < 80; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$p" 2>/dev/null; then
      log "$name (pid $p) did not stop; killing it"
      kill -KILL "$p" 2>/dev/null || true
    fi
    log "stopped $name (pid $p)"
  fi
  rm -f "$f"
}

# spawn NAME LOG [--chuid USER] -- CMD ARGS...: start CMD in the background
# as a daemon with all inherited file descriptors closed (so no caller's
# pipe is held open), stdout and stderr appended to LOG, and its pid
# recorded in $RUN_DIR/NAME.pid. Uses dpkg's start-stop-daemon.
spawn() {
  local name=$1 logf=$2; shift 2
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN_DIR/$name.pid" \
    --output "$logf" "${opts[@]}" --startas "$1" -- "${@:2}" \
    || die "could not start $name (log: $logf)"
}

# secret NAME: a random secret generated once and kept in $STACK_DIR/secrets.
secret() {
  local name=$1 f=$STACK_DIR/secrets
  touch "$f"; chmod 0600 "$f"
  if ! grep -q "^$name=" "$f"; then
    printf '%s=%s\n' "$name" "$(head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20)" >>"$f"
  fi
  grep "^$name=" "$f" | head -n1 | cut -d= -f2-
}

# render TEMPLATE OUT: replace @VAR@ placeholders in TEMPLATE with the
# values of the shell variables of the same name, refusing unknown ones.
render() {
  local tpl=$1 out=$2 content var
  content=$(<"$tpl")
  for var in $(grep -o '@[A-Z_][A-Z0-9_]*@' "$tpl" | sort -u | tr -d @); do
    [ -n "${!var+x}" ] || die "template $tpl uses @$var@, which is not set"
    content=${content//@$var@/${!var}}
  done
  mkdir -p "$(dirname "$out")"
  printf '%s\n' "$content" >"$out.tmp"
  chmod 0640 "$out.tmp"
  mv "$out.tmp" "$out"
}

# health NAME STATUS DETAIL: one aligned health line.
health() { printf '  %-18s %-5s %s\n' "$1" "$2" "$3"; }

# stack_uuid NAME: a UUID generated once for NAME and kept in $STACK_DIR/uuids.
stack_uuid() {
  local name=$1 f=$STACK_DIR/uuids
  touch "$f"
  grep -q "^$name=" "$f" || printf '%s=%s\n' "$name" "$(cat /proc/sys/kernel/random/uuid)" >>"$f"
  grep "^$name=" "$f" | head -n1 | cut -d= -f2-
}
