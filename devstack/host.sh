#!/usr/bin/env bash
# One namespace host of a multi-host dev stack (`make dev HOSTS=N`, see
# lib/hosts.sh), for the live migration and evacuation tests:
#
#   host.sh kill N        host N fails: its nova-compute, libvirtd, virtlogd
#                         and QEMU processes are killed (SIGKILL, by
#                         recorded pid); its network stays
#   host.sh start N       host N comes back: libvirtd, virtlogd, nova-compute
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
[[ $i =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$HOSTS" ] || die "usage: host.sh kill|start|exec|dir N (1..$HOSTS) [CMD...]"
shift 2
case $cmd in
  kill) host_kill "$i" ;;
  start)
    host_libvirt_up "$i"
    host_compute_start "$i"
    ;;
  exec) host_exec "$i" "$@" ;;
  dir) host_dir "$i" ;;
  *) die "unknown command '$cmd' (kill, start, exec, dir)" ;;
esac
