# shellcheck shell=bash
# A RabbitMQ node with its database and logs under $STACK_DIR/rabbitmq,
# listening on $HOST_IP:$RABBIT_PORT, one vhost-wide user for the services.

RABBIT_DIR=$STACK_DIR/rabbitmq
RABBIT_NODE=${RABBIT_NODE:-rabbit@$(hostname -s)}
RABBITMQCTL="rabbitmqctl -n $RABBIT_NODE"

rabbit_env() {
  (
    export RABBITMQ_NODENAME="$RABBIT_NODE" \
      RABBITMQ_NODE_IP_ADDRESS="$HOST_IP" RABBITMQ_NODE_PORT="$RABBIT_PORT" \
      RABBITMQ_MNESIA_BASE="$RABBIT_DIR/mnesia" RABBITMQ_LOG_BASE="$RABBIT_DIR/log" \
      RABBITMQ_PID_FILE="$RABBIT_DIR/rabbitmq.pid" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$RABBIT_DIR/enabled_plugins" \
      RABBITMQ_CONFIG_FILE="$RABBIT_DIR/rabbitmq"
    "$@"
  )
}

rabbitmq_up() {
  mkdir -p "$RABBIT_DIR/mnesia" "$RABBIT_DIR/log"
  [ -f "$RABBIT_DIR/enabled_plugins" ] || echo '[].' >"$RABBIT_DIR/enabled_plugins"
  # Publisher confirms need disk space checks out of the way on small dev disks.
  printf 'disk_free_limit.absolute = 200MB\nloopback_users = none\n' >"$RABBIT_DIR/rabbitmq.conf"
  chown -R rabbitmq:rabbitmq "$RABBIT_DIR"
  if pid_alive "$RUN_DIR/rabbitmq.pid"; then
    log "rabbitmq: running (pid $(cat "$RUN_DIR/rabbitmq.pid"))"
  else
    if $RABBITMQCTL -q status >/dev/null 2>&1; then
      die "a RabbitMQ node $RABBIT_NODE runs already but was not started by this stack; stop it first"
    fi
    # Erlang's port mapper, run by us (not daemonised) so its pid is ours to stop.
    if ! pid_alive "$RUN_DIR/epmd.pid" && ! epmd -names >/dev/null 2>&1; then
      spawn epmd "$RABBIT_DIR/log/epmd.log" --chuid rabbitmq -- "$(command -v epmd)"
      wait_for 10 "epmd" epmd -names
    fi
    log "rabbitmq: starting $RABBIT_NODE on $HOST_IP:$RABBIT_PORT"
    rm -f "$RABBIT_DIR/rabbitmq.pid"
    # The server script's own pid goes to rabbitmq-server.pid; the Erlang VM
    # writes RABBITMQ_PID_FILE, which is the pid the stack stops.
    rabbit_env spawn rabbitmq-server "$RABBIT_DIR/log/startup.log" --chuid rabbitmq --chdir /var/lib/rabbitmq \
      -- /usr/lib/rabbitmq/bin/rabbitmq-server
    local i
    for ((i = 0; i < 90; i++)); do
      if [ -s "$RABBIT_DIR/rabbitmq.pid" ] && $RABBITMQCTL -q await_startup --timeout 5 >/dev/null 2>&1; then break; fi
      if ! pid_alive "$RUN_DIR/rabbitmq-server.pid"; then
        tail -n 5 "$RABBIT_DIR/log/startup.log" >&2
        die "RabbitMQ exited at start (log: $RABBIT_DIR/log/startup.log)"
      fi
      sleep 1
    done
    [ -s "$RABBIT_DIR/rabbitmq.pid" ] || die "RabbitMQ did not come up within 90s (log: $RABBIT_DIR/log)"
    cp "$RABBIT_DIR/rabbitmq.pid" "$RUN_DIR/rabbitmq.pid"
  fi
  # Passwords go through stdin, never on a command line.
  local pw; pw=$(secret rabbit_gostack)
  if ! $RABBITMQCTL -q list_users 2>/dev/null | grep -q '^gostack[[:space:]]'; then
    printf '%s\n' "$pw" | $RABBITMQCTL -q add_user gostack >/dev/null 2>&1 || true
  fi
  printf '%s\n' "$pw" | $RABBITMQCTL -q change_password gostack >/dev/null \
    || die "could not set the password of RabbitMQ user gostack"
  $RABBITMQCTL -q set_permissions -p / gostack '.*' '.*' '.*' >/dev/null
}

rabbitmq_url() { echo "rabbit://gostack:$(secret rabbit_gostack)@$HOST_IP:$RABBIT_PORT/"; }

rabbitmq_stop() { stop_pid rabbitmq TERM; stop_pid rabbitmq-server TERM; stop_pid epmd TERM; }

rabbitmq_health() {
  if pid_alive "$RUN_DIR/rabbitmq.pid" && $RABBITMQCTL -q ping >/dev/null 2>&1; then
    health rabbitmq ok "$HOST_IP:$RABBIT_PORT node $RABBIT_NODE data $RABBIT_DIR log $RABBIT_DIR/log"
  else
    health rabbitmq DOWN "$HOST_IP:$RABBIT_PORT (log $RABBIT_DIR/log)"
    return 1
  fi
}
