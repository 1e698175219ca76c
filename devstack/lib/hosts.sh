# shellcheck shell=bash
# Several compute hosts on one machine (`make dev HOSTS=N`, N >= 2), for
# evacuation and live migration. Each host is a network namespace joined
# to a bridge in the root namespace, with a private mount namespace in
# which its own virtlogd and libvirtd run (own /run/libvirt, /var/lib/libvirt,
# /etc/libvirt, distinct host_uuid, listening on TCP for peer-to-peer
# migration). The control plane, Ceph, RabbitMQ and PostgreSQL listen on
# the bridge address (HOST_IP), which every host reaches. Commands enter a
# host with host_exec, which joins its libvirtd's namespaces.
#
# The addresses are the project's own test hosts: HOSTS_NET.1 is the bridge
# (the control plane), HOSTS_NET.(10+i) host i.

# HOSTS is remembered per stack: a stack made with HOSTS=2 stays so.
if [ -z "${HOSTS:-}" ] && [ -s "$STACK_DIR/hosts.count" ]; then
  HOSTS=$(cat "$STACK_DIR/hosts.count")
fi
HOSTS=${HOSTS:-1}
[[ $HOSTS =~ ^[0-9]+$ ]] && [ "$HOSTS" -ge 1 ] && [ "$HOSTS" -le 32 ] || die "HOSTS must be a number from 1 to 32, not '$HOSTS'"
HOSTS_NET=${HOSTS_NET:-10.250.0}
HOSTS_BRIDGE=${HOSTS_BRIDGE:-gsbr0}
HOSTS_PREFIX=${HOSTS_PREFIX:-gs}

# In multi-host mode the control plane listens on the bridge address.
if [ "$HOSTS" -ge 2 ] && [ "${HOST_IP:-127.0.0.1}" = 127.0.0.1 ]; then
  HOST_IP=$HOSTS_NET.1
fi

# hosts_check_mode: a stack keeps the mode it was made in (its Ceph
# monitor, database and broker listen on the address chosen then).
hosts_check_mode() {
  local made
  made=$(cat "$STACK_DIR/hosts.count" 2>/dev/null || true)
  if [ -n "$made" ] && [ "$made" != "$HOSTS" ] && { [ "$made" = 1 ] || [ "$HOSTS" = 1 ]; }; then
    die "this stack was made with HOSTS=$made; 'make clean' first to change to HOSTS=$HOSTS"
  fi
  echo "$HOSTS" >"$STACK_DIR/hosts.count"
}

host_name() { echo "${HOSTS_PREFIX}h$1"; }      # host i: its name, netns and nova host
host_ip() { echo "$HOSTS_NET.$((10 + $1))"; }    # host i: its address
host_dir() { echo "$STACK_DIR/hosts/$(host_name "$1")"; }
host_libvirtd_pid() { cat "$(host_dir "$1")/run/libvirt/libvirtd.pid" 2>/dev/null || true; }

# host_exec I CMD...: run CMD inside host I (its network and mount
# namespaces, so it sees that host's libvirtd as qemu:///system).
host_exec() {
  local i=$1 pid; shift
  pid=$(host_libvirtd_pid "$i")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "host $(host_name "$i") is not running (make dev HOSTS=$HOSTS)" >&2
    return 1
  fi
  nsenter -t "$pid" -m -n -- "$@"
}

hosts_bridge_up() {
  if ! ip link show "$HOSTS_BRIDGE" >/dev/null 2>&1; then
    ip link add "$HOSTS_BRIDGE" type bridge
  fi
  grep -q "inet $HOSTS_NET.1/24" <<<"$(ip addr show dev "$HOSTS_BRIDGE")" ||
    ip addr add "$HOSTS_NET.1/24" dev "$HOSTS_BRIDGE"
  ip link set "$HOSTS_BRIDGE" up
}

# host_net_up I: the namespace, its veth pair on the bridge, addresses.
host_net_up() {
  local i=$1 ns veth
  ns=$(host_name "$i"); veth=${HOSTS_PREFIX}v$i
  grep -qw "^$ns" <<<"$(ip netns list)" || ip netns add "$ns"
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$HOSTS_BRIDGE" up
  fi
  ip -n "$ns" link set lo up
  grep -q "inet $(host_ip "$i")/24" <<<"$(ip -n "$ns" addr show dev eth0)" ||
    ip -n "$ns" addr add "$(host_ip "$i")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route replace default via "$HOSTS_NET.1"
}

