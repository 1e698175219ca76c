# shellcheck shell=bash
# The project's own daemons: configs, database migrations, start, health.
#
# Each service lists its daemons in devstack/etc/<service>.daemons (and,
# for daemons maintained apart, devstack/etc/<service>-<part>.daemons, read
# after it), one line per daemon: "name port healthpath" (port and path empty for workers
# without an API). Adding a daemon is one line there; a new service also
# needs a config template devstack/etc/<service>.conf and its name in
# STACK_SERVICES. The stack builds every binary under cmd/, renders each
# service's config into $ETC_DIR/<service>/<service>.conf, syncs each
# service's database, and starts the daemons service by service, in the
# order listed.

# Services with a config file and a database of their own.
STACK_SERVICES=(keystone glance cinder nova network)

# STACK_DAEMONS: "name service port healthpath" per daemon, from the
# per-service lists.
STACK_DAEMONS=()
daemons_load() {
  local svc name port path list
  STACK_DAEMONS=()
  for svc in "${STACK_SERVICES[@]}"; do
    for list in "$REPO_DIR/devstack/etc/$svc.daemons" "$REPO_DIR/devstack/etc/$svc"-*.daemons; do
      [ -f "$list" ] || continue
      while read -r name port path; do
        case "$name" in '' | '#'*) continue ;; esac
        STACK_DAEMONS+=("$name $svc $port $path")
      done <"$list"
    done
  done
}
daemons_load

# Template variables the service configs use.
daemons_config_vars() {
  TRANSPORT_URL=$(rabbitmq_url)
  CEPH_CONF_PATH=$CEPH_CONF_FILE
  HOST_IP=$HOST_IP
  REGION=$REGION
  STACK_DIR=$STACK_DIR
  LOG_DIR=$LOG_DIR
  LIBVIRT_VIRT_TYPE=qemu
  libvirt_kvm_usable && LIBVIRT_VIRT_TYPE=kvm
  ADMIN_PASSWORD=$(secret admin_password)
  SERVICE_PASSWORD=$(secret service_password)
  CINDER_SECRET_UUID=$(stack_uuid libvirt_secret_cinder)
  NOVA_SECRET_UUID=$(stack_uuid libvirt_secret_nova)
  export CINDER_SECRET_UUID NOVA_SECRET_UUID TRANSPORT_URL CEPH_CONF_PATH LIBVIRT_VIRT_TYPE ADMIN_PASSWORD SERVICE_PASSWORD
}

daemons_configure() {
  daemons_config_vars
  local svc
  for svc in "${STACK_SERVICES[@]}"; do
    DATABASE_URL=$(postgres_url "$svc")
    render "$REPO_DIR/devstack/etc/$svc.conf" "$ETC_DIR/$svc/$svc.conf"
  done
}

daemons_build() {
  log "build: go build ./cmd/... -> $BIN_DIR"
  # -buildvcs=false: the commit id would otherwise be stamped into every
  # binary, so any commit would change them all and restart every daemon;
  # without it a daemon restarts only when its own code changed.
  (cd "$REPO_DIR" && go build -buildvcs=false -tags pacific -o "$BIN_DIR/" ./cmd/...) || die "go build failed"
}

daemons_migrate() {
  local svc
  for svc in "${STACK_SERVICES[@]}"; do
    postgres_database "$svc"
    "$BIN_DIR/gostack-manage" db sync --service "$svc" --config-file "$ETC_DIR/$svc/$svc.conf" \
      >>"$LOG_DIR/db-sync.log" 2>&1 || die "database migration of $svc failed (log: $LOG_DIR/db-sync.log)"
  done
  log "databases: ${STACK_SERVICES[*]} migrated"
}

# daemon_field LINE N: the Nth whitespace-separated field of a STACK_DAEMONS line.
daemon_field() { awk -v n="$2" '{print $n}' <<<"$1"; }

daemons_start() {
  local line name svc sum
  for line in "${STACK_DAEMONS[@]}"; do
    name=$(daemon_field "$line" 1); svc=$(daemon_field "$line" 2)
    [ -x "$BIN_DIR/$name" ] || die "daemon $name is listed but $BIN_DIR/$name was not built"
    sum=$(sha256sum "$BIN_DIR/$name" "$ETC_DIR/$svc/$svc.conf" | sha256sum | cut -c1-16)
    if pid_alive "$RUN_DIR/$name.pid" && [ "$(cat "$RUN_DIR/$name.sum" 2>/dev/null)" = "$sum" ]; then
      continue
    fi
    stop_pid "$name" TERM
    log "starting $name"
    spawn "$name" "$LOG_DIR/$name.log" -- "$BIN_DIR/$name" --config-file "$ETC_DIR/$svc/$svc.conf"
    echo "$sum" >"$RUN_DIR/$name.sum"
  done
  for line in "${STACK_DAEMONS[@]}"; do
    daemon_wait "$line"
  done
}

daemon_url() { echo "http://$HOST_IP:$(daemon_field "$1" 3)$(daemon_field "$1" 4)"; }

daemon_wait() {
  local line=$1 name port; name=$(daemon_field "$line" 1); port=$(daemon_field "$line" 3)
  if [ -n "$port" ]; then
    wait_for 60 "$name (log: $LOG_DIR/$name.log)" curl -fsS -o /dev/null "$(daemon_url "$line")"
  else
    sleep 0.5
    pid_alive "$RUN_DIR/$name.pid" || die "$name exited at start (log: $LOG_DIR/$name.log)"
  fi
}

daemons_stop() {
  local i name
  # Reverse order: the API daemons go last so workers drain first.
  for ((i = ${#STACK_DAEMONS[@]} - 1; i >= 0; i--)); do
    name=$(daemon_field "${STACK_DAEMONS[$i]}" 1)
    stop_pid "$name" TERM
    rm -f "$RUN_DIR/$name.sum"
  done
}

daemons_health() {
  local line name port rc=0
  for line in "${STACK_DAEMONS[@]}"; do
    name=$(daemon_field "$line" 1); port=$(daemon_field "$line" 3)
    if ! pid_alive "$RUN_DIR/$name.pid"; then
      health "$name" DOWN "not running (log $LOG_DIR/$name.log)"; rc=1
    elif [ -n "$port" ] && ! curl -fsS -o /dev/null "$(daemon_url "$line")"; then
      health "$name" DOWN "$(daemon_url "$line") does not answer (log $LOG_DIR/$name.log)"; rc=1
    else
      health "$name" ok "${port:+$(daemon_url "$line") }pid $(cat "$RUN_DIR/$name.pid") log $LOG_DIR/$name.log"
    fi
  done
  return $rc
}
