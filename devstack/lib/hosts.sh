# shellcheck shell=bash
# Several compute hosts on one machine (`make dev HOSTS=N`, N >= 2), for
# evacuation and live migration. Each host is a network namespace joined
# to a bridge in the root namespace, with private mount and UTS namespaces (its own hostname) in
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
# The availability zone (and aggregate) the namespace hosts form.
HOSTS_ZONE=${HOSTS_ZONE:-ha}
# nova's [DEFAULT] instances_path: the same path on every host, each host's
# own directory behind it (bind-mounted in the host's mount namespace), as
# on real hosts with local instance directories.
HOSTS_INSTANCES_PATH=${HOSTS_INSTANCES_PATH:-/var/lib/nova/instances}
# Each namespace host offers this much memory to guests (the rest of the
# machine is its reserved_host_memory_mb, at allocation ratio 1), so its
# capacity is its own and small enough to fill in a test.
HOSTS_GUEST_MEMORY_MB=${HOSTS_GUEST_MEMORY_MB:-4096}

# Where the hosts reach the control plane. A stack made with HOSTS >= 2
# from scratch has its control plane listen on the bridge address (its
# Ceph monitor says so in ceph.conf). A stack made on loopback (HOSTS=1,
# today's dev stack) keeps it there: its monitor, database and broker
# cannot move without `make clean`. Hosts added to it reach the control
# plane at the bridge address all the same, through NAT (hosts_nat_up):
# inside a host, loopback connections go to the bridge; on the bridge,
# connections to its address go to loopback.
if [ "$HOSTS" -ge 2 ] && [ "${HOST_IP:-127.0.0.1}" = 127.0.0.1 ] &&
  grep -q "^mon host = $HOSTS_NET.1:" "$STACK_DIR/ceph/ceph.conf" 2>/dev/null; then
  HOST_IP=$HOSTS_NET.1
fi

# hosts_check_mode: remember HOSTS for the next `make dev`. Switching
# between one and several hosts is allowed: a loopback stack gains or
# loses its namespace hosts; a bridge stack keeps its bridge.
hosts_check_mode() {
  local made
  made=$(cat "$STACK_DIR/hosts.count" 2>/dev/null || true)
  if [ "$HOST_IP" = "$HOSTS_NET.1" ] && [ "$HOSTS" = 1 ]; then
    die "this stack's control plane listens on the bridge $HOST_IP (made with HOSTS=$made); 'make clean' first to go back to one host"
  fi
  if [ -n "$made" ] && [ "$made" -ge 2 ] && [ "$HOSTS" = 1 ]; then
    # Going back to one host: the namespace hosts go away.
    HOSTS=$made hosts_stop
  fi
  echo "$HOSTS" >"$STACK_DIR/hosts.count"
}

host_name() { echo "${HOSTS_PREFIX}h$1"; }      # host i: its name, netns and nova host
host_ip() { echo "$HOSTS_NET.$((10 + $1))"; }    # host i: its address
host_dir() { echo "$STACK_DIR/hosts/$(host_name "$1")"; }
host_libvirtd_pid() { cat "$(host_dir "$1")/run/libvirt/libvirtd.pid" 2>/dev/null || true; }

