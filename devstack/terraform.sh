#!/usr/bin/env bash
# Apply the Terraform example (examples/terraform) to the dev cloud with
# OpenTofu and the Terraform OpenStack provider, then check that a second
# plan shows no changes, destroy it, and check that nothing is left behind
# in the APIs or in RBD. `make dev` first.
#
#   devstack/terraform.sh [apply|destroy|check]   (default: all three)
#
# The tools are built once from the Go module proxy (lib/terraform.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/hosts.sh
source "$here/lib/hosts.sh"
# shellcheck source=devstack/lib/terraform.sh
source "$here/lib/terraform.sh"

step=${1:-all}
prefix=${TF_EXAMPLE_PREFIX:-tf-example}
work=$STACK_DIR/terraform/$prefix # state and IDs, one directory a prefix
image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw}
[ -f "$REPO_DIR/openrc" ] || die "no openrc: run 'make dev' first"
[ -s "$image" ] || die "no tiny image at $image: run 'make image'"
# shellcheck disable=SC1091
source "$REPO_DIR/openrc"

terraform_install
mkdir -p "$work"
cp "$REPO_DIR"/examples/terraform/*.tf "$work/"
export TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG TF_IN_AUTOMATION=1 TF_INPUT=0
tofu() { (cd "$work" && "$TOFU_BIN" "$@"); }
vars=(-var "image_file=$image" -var "prefix=$prefix")

tf_apply() {
  log "terraform: init"
  tofu init -no-color >"$LOG_DIR/terraform-init.log" 2>&1 || { tail -20 "$LOG_DIR/terraform-init.log"; die "tofu init failed"; }
  log "terraform: apply (log: $LOG_DIR/terraform-apply.log)"
  local rc=0
  tofu apply -no-color -auto-approve "${vars[@]}" >"$LOG_DIR/terraform-apply.log" 2>&1 || rc=$?
  # Record what exists even after a failed apply, so check can tell
  # what a destroy must have removed.
  tf_record_ids
  [ $rc -eq 0 ] || { tail -40 "$LOG_DIR/terraform-apply.log"; die "tofu apply failed"; }
  grep -E '^Apply complete' "$LOG_DIR/terraform-apply.log"
  log "terraform: second plan must show no changes"
  rc=0
  tofu plan -no-color -detailed-exitcode "${vars[@]}" >"$LOG_DIR/terraform-plan.log" 2>&1 || rc=$?
  case $rc in
    0) echo "plan: no changes" ;;
    2) cat "$LOG_DIR/terraform-plan.log"; die "the second plan wants changes: the APIs do not read back what was applied" ;;
    *) tail -40 "$LOG_DIR/terraform-plan.log"; die "tofu plan failed" ;;
  esac
  tf_wait_guests
}

# tf_wait_guests: both guests booted (their console says so) and the
# attached volume seen by the guest it is attached to. Besides checking the
# example for real, this lets destroy detach it: a guest still booting
# does not answer PCI hot-unplug, and the detach fails after a minute.
tf_wait_guests() {
  api_login
  local sid marker out deadline
  log "terraform: waiting for the guests to boot and see the attached volume"
  for sid in $(awk '$1 == "server" {print $2}' "$work/ids"); do
    marker="tinyvm booted"
    if [ "$sid" = "$(tofu output -json server_ids | jq -r '.[0]')" ]; then
      marker="tinyvm disk add vdb"
    fi
    deadline=$((SECONDS + ${TF_GUEST_TIMEOUT:-300}))
    until out=$(curl -sS -H "X-Auth-Token: $API_TOKEN" -H 'Content-Type: application/json' \
      -d '{"os-getConsoleOutput": {"length": 200}}' "$NOVA_URL/servers/$sid/action") &&
      jq -r '.output // empty' <<<"$out" | grep -q "$marker"; do
      [ $SECONDS -lt "$deadline" ] || die "server $sid: no '$marker' on its console after ${TF_GUEST_TIMEOUT:-300}s"
      sleep 3
    done
    echo "guest $sid: $marker"
  done
}

tf_destroy() {
  log "terraform: destroy (log: $LOG_DIR/terraform-destroy.log)"
  tofu destroy -no-color -auto-approve "${vars[@]}" >"$LOG_DIR/terraform-destroy.log" 2>&1 ||
    { tail -40 "$LOG_DIR/terraform-destroy.log"; die "tofu destroy failed"; }
  grep -E '^Destroy complete' "$LOG_DIR/terraform-destroy.log"
}

# tf_record_ids: "kind id" lines in $work/ids for every resource in the
# state, plus the volumes the servers have attached (a boot-from-volume
# server's root volume is not a resource of its own).
tf_record_ids() {
  tofu show -json 2>/dev/null | jq -r '
    .values.root_module.resources[]? |
    if .type == "openstack_identity_project_v3" then "project \(.values.id)"
    elif .type == "openstack_images_image_v2" then "image \(.values.id)"
    elif .type == "openstack_compute_flavor_v2" then "flavor \(.values.id)"
    elif .type == "openstack_compute_keypair_v2" then "keypair \(.values.name)"
    elif .type == "openstack_blockstorage_volume_v3" then "volume \(.values.id)"
    elif .type == "openstack_compute_instance_v2" then "server \(.values.id)"
    else empty end' >"$work/ids"
  local sid
  for sid in $(awk '$1 == "server" {print $2}' "$work/ids"); do
    openstack server show "$sid" -f json -c volumes_attached 2>/dev/null |
      jq -r '.volumes_attached[]?.id | "volume \(.)"' >>"$work/ids"
  done
  sort -u -o "$work/ids" "$work/ids"
}

# api_login: a token and the public endpoints of the catalog, for the
# checks below (one token instead of an openstack command per resource).
api_login() {
  local body resp
  body=$(jq -n --arg u "$OS_USERNAME" --arg p "$OS_PASSWORD" --arg pr "$OS_PROJECT_NAME" \
    --arg ud "${OS_USER_DOMAIN_NAME:-Default}" --arg pd "${OS_PROJECT_DOMAIN_NAME:-Default}" \
    '{auth: {identity: {methods: ["password"], password: {user: {name: $u, password: $p, domain: {name: $ud}}}},
             scope: {project: {name: $pr, domain: {name: $pd}}}}}')
  resp=$(curl -sS -D "$work/token.headers" -H 'Content-Type: application/json' -d "$body" "$OS_AUTH_URL/auth/tokens") ||
    die "cannot reach keystone at $OS_AUTH_URL"
  API_TOKEN=$(awk 'tolower($1) == "x-subject-token:" {print $2}' "$work/token.headers" | tr -d '\r')
  rm -f "$work/token.headers"
  [ -n "$API_TOKEN" ] || die "keystone issued no token: $resp"
  endpoint() { jq -r --arg t "$1" '.token.catalog[] | select(.type == $t) | .endpoints[] | select(.interface == "public") | .url' <<<"$resp" | head -1; }
  NOVA_URL=$(endpoint compute) CINDER_URL=$(endpoint volumev3) GLANCE_URL=$(endpoint image)
  [ -n "$NOVA_URL" ] && [ -n "$CINDER_URL" ] && [ -n "$GLANCE_URL" ] || die "the catalog lacks compute, volumev3 or image"
}

# api_get URL: the body of an authenticated GET; api_status URL: its status.
api_get() { curl -sS -H "X-Auth-Token: $API_TOKEN" -H 'OpenStack-API-Version: compute 2.1' "$1"; }
api_status() { curl -sS -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $API_TOKEN" "$1"; }

# tf_check: none of the resources the apply made is left in the APIs,
# nothing named $prefix-* either, and no RBD image of theirs (a volume's
# volume-ID, a server's ID_disk, an image's ID) in any pool.
tf_check() {
  api_login
  local left=() kind id url code
  if [ -s "$work/ids" ]; then
    while read -r kind id; do
      case $kind in
        server) url=$NOVA_URL/servers/$id ;;
        flavor) url=$NOVA_URL/flavors/$id ;;
        keypair) url=$NOVA_URL/os-keypairs/$id ;;
        volume) url=$CINDER_URL/volumes/$id ;;
        image) url=$GLANCE_URL/v2/images/$id ;;
        project) url=$OS_AUTH_URL/projects/$id ;;
      esac
      code=$(api_status "$url")
      case $code in
        404) ;;
        200) left+=("$kind $id") ;;
        *) die "GET $url answered $code (expected 404 after destroy)" ;;
      esac
    done <"$work/ids"
    CEPH_CONF=$STACK_DIR/ceph/ceph.conf rbd ls volumes >/dev/null || die "rbd ls fails: cannot check RBD"
    local pool ids
    ids=$(awk '$1 != "keypair" && $1 != "project" && $1 != "flavor" {print $2}' "$work/ids" | paste -sd'|')
    for pool in images volumes vms backups; do
      while read -r name; do
        [ -n "$name" ] && left+=("rbd $pool/$name")
      done < <(CEPH_CONF=$STACK_DIR/ceph/ceph.conf rbd ls "$pool" | grep -E "$ids" || true)
    done
    echo "check: $(wc -l <"$work/ids") resources of the apply gone from the APIs and RBD"
  fi
  local names
  names=$({
    api_get "$NOVA_URL/servers?all_tenants=1" | jq -r '.servers[].name'
    api_get "$CINDER_URL/volumes?all_tenants=1" | jq -r '.volumes[].name // empty'
    api_get "$GLANCE_URL/v2/images?limit=1000" | jq -r '.images[].name // empty'
    api_get "$NOVA_URL/flavors?is_public=None" | jq -r '.flavors[].name'
    api_get "$NOVA_URL/os-keypairs" | jq -r '.keypairs[].keypair.name'
    api_get "$OS_AUTH_URL/projects" | jq -r '.projects[].name'
  } | grep "^$prefix-" || true)
  [ -z "$names" ] || left+=($names)
  [ ${#left[@]} -eq 0 ] || die "left behind after destroy: ${left[*]}"
  echo "check: nothing named $prefix-* left in the APIs"
}

case $step in
  apply) tf_apply ;;
  destroy) tf_destroy ;;
  check) tf_check ;;
  all)
    # A failed apply or plan still destroys what it made, then fails.
    ( tf_apply ) || { tf_destroy || true; tf_check || true; die "terraform example failed"; }
    tf_destroy
    tf_check
    log "terraform: example applied, re-planned clean, destroyed, nothing left (${SECONDS}s)"
    ;;
  *) die "unknown step '$step' (apply, destroy, check)" ;;
esac
