# shellcheck shell=bash
# gophercloud's acceptance tests against the dev cloud: the module fetched
# from the Go module proxy at an exact version and kept, writable, in
# $GOPHERCLOUD_CACHE (its tests live under internal/, which only the module
# itself may import, so they are run from inside a copy of it); the image,
# flavors and environment the tests read (internal/acceptance/clients);
# one package's run with its log and counts. Sourced by
# devstack/gophercloud.sh after lib/common.sh; needs a running `make dev`.

GOPHERCLOUD_MODULE=github.com/gophercloud/gophercloud/v2
# The version the Terraform provider of lib/terraform.sh (v3.4.0) is built
# with, so both clients of the dev cloud are the same code.
GOPHERCLOUD_VERSION=${GOPHERCLOUD_VERSION:-v2.8.0}
GOPHERCLOUD_CACHE=${GOPHERCLOUD_CACHE:-$REPO_DIR/.cache/gophercloud}
GOPHERCLOUD_DIR=$GOPHERCLOUD_CACHE/gophercloud-$GOPHERCLOUD_VERSION

# The suites: name and package (under internal/acceptance/openstack).
declare -A GOPHERCLOUD_PACKAGES=(
  [identity]=identity/v3
  [image]=image/v2
  [blockstorage]=blockstorage/v3
  [compute]=compute/v2
)
GOPHERCLOUD_SUITES=(identity image blockstorage compute)

# gophercloud_install: the module copied out of the read-only module cache
# into $GOPHERCLOUD_DIR and its dependencies downloaded. Prints nothing when
# it is cached.
gophercloud_install() {
  [ -f "$GOPHERCLOUD_DIR/.complete" ] && return 0
  local logf=$LOG_DIR/gophercloud-install.log dir work
  log "gophercloud: fetching $GOPHERCLOUD_MODULE@$GOPHERCLOUD_VERSION (once; log: $logf)"
  mkdir -p "$GOPHERCLOUD_CACHE"
  dir=$(GOFLAGS= go mod download -json "$GOPHERCLOUD_MODULE@$GOPHERCLOUD_VERSION" 2>>"$logf" |
    sed -nE 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
  [ -n "$dir" ] && [ -d "$dir" ] || die "go mod download $GOPHERCLOUD_MODULE@$GOPHERCLOUD_VERSION failed (log: $logf)"
  work=$(mktemp -d "$GOPHERCLOUD_CACHE/fetch.XXXXXX")
  cp -r "$dir/." "$work/"
  chmod -R u+w "$work"
  (cd "$work" && GOFLAGS=-mod=mod go mod download) >>"$logf" 2>&1 ||
    { rm -rf "$work"; tail -20 "$logf"; die "downloading gophercloud's dependencies failed (log: $logf)"; }
  rm -rf "$GOPHERCLOUD_DIR"
  mv "$work" "$GOPHERCLOUD_DIR"
  touch "$GOPHERCLOUD_DIR/.complete"
}

# gophercloud_env: the image and the two flavors the compute tests boot
# (made once as admin, found by name afterwards) and the environment of
# internal/acceptance/clients, exported. openrc gives the OS_* credentials.
gophercloud_env() {
  local image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw} ids
  [ -s "$image" ] || die "gophercloud: no tiny image at $image (make image)"
  # shellcheck disable=SC1091
  source "$REPO_DIR/openrc"
  (
    openstack image show gophercloud-tiny -f value -c id >/dev/null 2>&1 ||
      openstack image create --public --disk-format raw --container-format bare --file "$image" gophercloud-tiny >/dev/null
    openstack flavor show gophercloud.tiny >/dev/null 2>&1 || openstack flavor create --ram 128 --vcpus 1 --disk 1 gophercloud.tiny >/dev/null
    openstack flavor show gophercloud.tiny2 >/dev/null 2>&1 || openstack flavor create --ram 192 --vcpus 1 --disk 1 gophercloud.tiny2 >/dev/null
  ) >>"$LOG_DIR/gophercloud-env.log" 2>&1 || die "gophercloud: could not make its image and flavors (log: $LOG_DIR/gophercloud-env.log)"
  ids=$(
    openstack image show gophercloud-tiny -f value -c id
    openstack flavor show gophercloud.tiny -f value -c id
    openstack flavor show gophercloud.tiny2 -f value -c id
    openstack network show private -f value -c id
  ) || die "gophercloud: could not read its image, flavors and the network 'private'"
  read -r OS_IMAGE_ID OS_FLAVOR_ID OS_FLAVOR_ID_RESIZE OS_EXTGW_ID <<<"$(echo $ids)"
  # The flat provider model has no external network and no floating IP
  # pool; the tests of these four packages do not use them, but the
  # clients refuse to start without both set: the provider network stands
  # in for them.
  OS_NETWORK_NAME=private OS_POOL_NAME=private
  # gophercloud authenticates with OS_DOMAIN_ID (user and project domain).
  OS_DOMAIN_ID=default
  # What the release checks compare with: our services copy Zed.
  OS_BRANCH=stable/zed
  # Two compute hosts on shared (RBD) storage: live migration is served.
  OS_LIVE_MIGRATE=1
  export OS_IMAGE_ID OS_FLAVOR_ID OS_FLAVOR_ID_RESIZE OS_EXTGW_ID OS_NETWORK_NAME OS_POOL_NAME \
    OS_DOMAIN_ID OS_BRANCH OS_LIVE_MIGRATE
  unset OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME
}

