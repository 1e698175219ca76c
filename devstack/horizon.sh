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

# as_member CMD...: an openstack command as the member user.
as_member() {
  OS_USERNAME=$member OS_PASSWORD=$member_pw OS_PROJECT_NAME=$member openstack "$@"
}

# What the pages must show: an image and a volume of the member's project,
# and a flavor to launch with (made once, kept between runs).
image_name=horizon-smoke-tiny volume_name=horizon-smoke-vol flavor_name=horizon-smoke
tiny=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw}
[ -s "$tiny" ] || die "no tiny image at $tiny: run 'make image'"
as_member image show "$image_name" >/dev/null 2>&1 ||
  as_member image create --disk-format raw --container-format bare --file "$tiny" "$image_name" >/dev/null
as_member volume show "$volume_name" >/dev/null 2>&1 || as_member volume create --size 1 "$volume_name" >/dev/null
openstack flavor show "$flavor_name" >/dev/null 2>&1 ||
  openstack flavor create --public --ram 128 --disk 1 --vcpus 1 "$flavor_name" >/dev/null
network=${HORIZON_NETWORK:-private}
openstack network show "$network" >/dev/null || die "no network '$network' for the launched instance"

# leftovers: the member's instances a failed run left behind.
leftovers() {
  as_member server list -f value -c ID -c Name | awk '$2 ~ /^horizon-smoke-/ {print $1}'
}
cleanup() {
  local ids; ids=$(leftovers || true)
  [ -z "$ids" ] || { log "horizon: deleting instances left behind: $ids"; as_member server delete --wait $ids || true; }
}
cleanup
out=$HORIZON_DIR/screenshots
rm -rf "$out"
log "horizon: smoke test (screenshots: $out)"
rc=0
HORIZON_URL="http://$HOST_IP:$HORIZON_PORT" OUT_DIR=$out \
  MEMBER_USER=$member MEMBER_PASSWORD=$member_pw \
  ADMIN_USER=$OS_USERNAME ADMIN_PASSWORD=$OS_PASSWORD \
  HORIZON_LAUNCH=1 HORIZON_HYPERVISORS=1 \
  LAUNCH_IMAGE=$image_name LAUNCH_FLAVOR=$flavor_name LAUNCH_NETWORK=$network \
  EXPECT_IMAGE=$image_name EXPECT_VOLUME=$volume_name \
  node "$here/horizon/smoke.mjs" || rc=$?
# The test deletes its instance through the dashboard; one still listed
# after it (a failed run) is deleted here, and fails the run.
left=$(leftovers || true)
if [ -n "$left" ]; then
  cleanup
  [ $rc -ne 0 ] || die "the instance launched through Horizon is still there after the test deleted it: $left"
fi
[ $rc -eq 0 ] || die "horizon smoke test failed (screenshots: $out, log: $LOG_DIR/horizon.log)"
log "horizon: smoke test passed in ${SECONDS}s (screenshots: $out)"
