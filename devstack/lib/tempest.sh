# shellcheck shell=bash
# Tempest against the dev cloud: install (Debian packages), a workspace
# under $STACK_DIR/tempest with a tempest.conf describing what this cloud
# serves, and a run of one test regex with its log and counts. Sourced by
# devstack/tempest.sh after lib/common.sh; needs a running `make dev`.

TEMPEST_DIR=$STACK_DIR/tempest
TEMPEST_PACKAGES=(tempest keystone-tempest-plugin glance-tempest-plugin cinder-tempest-plugin)
# Tempest's Python lives in Debian's dist-packages: use the system
# interpreter even when another python3 (pyenv, venv) comes first in PATH.
TEMPEST_PYTHON=/usr/bin/python3

tempest_install() {
  local missing=() p
  for p in "${TEMPEST_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "tempest is not installed and installing it needs root: apt-get install ${missing[*]}"
  log "tempest: installing ${missing[*]}"
  apt-get update -q >"$LOG_DIR/apt.log" 2>&1 || { tail -20 "$LOG_DIR/apt.log"; die "apt-get update failed"; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 ||
    { tail -20 "$LOG_DIR/apt.log"; die "apt-get install failed (log: $LOG_DIR/apt.log)"; }
}

# tempest_workspace: `tempest init` once; tempest.conf is rewritten on
# every run so that it follows the stack's secrets and addresses.
tempest_workspace() {
  if [ ! -f "$TEMPEST_DIR/.stestr.conf" ]; then
    rm -rf "$TEMPEST_DIR"
    (cd /tmp && PATH=/usr/bin:$PATH tempest init "$TEMPEST_DIR") >>"$LOG_DIR/tempest-init.log" 2>&1 ||
      die "tempest init failed (log: $LOG_DIR/tempest-init.log)"
    log "tempest: workspace $TEMPEST_DIR"
  fi
  tempest_conf_vars
  tempest_conf >"$TEMPEST_DIR/etc/tempest.conf.tmp"
  chmod 0600 "$TEMPEST_DIR/etc/tempest.conf.tmp"
  mv "$TEMPEST_DIR/etc/tempest.conf.tmp" "$TEMPEST_DIR/etc/tempest.conf"
}

# tempest_conf_vars: what the service templates name besides the stack's
# address. With Nova up, tempest needs two images and two flavors that
# exist: the tiny guest image (public, raw) and two small flavors, made
# once as admin and found by name afterwards.
tempest_conf_vars() {
  TEMPEST_IMAGE_REF="" TEMPEST_IMAGE_REF_ALT="" TEMPEST_FLAVOR_REF="" TEMPEST_FLAVOR_REF_ALT=""
  tempest_service_up nova || return 0
  local image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw}
  [ -s "$image" ] || die "tempest: no tiny image at $image (make image)"
  (
    # shellcheck disable=SC1091
    source "$REPO_DIR/openrc"
    for name in tempest-tiny tempest-tiny-alt; do
      openstack image show "$name" -f value -c id >/dev/null 2>&1 ||
        openstack image create --public --disk-format raw --container-format bare --file "$image" "$name" >/dev/null
    done
    openstack flavor show tempest.tiny >/dev/null 2>&1 || openstack flavor create --ram 128 --vcpus 1 --disk 1 tempest.tiny >/dev/null
    openstack flavor show tempest.tiny2 >/dev/null 2>&1 || openstack flavor create --ram 192 --vcpus 1 --disk 1 tempest.tiny2 >/dev/null
  ) >>"$LOG_DIR/tempest-init.log" 2>&1 || die "tempest: could not make its images and flavors (log: $LOG_DIR/tempest-init.log)"
  local ids
  ids=$(
    # shellcheck disable=SC1091
    source "$REPO_DIR/openrc"
    openstack image show tempest-tiny -f value -c id
    openstack image show tempest-tiny-alt -f value -c id
    openstack flavor show tempest.tiny -f value -c id
    openstack flavor show tempest.tiny2 -f value -c id
  ) || die "tempest: could not read its images and flavors"
  read -r TEMPEST_IMAGE_REF TEMPEST_IMAGE_REF_ALT TEMPEST_FLAVOR_REF TEMPEST_FLAVOR_REF_ALT <<<"$(echo $ids)"
  export TEMPEST_IMAGE_REF TEMPEST_IMAGE_REF_ALT TEMPEST_FLAVOR_REF TEMPEST_FLAVOR_REF_ALT
}

# tempest_service_up NAME: whether the dev stack's NAME API answers.
tempest_service_up() {
  local port
  case $1 in
    glance) port=9292 ;; cinder) port=8776 ;; nova) port=8774 ;; neutron) port=9696 ;; *) return 1 ;;
  esac
  curl -fsS -o /dev/null --max-time 5 "http://$HOST_IP:$port/" 2>/dev/null ||
    curl -sS -o /dev/null --max-time 5 -w '%{http_code}' "http://$HOST_IP:$port/" 2>/dev/null | grep -q '^300$'
}

