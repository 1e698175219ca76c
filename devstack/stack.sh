#!/usr/bin/env bash
# The dev stack: one command for a whole cloud on this machine.
#
#   stack.sh up      install packages, start PostgreSQL, RabbitMQ, Ceph and
#                    libvirt, build the tiny guest image and every binary,
#                    migrate every database, start every daemon, write openrc
#                    (HOSTS=N, N >= 2: N compute hosts in network namespaces,
#                    see lib/hosts.sh)
#   stack.sh deps    only the components the tests need (no daemons)
#   stack.sh status  a health line per component
#   stack.sh stop    stop everything this stack started, by recorded pid
#   stack.sh clean   stop, then remove all state ($STACK_DIR, openrc)
#
# Idempotent: a second `up` on a running stack keeps all data and restarts
# only daemons whose binary or config changed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/hosts.sh
source "$here/lib/hosts.sh" # first: HOSTS >= 2 moves HOST_IP to the bridge
for lib in packages postgres rabbitmq ceph libvirt daemons keystone horizon novnc hosts_network; do
  # shellcheck disable=SC1090
  source "$here/lib/$lib.sh"
done

TINY_IMAGE=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw}

require_root() { [ "$(id -u)" = 0 ] || die "the dev stack runs as root (it installs packages and starts system daemons)"; }

components_up() {
  hosts_check_mode
  packages_install
  # Multi-host: the bridge carries HOST_IP, which everything below binds to.
  [ "$HOSTS" -lt 2 ] || hosts_bridge_up
  postgres_up
  rabbitmq_up
  ceph_up
  libvirt_up
  hosts_up
  hosts_network_up
  "$here/image/build-tiny-image.sh" "$TINY_IMAGE" | sed 's/^/[stack] /'
  novnc_fetch
  write_test_env
}

# test.env: what services/testenv hands the tests.
write_test_env() {
  umask 077
  cat >"$STACK_DIR/test.env" <<ENV
# Written by devstack/stack.sh; read by services/testenv.
GOSTACK_PG_URL=$(postgres_test_role)
GOSTACK_AMQP_URL=$(rabbitmq_url)
GOSTACK_RABBITMQCTL=$RABBITMQCTL
CEPH_CONF=$CEPH_CONF_FILE
GOSTACK_CEPH_USER=admin
GOSTACK_LIBVIRT_URI=$LIBVIRT_URI
GOSTACK_TINY_IMAGE=$TINY_IMAGE
GOSTACK_STACK_DIR=$STACK_DIR
ENV
  umask 022
}

write_openrc() {
  umask 077
  cat >"$REPO_DIR/openrc" <<RC
# Admin credentials for the dev cloud. Use: source openrc
export OS_AUTH_URL=http://$HOST_IP:5000/v3
export OS_IDENTITY_API_VERSION=3
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
export OS_USERNAME=admin
export OS_PASSWORD=$(secret admin_password)
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
RC
  umask 022
}

status() {
  local rc=0
  echo "Health ($STACK_DIR):"
  postgres_health || rc=1
  rabbitmq_health || rc=1
  ceph_health || rc=1
  libvirt_health || rc=1
  hosts_health || rc=1
  hosts_agents_health || rc=1
  if [ -s "$TINY_IMAGE" ]; then health tiny-image ok "$TINY_IMAGE"; else health tiny-image MISSING "$TINY_IMAGE"; rc=1; fi
  daemons_health || rc=1
  return $rc
}

summary() {
  cat <<TXT

The dev cloud is up.
  credentials  source $REPO_DIR/openrc
  state        $STACK_DIR  (data, configs in $ETC_DIR, pids in $RUN_DIR)
  logs         $LOG_DIR
  stop         make stop     (everything this stack started; data kept)
  wipe         make clean    (stop, then remove $STACK_DIR and openrc)
TXT
}

cmd=${1:-up}
# One run at a time: two `make dev` at once would each start the daemons
# and leave the loser's untracked. The script runs again under flock(1),
# which holds the lock itself (-o: the daemons started do not inherit it).
# A nested run (clean calls stop) holds the lock already.
if [ "$cmd" != status ] && [ -z "${GOSTACK_STACK_LOCKED:-}" ]; then
  export GOSTACK_STACK_LOCKED=1
  flock -n -o "$STACK_DIR.lock" true || log "another stack.sh runs on $STACK_DIR; waiting for it"
  exec flock -o "$STACK_DIR.lock" bash "$here/$(basename "$0")" "$@"
fi
case $cmd in
  up)
    require_root
    components_up
    daemons_build
    daemons_configure
    daemons_migrate
    keystone_keys
    daemons_start
    hosts_computes_start
    hosts_agents_start
    keystone_bootstrap
    write_openrc
    hosts_zone_up
    summary
    status
    ;;
  deps)
    require_root
    components_up
    ;;
  status) status ;;
  stop)
    horizon_stop
    daemons_stop
    hosts_agents_stop
    hosts_stop
    libvirt_stop
    ceph_stop
    rabbitmq_stop
    postgres_stop
    ;;
  clean)
    # The libvirt secrets outlive the stack in libvirtd: forget ours (a
    # later stack also forgets any it finds, libvirt_secrets_reconcile).
    if virsh -c "$LIBVIRT_URI" version >/dev/null 2>&1; then libvirt_secrets_forget; fi
    "$0" stop
    log "removing $STACK_DIR and openrc"
    rm -rf "$STACK_DIR" "$REPO_DIR/openrc"
    ;;
  *) die "unknown command '$cmd' (up, deps, status, stop, clean)" ;;
esac
