# shellcheck shell=bash
# The flat network across the namespace hosts of `make dev HOSTS=N`
# (lib/hosts.sh): each host gets a second veth pair, its peer on the dev
# host's flat bridge (brq-flat, the network node's: gateway and DHCP), and
# its own network-agent inside its namespaces, with that veth as the
# physical interface of physnet1. Guests on every host then share one L2
# segment and keep their address when they move.

HOSTS_FLAT_BRIDGE=${HOSTS_FLAT_BRIDGE:-brq-flat}
HOSTS_FLAT_NIC=${HOSTS_FLAT_NIC:-phys0}

host_agent_name() { echo "network-agent-$(host_name "$1")"; }

# hosts_network_up: the flat bridge on the dev host (the agent would make
# it too) and each host's veth onto it.
hosts_network_up() {
  [ "$HOSTS" -ge 2 ] || return 0
  ip link show "$HOSTS_FLAT_BRIDGE" >/dev/null 2>&1 ||
    ip link add name "$HOSTS_FLAT_BRIDGE" type bridge stp_state 0 forward_delay 0
  ip link set "$HOSTS_FLAT_BRIDGE" up
  local i ns veth
  for ((i = 1; i <= HOSTS; i++)); do
    ns=$(host_name "$i"); veth=${HOSTS_PREFIX}p$i
    if ! ip link show "$veth" >/dev/null 2>&1; then
      ip link add "$veth" type veth peer name "$HOSTS_FLAT_NIC" netns "$ns"
    fi
    ip link set "$veth" master "$HOSTS_FLAT_BRIDGE" up
    ip -n "$ns" link set "$HOSTS_FLAT_NIC" up
  done
}

# host_agent_start I: host I's network-agent inside its namespaces,
# restarted when its binary or config changed.
host_agent_start() {
  local i=$1 name conf sum pid
  name=$(host_agent_name "$i"); conf=$ETC_DIR/network/$name.conf
  mkdir -p "$(host_dir "$i")/network"
  AGENT_HOST=$(host_name "$i") AGENT_STATE=$(host_dir "$i")/network AGENT_NIC=$HOSTS_FLAT_NIC \
    render "$REPO_DIR/devstack/etc/network-agent-host.conf" "$conf"
  sum=$(sha256sum "$BIN_DIR/network-agent" "$ETC_DIR/network/network.conf" "$conf" | sha256sum | cut -c1-16)
  if pid_alive "$RUN_DIR/$name.pid" && [ "$(cat "$RUN_DIR/$name.sum" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  stop_pid "$name" TERM
  pid=$(host_libvirtd_pid "$i")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || die "libvirtd of $(host_name "$i") is not running"
  log "starting $name in $(host_name "$i")"
  spawn "$name" "$LOG_DIR/$name.log" -- /usr/bin/nsenter -t "$pid" -m -n -u -- \
    "$BIN_DIR/network-agent" --config-file "$ETC_DIR/network/network.conf" --config-file "$conf"
  echo "$sum" >"$RUN_DIR/$name.sum"
}

hosts_agents_start() {
  [ "$HOSTS" -ge 2 ] || return 0
  local i
  for ((i = 1; i <= HOSTS; i++)); do
    host_agent_start "$i"
  done
}

hosts_agents_stop() {
  local d name
  for d in "$STACK_DIR"/hosts/*/; do
    [ -d "$d" ] || continue
    name=network-agent-$(basename "$d")
    stop_pid "$name" TERM
    rm -f "$RUN_DIR/$name.sum"
  done
}

hosts_agents_health() {
  [ "$HOSTS" -ge 2 ] || return 0
  local i name rc=0
  for ((i = 1; i <= HOSTS; i++)); do
    name=$(host_agent_name "$i")
    if pid_alive "$RUN_DIR/$name.pid"; then
      health "$name" ok "pid $(cat "$RUN_DIR/$name.pid") log $LOG_DIR/$name.log"
    else
      health "$name" DOWN "not running (log $LOG_DIR/$name.log)"; rc=1
    fi
  done
  return $rc
}
