# shellcheck shell=bash
# Horizon (Debian's openstack-dashboard, Zed) against the dev cloud, served
# by Django's own server on $HOST_IP:$HORIZON_PORT. Debian's settings stay
# untouched: a settings module of ours under $STACK_DIR/horizon imports
# them and points Horizon at our keystone. Sourced after lib/common.sh.

HORIZON_PORT=${HORIZON_PORT:-8088}
HORIZON_DIR=$STACK_DIR/horizon
HORIZON_PACKAGES=(openstack-dashboard)
HORIZON_MANAGE=/usr/share/openstack-dashboard/manage.py

horizon_install() {
  local missing=() p
  for p in "${HORIZON_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "horizon: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 ||
    { apt-get update -q >>"$LOG_DIR/apt.log" 2>&1 &&
      apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1; } ||
    die "installing ${missing[*]} failed (log: $LOG_DIR/apt.log)"
}

# horizon_configure: our settings module, rewritten on every start so that
# it follows the stack's address and secrets.
horizon_configure() {
  mkdir -p "$HORIZON_DIR"
  umask 077
  cat >"$HORIZON_DIR/gostack_dashboard_settings.py.tmp" <<PY
# Written by devstack/lib/horizon.sh: Debian's Horizon settings, pointed at
# the gostack dev cloud.
from openstack_dashboard.settings import *  # noqa: F401,F403

OPENSTACK_HOST = "$HOST_IP"
OPENSTACK_KEYSTONE_URL = "http://$HOST_IP:5000/v3"
OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"
OPENSTACK_API_VERSIONS = {"identity": 3, "image": 2, "volume": 3, "compute": 2}
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "$(secret horizon_secret_key)"
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The network service (network-api on :9696) answers what Horizon asks of
# Neutron, quotas included: OPENSTACK_NEUTRON_NETWORK keeps its defaults.
PY
  umask 022
  mv "$HORIZON_DIR/gostack_dashboard_settings.py.tmp" "$HORIZON_DIR/gostack_dashboard_settings.py"
}

horizon_up() {
  horizon_install
  horizon_configure
  local sum
  sum=$(sha256sum "$HORIZON_DIR/gostack_dashboard_settings.py" | cut -c1-16)
  if pid_alive "$RUN_DIR/horizon.pid" && [ "$(cat "$RUN_DIR/horizon.sum" 2>/dev/null)" = "$sum" ]; then
    return 0
  fi
  stop_pid horizon TERM
  log "horizon: starting on http://$HOST_IP:$HORIZON_PORT/"
  # runserver --insecure serves the static files Debian compressed offline.
  spawn horizon "$LOG_DIR/horizon.log" -- /usr/bin/env \
    PYTHONPATH="$HORIZON_DIR" DJANGO_SETTINGS_MODULE=gostack_dashboard_settings \
    /usr/bin/python3 "$HORIZON_MANAGE" runserver --noreload --insecure "$HOST_IP:$HORIZON_PORT"
  echo "$sum" >"$RUN_DIR/horizon.sum"
  wait_for 60 "horizon (log: $LOG_DIR/horizon.log)" curl -fsS -o /dev/null "http://$HOST_IP:$HORIZON_PORT/auth/login/"
}

horizon_stop() {
  stop_pid horizon TERM
  rm -f "$RUN_DIR/horizon.sum"
}

horizon_health() {
  if ! pid_alive "$RUN_DIR/horizon.pid"; then
    health horizon DOWN "not running (log $LOG_DIR/horizon.log)"
    return 1
  fi
  if curl -fsS -o /dev/null "http://$HOST_IP:$HORIZON_PORT/auth/login/"; then
    health horizon ok "http://$HOST_IP:$HORIZON_PORT/ pid $(cat "$RUN_DIR/horizon.pid") log $LOG_DIR/horizon.log"
  else
    health horizon DOWN "http://$HOST_IP:$HORIZON_PORT/ does not answer (log $LOG_DIR/horizon.log)"
    return 1
  fi
}
