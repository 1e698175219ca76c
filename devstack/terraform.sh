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
work=$STACK_DIR/terraform-example
prefix=${TF_EXAMPLE_PREFIX:-tf-example}
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
  rbd_snapshot "$work/rbd.before"
  log "terraform: init"
  tofu init -no-color >"$LOG_DIR/terraform-init.log" 2>&1 || { tail -20 "$LOG_DIR/terraform-init.log"; die "tofu init failed"; }
  log "terraform: apply (log: $LOG_DIR/terraform-apply.log)"
  tofu apply -no-color -auto-approve "${vars[@]}" >"$LOG_DIR/terraform-apply.log" 2>&1 ||
    { tail -40 "$LOG_DIR/terraform-apply.log"; die "tofu apply failed"; }
  grep -E '^Apply complete' "$LOG_DIR/terraform-apply.log"
  log "terraform: second plan must show no changes"
  local rc=0
  tofu plan -no-color -detailed-exitcode "${vars[@]}" >"$LOG_DIR/terraform-plan.log" 2>&1 || rc=$?
  case $rc in
    0) echo "plan: no changes" ;;
    2) cat "$LOG_DIR/terraform-plan.log"; die "the second plan wants changes: the APIs do not read back what was applied" ;;
    *) tail -40 "$LOG_DIR/terraform-plan.log"; die "tofu plan failed" ;;
  esac
}

tf_destroy() {
  log "terraform: destroy (log: $LOG_DIR/terraform-destroy.log)"
  tofu destroy -no-color -auto-approve "${vars[@]}" >"$LOG_DIR/terraform-destroy.log" 2>&1 ||
    { tail -40 "$LOG_DIR/terraform-destroy.log"; die "tofu destroy failed"; }
  grep -E '^Destroy complete' "$LOG_DIR/terraform-destroy.log"
}

# rbd_snapshot FILE: the RBD images of every pool, one "pool/name" a line.
rbd_snapshot() {
  local pool
  for pool in images volumes vms backups; do
    CEPH_CONF=$STACK_DIR/ceph/ceph.conf rbd ls "$pool" 2>/dev/null | sed "s|^|$pool/|"
  done | sort >"$1"
}

# tf_check: nothing named $prefix-* left in the APIs, and no RBD image made
# since the apply began left in the pools.
tf_check() {
  if [ -f "$work/rbd.before" ]; then
    rbd_snapshot "$work/rbd.after"
    local extra; extra=$(comm -13 "$work/rbd.before" "$work/rbd.after")
    [ -z "$extra" ] || die "RBD images left behind after destroy: $extra"
    echo "check: no RBD image left behind"
  fi
  local left=() kind
  for kind in "server list --all-projects" "volume list --all-projects" "image list" "flavor list --all" "keypair list" "project list"; do
    # shellcheck disable=SC2086
    while read -r name; do
      [ -n "$name" ] && left+=("${kind%% *} $name")
    done < <(openstack $kind -f value -c Name 2>/dev/null | grep "^$prefix-" || true)
  done
  [ ${#left[@]} -eq 0 ] || die "left behind after destroy: ${left[*]}"
  echo "check: nothing named $prefix-* left in the APIs"
}

case $step in
  apply) tf_apply ;;
  destroy) tf_destroy ;;
  check) tf_check ;;
  all) tf_apply; tf_destroy; tf_check ;;
  *) die "unknown step '$step' (apply, destroy, check)" ;;
esac