# gophercloud_run SUITE LOG: `go test` of SUITE's package, one test at a
# time, its whole output in LOG; the exit status is go test's.
gophercloud_run() {
  local suite=$1 logf=$2 pkg
  pkg=./internal/acceptance/openstack/${GOPHERCLOUD_PACKAGES[$suite]:?unknown suite $suite}
  log "gophercloud: go test $pkg; log: $logf"
  (cd "$GOPHERCLOUD_DIR" && GOFLAGS=-mod=mod go test -tags "fixtures acceptance" -count=1 -v -p 1 -parallel 1 \
    -timeout "${GOPHERCLOUD_TIMEOUT:-60m}" ${GOPHERCLOUD_RUN:+-run "$GOPHERCLOUD_RUN"} "$pkg") >"$logf" 2>&1
}

# gophercloud_results LOG: "STATUS TEST" for every top-level test (PASS,
# FAIL or SKIP; subtests are indented in go test -v's output), and "FAIL
# TEST" for a test that started but never ended (a panic or a timeout).
gophercloud_results() {
  awk '/^=== RUN   [^\/]+$/ { run[$3] = 1 }
       /^--- (PASS|FAIL|SKIP): / { done[$3] = 1; print $2, $3 }
       END { for (t in run) if (!(t in done)) print "FAIL:", t }' "$1" | tr -d : | sort -k2
}

# gophercloud_counts LOG: "N passed, N failed, N skipped".
gophercloud_counts() {
  gophercloud_results "$1" | awk '{ n[$1]++ } END { printf "%d passed, %d failed, %d skipped\n", n["PASS"], n["FAIL"], n["SKIP"] }'
}

# gophercloud_failures LOG: the failed tests, one a line.
gophercloud_failures() { gophercloud_results "$1" | awk '$1 == "FAIL" { print $2 }'; }

# gophercloud_unexpected LOG KNOWN: the failures matching no regex in KNOWN
# (a file of "regex  # reason" lines, the format of devstack/tempest).
gophercloud_unexpected() {
  local logf=$1 known=$2 pats
  pats=$(sed -E 's/[[:space:]]*#.*$//' "$known" | grep -v '^[[:space:]]*$' || true)
  if [ -z "$pats" ]; then
    gophercloud_failures "$logf"
  else
    gophercloud_failures "$logf" | grep -Ev -f <(printf '%s\n' "$pats") || true
  fi
}
