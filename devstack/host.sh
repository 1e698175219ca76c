#!/usr/bin/env bash
# One namespace host of a multi-host dev stack (`make dev HOSTS=N`, see
# lib/hosts.sh), for the live migration and evacuation tests:
#
#   host.sh kill N        host N fails: its nova-compute, libvirtd, virtlogd
#                         and QEMU processes are killed (SIGKILL, by
#                         recorded pid); its network stays
#   host.sh start N       host N comes back: libvirtd, virtlogd, nova-compute
#   host.sh partition N   host N loses the control plane: only its
#                         nova-compute is killed (its heartbeats stop, its
#                         guests run on)
#   host.sh fence HOST    the dev cloud's [auto_evacuate] fence_command:
#                         kills the namespace host named HOST (gsh1, ...) as
#                         `kill` does; any other name exits 1 (not fenced)
#   host.sh exec N CMD..  run CMD inside host N (virsh -c qemu:///system ...)
#   host.sh dir N         host N's state directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/hosts.sh
source "$here/lib/hosts.sh"

[ "$(id -u)" = 0 ] || die "host.sh runs as root"
cmd=${1:-}; i=${2:-}
if [ "$cmd" = fence ]; then
  for ((n = 1; n <= HOSTS; n++)); do
    if [ "$i" = "$(host_name "$n")" ]; then
      echo "$(date -u +%FT%TZ) fencing $i" >>"$LOG_DIR/fence.log"
      host_kill "$n" >>"$LOG_DIR/fence.log" 2>&1
      exit 0
    fi
  done
  echo "$(date -u +%FT%TZ) not fencing '$i': not a namespace host of this stack" | tee -a "$LOG_DIR/fence.log" >&2
  exit 1
fi
[[ $i =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$HOSTS" ] || die "usage: host.sh kill|start|partition|exec|dir N (1..$HOSTS) [CMD...], host.sh fence HOST"
shift 2
case $cmd in
  kill) host_kill "$i" ;;
  partition)
    stop_pid "$(host_compute_name "$i")" KILL
    rm -f "$RUN_DIR/$(host_compute_name "$i").sum"
    ;;
  start)
    host_libvirt_up "$i"
    host_compute_start "$i"
    ;;
  exec) host_exec "$i" "$@" ;;
  dir) host_dir "$i" ;;
  *) die "unknown command '$cmd' (kill, start, partition, fence, exec, dir)" ;;
esac
