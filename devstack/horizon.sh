#!/usr/bin/env bash
# Horizon smoke test against the dev cloud (`make dev` first): starts
# Horizon (lib/horizon.sh) if needed, makes a member user, and drives
# headless Debian chromium through devstack/horizon/smoke.mjs (login, the
# project pages, the Launch Instance wizard when Nova runs, the admin
# Hypervisors page). Screenshots go to $STACK_DIR/horizon/screenshots.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/hosts.sh
source "$here/lib/hosts.sh"
# shellcheck source=devstack/lib/horizon.sh
source "$here/lib/horizon.sh"

[ -f "$REPO_DIR/openrc" ] || die "no openrc: run 'make dev' first"
# shellcheck disable=SC1091
source "$REPO_DIR/openrc"

command -v chromium >/dev/null || apt-get install -y -q --no-install-recommends chromium >>"$LOG_DIR/apt.log" 2>&1 ||
  die "installing chromium failed (log: $LOG_DIR/apt.log)"
horizon_up
(cd "$here/horizon" && npm ci --no-audit --no-fund --silent) >>"$LOG_DIR/horizon-npm.log" 2>&1 ||
  die "npm ci in devstack/horizon failed (log: $LOG_DIR/horizon-npm.log)"

# A member user in a project of its own.
member=horizon-smoke
member_pw=$(secret horizon_member_password)
openstack project show "$member" >/dev/null 2>&1 || openstack project create "$member" >/dev/null
if openstack user show "$member" >/dev/null 2>&1; then
  openstack user set --password "$member_pw" "$member"
else
  openstack user create --project "$member" --password "$member_pw" "$member" >/dev/null
fi
openstack role add --project "$member" --user "$member" member

launch=0 hyper=0
if curl -fsS -o /dev/null "http://$HOST_IP:8774/"; then
  launch=1 hyper=1
fi
out=$HORIZON_DIR/screenshots
rm -rf "$out"
log "horizon: smoke test (launch: $launch; screenshots: $out)"
HORIZON_URL="http://$HOST_IP:$HORIZON_PORT" OUT_DIR=$out \
  MEMBER_USER=$member MEMBER_PASSWORD=$member_pw \
  ADMIN_USER=$OS_USERNAME ADMIN_PASSWORD=$OS_PASSWORD \
  HORIZON_LAUNCH=$launch HORIZON_HYPERVISORS=$hyper \
  LAUNCH_IMAGE=${LAUNCH_IMAGE:-horizon-smoke-tiny} LAUNCH_FLAVOR=${LAUNCH_FLAVOR:-horizon-smoke} \
  node "$here/horizon/smoke.mjs"