# host_exec I CMD...: run CMD inside host I (its network, mount and UTS
# namespaces: the host has its own hostname, so it sees that host's libvirtd as qemu:///system).
host_exec() {
  local i=$1 pid; shift
  pid=$(host_libvirtd_pid "$i")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "host $(host_name "$i") is not running (make dev HOSTS=$HOSTS)" >&2
    return 1
  fi
  nsenter -t "$pid" -m -n -u -- "$@"
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
  mkdir -p "$d/etc" "$d/run/libvirt" "$d/lib/libvirt" "$d/log/libvirt" "$d/cache/libvirt" "$d/instances"
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

# host_names_up I: the hosts' names resolve inside host I from its own
# /etc/hosts (bind-mounted in its mount namespace): libvirt looks up its
# hostname during a migration, and the machine's DNS server is not
# reachable from the namespaces (each lookup would wait for its timeout).
host_names_up() {
  local i=$1 d j pid; d=$(host_dir "$i")
  {
    echo "127.0.0.1 localhost"
    echo "$HOSTS_NET.1 $(hostname)"
    for ((j = 1; j <= HOSTS; j++)); do echo "$(host_ip "$j") $(host_name "$j")"; done
  } >"$d/etc/hosts"
  pid=$(host_libvirtd_pid "$i")
  [ -n "$pid" ] || return 0
  if ! nsenter -t "$pid" -m -- grep -q " $(host_name "$i")\$" /etc/hosts 2>/dev/null; then
    nsenter -t "$pid" -m -- mount --bind "$d/etc/hosts" /etc/hosts
  fi
}

# host_libvirt_up I: virtlogd and libvirtd inside host I.
host_libvirt_up() {
  local i=$1 d pid; d=$(host_dir "$i")
  pid=$(host_libvirtd_pid "$i")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    host_names_up "$i"
    return 0
  fi
  host_libvirt_config "$i"
  rm -f "$d/run/libvirt/libvirtd.pid" "$d/run/libvirt/virtlogd.pid"
  mkdir -p "$HOSTS_INSTANCES_PATH"
  log "hosts: starting libvirtd in $(host_name "$i") ($(host_ip "$i"))"
  unshare -m -u --propagation private ip netns exec "$(host_name "$i")" sh -ec "
    hostname '$(host_name "$i")'
    mount --bind '$d/run/libvirt' /run/libvirt
    mount --bind '$d/lib/libvirt' /var/lib/libvirt
    mount --bind '$d/log/libvirt' /var/log/libvirt
    mount --bind '$d/cache/libvirt' /var/cache/libvirt
    mount --bind '$d/etc/libvirt' /etc/libvirt
    mount --bind '$d/instances' '$HOSTS_INSTANCES_PATH'
    virtlogd -d -p /run/libvirt/virtlogd.pid
    libvirtd -d --listen -p /run/libvirt/libvirtd.pid
  " >>"$LOG_DIR/hosts.log" 2>&1 || die "libvirtd of $(host_name "$i") did not start (log: $LOG_DIR/hosts.log)"
  wait_for 20 "libvirtd pid of $(host_name "$i")" test -s "$d/run/libvirt/libvirtd.pid"
  cp "$d/run/libvirt/libvirtd.pid" "$RUN_DIR/$(host_name "$i")-libvirtd.pid"
  cp "$d/run/libvirt/virtlogd.pid" "$RUN_DIR/$(host_name "$i")-virtlogd.pid"
  wait_for 30 "libvirtd of $(host_name "$i")" host_exec "$i" virsh -c qemu:///system version
  host_names_up "$i"
}

# hosts_nat_up: with the control plane on loopback, TCP from the hosts to
# the bridge address goes to loopback (route_localnet lets the kernel
# route it there). host_nat_up does the other half inside each host.
hosts_nat_up() {
  [ "$HOST_IP" = 127.0.0.1 ] || return 0
  sysctl -qw "net.ipv4.conf.$HOSTS_BRIDGE.route_localnet=1"
  local rule=(PREROUTING -i "$HOSTS_BRIDGE" -d "$HOSTS_NET.1" -p tcp -j DNAT --to-destination 127.0.0.1)
  iptables -t nat -C "${rule[@]}" 2>/dev/null || iptables -t nat -A "${rule[@]}"
}

# host_nat_up I: inside host I, TCP to loopback (the addresses in the
# stack's configs: broker, Ceph, Keystone, Glance, Cinder) goes to the
# bridge, its source rewritten to the host's address. The host's own VNC
# ports (5900-5999) stay local.
host_nat_up() {
  local i=$1 ns; ns=$(host_name "$i")
  [ "$HOST_IP" = 127.0.0.1 ] || return 0
  ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.eth0.route_localnet=1
  local out=(OUTPUT -d 127.0.0.1 -p tcp ! --dport 5900:5999 -j DNAT --to-destination "$HOSTS_NET.1")
  local post=(POSTROUTING -o eth0 -s 127.0.0.0/8 -j SNAT --to-source "$(host_ip "$i")")
  ip netns exec "$ns" iptables -t nat -C "${out[@]}" 2>/dev/null || ip netns exec "$ns" iptables -t nat -A "${out[@]}"
  ip netns exec "$ns" iptables -t nat -C "${post[@]}" 2>/dev/null || ip netns exec "$ns" iptables -t nat -A "${post[@]}"
}

hosts_nat_down() {
  local rule=(PREROUTING -i "$HOSTS_BRIDGE" -d "$HOSTS_NET.1" -p tcp -j DNAT --to-destination 127.0.0.1)
  while iptables -t nat -D "${rule[@]}" 2>/dev/null; do :; done
}

host_compute_name() { echo "nova-compute-$(host_name "$1")"; }
host_compute_conf() { echo "$ETC_DIR/nova/$(host_compute_name "$1").conf"; }

# host_compute_start I: host I's nova-compute, inside the host's network
# and mount namespaces (so qemu:///system is the host's own libvirtd), with
# the stack's nova.conf and the host's overrides read after it
# (devstack/etc/nova-compute-host.conf: [DEFAULT] host, my_ip,
# live_migration_inbound_addr). Restarted when its binary or config changed.
host_compute_start() {
  local i=$1 name conf sum pid
  name=$(host_compute_name "$i"); conf=$(host_compute_conf "$i")
  local total; total=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  COMPUTE_HOST=$(host_name "$i") COMPUTE_IP=$(host_ip "$i") INSTANCES_PATH=$HOSTS_INSTANCES_PATH \
    RESERVED_MEMORY_MB=$((total > HOSTS_GUEST_MEMORY_MB ? total - HOSTS_GUEST_MEMORY_MB : 512)) \
    render "$REPO_DIR/devstack/etc/nova-compute-host.conf" "$conf"
  sum=$(sha256sum "$BIN_DIR/nova-compute" "$ETC_DIR/nova/nova.conf" "$conf" | sha256sum | cut -c1-16)
  if pid_alive "$RUN_DIR/$name.pid" && [ "$(cat "$RUN_DIR/$name.sum" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  stop_pid "$name" TERM
  pid=$(host_libvirtd_pid "$i")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "libvirtd of $(host_name "$i") is not running"
  log "starting $name in $(host_name "$i") ($(host_ip "$i"))"
  spawn "$name" "$LOG_DIR/$name.log" -- /usr/bin/nsenter -t "$pid" -m -n -u -- \
    "$BIN_DIR/nova-compute" --config-file "$ETC_DIR/nova/nova.conf" --config-file "$conf"
  echo "$sum" >"$RUN_DIR/$name.sum"
}

# host_kill I: host I fails at once: its nova-compute, QEMU processes,
# libvirtd and virtlogd get SIGKILL (by recorded pid). Its definitions and
# network stay, as on a machine that lost power.
host_kill() {
  local i=$1 d name pidf p
  d=$(host_dir "$i"); name=$(host_name "$i")
  for p in "$RUN_DIR/$(host_compute_name "$i").pid" "$d"/run/libvirt/qemu/*.pid \
    "$RUN_DIR/$name-libvirtd.pid" "$RUN_DIR/$name-virtlogd.pid"; do
    [ -s "$p" ] || continue
    kill -KILL "$(head -n1 "$p")" 2>/dev/null || true
  done
  rm -f "$RUN_DIR/$(host_compute_name "$i").pid" "$RUN_DIR/$(host_compute_name "$i").sum"
  for pidf in "$d"/run/libvirt/qemu/*.pid; do rm -f "$pidf"; done
  log "hosts: $name killed (nova-compute, QEMU, libvirtd, virtlogd)"
}

# hosts_computes_start: every host's nova-compute (after the control
# plane's daemons, which they register with).
hosts_computes_start() {
  [ "$HOSTS" -ge 2 ] || return 0
  local i
  for ((i = 1; i <= HOSTS; i++)); do
    host_compute_start "$i"
  done
  sleep 0.5
  for ((i = 1; i <= HOSTS; i++)); do
    pid_alive "$RUN_DIR/$(host_compute_name "$i").pid" ||
      die "$(host_compute_name "$i") exited at start (log: $LOG_DIR/$(host_compute_name "$i").log)"
  done
}

hosts_up() {
  [ "$HOSTS" -ge 2 ] || return 0
  hosts_bridge_up
  hosts_nat_up
  local i
  for ((i = 1; i <= HOSTS; i++)); do
    host_net_up "$i"
    host_nat_up "$i"
    host_libvirt_up "$i"
  done
  log "hosts: $HOSTS compute hosts on $HOSTS_BRIDGE ($HOSTS_NET.0/24)"
}

# hosts_zone_up: the namespace hosts form the availability zone HOSTS_ZONE
# (an aggregate of that name) and are enabled. They register disabled, so
# no guest lands on them before they are in the zone; nova.conf's
# default_schedule_zone then keeps the guests of requests without a zone
# on the main host (zone nova, whose consoles and network the other tests
# use), while guests booted in the zone are placed, cold-migrated,
# evacuated and spread (anti-affinity) between the namespace hosts by the
# scheduler. Idempotent: only what is missing is done.
hosts_zone_up() {
  [ "$HOSTS" -ge 2 ] || return 0
  (
    set -e
    # shellcheck disable=SC1091
    source "$REPO_DIR/openrc"
    local i name members services
    for ((i = 0; i < 120; i++)); do
      services=$(openstack --os-compute-api-version 2.11 compute service list --service nova-compute --long -f value -c Host -c Status -c "Forced Down")
      [ "$(grep -c "^${HOSTS_PREFIX}h" <<<"$services")" -ge "$HOSTS" ] && break
      sleep 0.5
    done
    members=$(openstack aggregate show "$HOSTS_ZONE" -f value -c hosts 2>/dev/null) ||
      { openstack aggregate create --zone "$HOSTS_ZONE" "$HOSTS_ZONE" >/dev/null; members=""; }
    for ((i = 1; i <= HOSTS; i++)); do
      name=$(host_name "$i")
      grep -qw "$name" <<<"$members" || openstack aggregate add host "$HOSTS_ZONE" "$name" >/dev/null
      grep -q "^$name enabled" <<<"$services" || openstack compute service set --enable "$name" nova-compute
      # The host was just started: a forced_down left by a test or a fence is over.
      if grep -q "^$name .* True" <<<"$services"; then
        openstack --os-compute-api-version 2.11 compute service set --up "$name" nova-compute
      fi
    done
  ) >>"$LOG_DIR/hosts.log" 2>&1 || die "hosts: could not put the namespace hosts in zone $HOSTS_ZONE (log: $LOG_DIR/hosts.log)"
  log "hosts: zone $HOSTS_ZONE holds $(for ((i = 1; i <= HOSTS; i++)); do printf '%s ' "$(host_name "$i")"; done)"
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
    stop_pid "nova-compute-$name" TERM
    rm -f "$RUN_DIR/nova-compute-$name.sum"
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
  hosts_nat_down
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
      if pid_alive "$RUN_DIR/$(host_compute_name "$i").pid"; then
        health "$(host_compute_name "$i")" ok "pid $(cat "$RUN_DIR/$(host_compute_name "$i").pid") log $LOG_DIR/$(host_compute_name "$i").log"
      else
        health "$(host_compute_name "$i")" DOWN "not running (log $LOG_DIR/$(host_compute_name "$i").log)"
        rc=1
      fi
    else
      health "$(host_name "$i")" DOWN "libvirtd of $(host_name "$i") does not answer (log $LOG_DIR/hosts.log)"
      rc=1
    fi
  done
  return $rc
}