# tempest_conf: the cloud as tempest should see it. Feature flags say what
# our keystone implements (api-ref/identity/README.md); each other service
# that answers is marked available, and its sections come from
# devstack/tempest/<service>.conf (a template rendered like the service
# configs: @HOST_IP@, @REGION@ and the variables tempest_conf_vars sets).
tempest_conf() {
  local svc avail
  declare -A avail=()
  for svc in glance cinder nova; do
    avail[$svc]=false
    tempest_service_up "$svc" && avail[$svc]=true
  done
  # The network API is offered to the network and compute suites (Nova
  # attaches servers to it: tempest then skips the nova-network tests);
  # the image and volume suites would start network tests of their own.
  avail[neutron]=false
  case ${suite:-} in network | compute) tempest_service_up neutron && avail[neutron]=true ;; esac
  cat <<CONF
# Written by devstack/lib/tempest.sh; rewritten on every run.
[DEFAULT]
log_file = tempest.log
debug = true

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = admin
admin_password = $(secret admin_password)
admin_project_name = admin
admin_domain_name = Default
admin_user_domain_name = Default
admin_project_domain_name = Default

[identity]
uri_v3 = http://$HOST_IP:5000/v3
auth_version = v3
region = $REGION
v3_endpoint_type = public
admin_role = admin
default_domain_id = default

[identity-feature-enabled]
api_v2 = false
api_v2_admin = false
api_v3 = true
# OS-INHERIT: inherited grants; OS-EC2: /v3/users/{id}/credentials/OS-EC2.
api_extensions = OS-INHERIT,OS-EC2
application_credentials = true
access_rules = false
trust = false
project_tags = true
security_compliance = false
domain_specific_drivers = false
immutable_user_source = false

[service_available]
keystone = true
nova = ${avail[nova]}
glance = ${avail[glance]}
cinder = ${avail[cinder]}
neutron = ${avail[neutron]}
swift = false
horizon = false

[validation]
run_validation = false

[enforce_scope]
keystone = false
CONF
  for svc in glance cinder nova neutron; do
    [ "${avail[$svc]}" = true ] && [ -f "$REPO_DIR/devstack/tempest/$svc.conf" ] || continue
    render "$REPO_DIR/devstack/tempest/$svc.conf" "$TEMPEST_DIR/etc/$svc.part"
    echo
    cat "$TEMPEST_DIR/etc/$svc.part"
  done
}

# tempest_run REGEX LOG CONCURRENCY: run the tests matching REGEX, keep the
# whole output in LOG, print the totals; the exit status is tempest's.
tempest_run() {
  local regex=$1 logf=$2 conc=${3:-2} rc=0
  log "tempest: running '$regex' (concurrency $conc); log: $logf"
  (cd "$TEMPEST_DIR" && PATH=/usr/bin:$PATH PYTHON=$TEMPEST_PYTHON \
    tempest run --regex "$regex" --concurrency "$conc") >"$logf" 2>&1 || rc=$?
  return $rc
}

# tempest_counts LOG: "passed N failed N skipped N" from subunit-trace's totals.
tempest_counts() {
  local logf=$1 p f s
  p=$(grep -Eo '^ - Passed: [0-9]+' "$logf" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  f=$(grep -Eo '^ - Failed: [0-9]+' "$logf" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  s=$(grep -Eo '^ - Skipped: [0-9]+' "$logf" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  printf 'passed %s failed %s skipped %s\n' "$p" "$f" "$s"
}

# tempest_listed REGEX: how many tests REGEX selects. subunit-trace counts
# a class skipped or failed in its setup as one result; this is the
# number of tests, as upstream's figures are given.
tempest_listed() {
  (cd "$TEMPEST_DIR" && PATH=/usr/bin:$PATH tempest run --list-tests --regex "$1" 2>/dev/null) | grep -c '^tempest\.' || true
}

# tempest_failures LOG: the ids of the failed tests, one a line, sorted.
tempest_failures() {
  { grep -E '\.\.\. FAILED$' "$1" || true; } | sed -E 's/^\{[0-9]+\} //; s/ \[[^]]*\] \.\.\. FAILED$//; s/\[[^]]*\]$//' | sort -u
}

# tempest_unexpected LOG KNOWN: the failures that match no regex in KNOWN
# (a file of "regex  # reason" lines).
tempest_unexpected() {
  local logf=$1 known=$2 pats
  pats=$(sed -E 's/[[:space:]]*#.*$//' "$known" | grep -v '^[[:space:]]*$' || true)
  if [ -z "$pats" ]; then
    tempest_failures "$logf"
  else
    tempest_failures "$logf" | grep -Ev -f <(printf '%s\n' "$pats") || true
  fi
}