# host_libvirt_config I: a private copy of /etc/libvirt listening on the
# host's address without auth (loopback-only test hosts), with its own
# host_uuid (libvirt refuses to migrate between equal UUIDs).
host_libvirt_config() {
  local i=$1 d; d=$(host_dir "$i")
  mkdir -p "$d/etc" "$d/run/libvirt" "$d/lib/libvirt" "$d/log/libvirt" "$d/cache/libvirt"
  if [ ! -f "$d/etc/libvirt/libvirtd.conf.orig" ]; then
    rm -rf "$d/etc/libvirt"
    cp -a /etc/libvirt "$d/etc/libvirt"
    cp "$d/etc/libvirt/libvirtd.conf" "$d/etc/libvirt/libvirtd.conf.orig"
  fi
  {
    cat "$d/etc/libvirt/libvirtd.conf.orig"
    cat <<CONF
# Written by devstack/lib/hosts.sh for test host $(host_name "$i").
listen_tls = 0
listen_tcp = 1
listen_addr = "$(host_ip "$i")"
auth_tcp = "none"
host_uuid = "$(stack_uuid "host_uuid_$(host_name "$i")")"
CONF
  } >"$d/etc/libvirt/libvirtd.conf"
  # The guests' per-host state stays in the host's own directories.
  mkdir -p "$d/lib/libvirt/qemu" "$d/lib/libvirt/images" "$d/cache/libvirt/qemu"
  chown -R libvirt-qemu:kvm "$d/lib/libvirt/qemu" 2>/dev/null || true
}

# host_libvirt_up I: virtlogd and libvirtd inside host I.
host_libvirt_up() {
  local i=$1 d pid; d=$(host_dir "$i")
  pid=$(host_libvirtd_pid "$i")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    return 0
  fi
  host_libvirt_config "$i"
  rm -f "$d/run/libvirt/libvirtd.pid" "$d/run/libvirt/virtlogd.pid"
  log "hosts: starting libvirtd in $(host_name "$i") ($(host_ip "$i"))"
  unshare -m --propagation private ip netns exec "$(host_name "$i")" sh -ec "
    mount --bind '$d/run/libvirt' /run/libvirt
    mount --bind '$d/lib/libvirt' /var/lib/libvirt
    mount --bind '$d/log/libvirt' /var/log/libvirt
    mount --bind '$d/cache/libvirt' /var/cache/libvirt
    mount --bind '$d/etc/libvirt' /etc/libvirt
    virtlogd -d -p /run/libvirt/virtlogd.pid
    libvirtd -d --listen -p /run/libvirt/libvirtd.pid
  " >>"$LOG_DIR/hosts.log" 2>&1 || die "libvirtd of $(host_name "$i") did not start (log: $LOG_DIR/hosts.log)"
  wait_for 20 "libvirtd pid of $(host_name "$i")" test -s "$d/run/libvirt/libvirtd.pid"
  cp "$d/run/libvirt/libvirtd.pid" "$RUN_DIR/$(host_name "$i")-libvirtd.pid"
  cp "$d/run/libvirt/virtlogd.pid" "$RUN_DIR/$(host_name "$i")-virtlogd.pid"
  wait_for 30 "libvirtd of $(host_name "$i")" host_exec "$i" virsh -c qemu:///system version
}

hosts_up() {
  [ "$HOSTS" -ge 2 ] || return 0
  hosts_bridge_up
  local i
  for ((i = 1; i <= HOSTS; i++)); do
    host_net_up "$i"
    host_libvirt_up "$i"
  done
  log "hosts: $HOSTS compute hosts on $HOSTS_BRIDGE ($HOSTS_NET.0/24)"
}

# hosts_stop: the hosts' libvirtd and virtlogd (by recorded pid), then the
# namespaces and the bridge. Guests still defined on a host are destroyed
# with its libvirtd gone (QEMU processes are killed by recorded pid).
hosts_stop() {
  [ "$HOSTS" -ge 2 ] || return 0
  local d name i
  for d in "$STACK_DIR"/hosts/*/; do
    [ -d "$d" ] || continue
    name=$(basename "$d")
    for pidf in "$d"/run/libvirt/qemu/*.pid; do
      [ -s "$pidf" ] && kill -TERM "$(cat "$pidf")" 2>/dev/null || true
    done
    stop_pid "$name-libvirtd" TERM
    stop_pid "$name-virtlogd" TERM
    ip netns del "$name" 2>/dev/null || true
  done
  for ((i = 1; i <= 64; i++)); do
    ip link show "${HOSTS_PREFIX}v$i" >/dev/null 2>&1 || continue
    ip link del "${HOSTS_PREFIX}v$i" 2>/dev/null || true
  done
  if ip link show "$HOSTS_BRIDGE" >/dev/null 2>&1; then
    ip link del "$HOSTS_BRIDGE" 2>/dev/null || true
  fi
}

hosts_health() {
  [ "$HOSTS" -ge 2 ] || return 0
  local i rc=0 v
  for ((i = 1; i <= HOSTS; i++)); do
    if v=$(host_exec "$i" virsh -c qemu:///system version 2>/dev/null | grep -i 'running hypervisor' | sed 's/.*: //'); then
      health "$(host_name "$i")" ok "$(host_ip "$i") libvirtd pid $(host_libvirtd_pid "$i") ($v) qemu+tcp://$(host_ip "$i")/system"
    else
      health "$(host_name "$i")" DOWN "libvirtd of $(host_name "$i") does not answer (log $LOG_DIR/hosts.log)"
      rc=1
    fi
  done
  return $rc
}
