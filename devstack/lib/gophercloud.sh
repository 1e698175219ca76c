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
# The tests run as admin in a project of their own: some expect to find
# only what they made there (TestVolumes pages through every volume of the
# project), and what a failed test leaves is easy to find and delete.
GOPHERCLOUD_PROJECT=${GOPHERCLOUD_PROJECT:-gophercloud}

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

# gophercloud_env: the project the tests run in (admin has the admin role
# on it), the image and the two flavors the compute tests boot (made once
# as admin, found by name afterwards) and the environment of
# internal/acceptance/clients, exported. openrc gives the OS_* credentials.
gophercloud_env() {
  local image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw} ids
  [ -s "$image" ] || die "gophercloud: no tiny image at $image (make image)"
  # shellcheck disable=SC1091
  source "$REPO_DIR/openrc"
  (
    openstack project show "$GOPHERCLOUD_PROJECT" >/dev/null 2>&1 ||
      openstack project create --domain default --description "gophercloud's acceptance tests (devstack/gophercloud.sh)" "$GOPHERCLOUD_PROJECT" >/dev/null
    openstack role add --user admin --user-domain Default --project "$GOPHERCLOUD_PROJECT" --project-domain Default admin
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
  OS_PROJECT_NAME=$GOPHERCLOUD_PROJECT
  export OS_PROJECT_NAME OS_IMAGE_ID OS_FLAVOR_ID OS_FLAVOR_ID_RESIZE OS_EXTGW_ID OS_NETWORK_NAME OS_POOL_NAME \
    OS_DOMAIN_ID OS_BRANCH OS_LIVE_MIGRATE
  unset OS_USER_DOMAIN_NAME OS_PROJECT_DOMAIN_NAME
}

# gophercloud_run SUITE LOG: `go test` of SUITE's package, one test at a
# time, its whole output in LOG; the exit status is go test's. A panic
# ends a test binary: the tests it did not reach then run in a go test of
# their own, appended to LOG, until every test has run.
gophercloud_run() {
  local suite=$1 logf=$2 pkg rc=0 all left run=${GOPHERCLOUD_RUN:-.}
  pkg=./internal/acceptance/openstack/${GOPHERCLOUD_PACKAGES[$suite]:?unknown suite $suite}
  log "gophercloud: go test $pkg; log: $logf"
  gophercloud_go_test "$pkg" "$run" >"$logf" 2>&1 || rc=$?
  while grep -q '^panic: ' "$logf"; do
    all=$(gophercloud_go_test "$pkg" "$run" -list "$run" 2>/dev/null | grep '^Test') || break
    left=$(grep -vxF -f <(sed -nE 's/^=== RUN   ([^/]+)$/\1/p' "$logf") <<<"$all" | paste -sd'|') || true
    [ -n "$left" ] || break
    log "gophercloud: a test panicked; running the $(tr '|' '\n' <<<"$left" | wc -l) tests it did not reach"
    sed -i 's/^panic: /panicked: /' "$logf"
    rc=0
    gophercloud_go_test "$pkg" "^($left)\$" >>"$logf" 2>&1 || rc=$?
  done
  return $rc
}

# gophercloud_go_test PKG REGEX [ARGS...]: go test -run REGEX in the module.
gophercloud_go_test() {
  local pkg=$1 run=$2
  shift 2
  (cd "$GOPHERCLOUD_DIR" && HTTP_PROXY=${GOPHERCLOUD_HTTP_PROXY:-} NO_PROXY= GOFLAGS=-mod=mod \
    go test -tags "fixtures acceptance" -count=1 -v -p 1 -parallel 1 -timeout "${GOPHERCLOUD_TIMEOUT:-60m}" \
    -run "$run" "$@" "$pkg")
}

# gophercloud_image_proxy_start: TestImageStage downloads its image from
# download.cirros-cloud.net, which this machine cannot reach. Go's HTTP
# client takes HTTP_PROXY from the environment and never proxies loopback
# addresses (the cloud's APIs): a proxy on loopback answers every GET of
# that host with the tiny image, and refuses anything else; gophercloud_run
# gives the tests its address. gophercloud_image_proxy_stop ends it.
gophercloud_image_proxy_start() {
  local image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw} port_file
  port_file=$(mktemp)
  /usr/bin/python3 - "$image" "$port_file" >>"$LOG_DIR/gophercloud-proxy.log" 2>&1 <<'PY' &
import http.server, sys, urllib.parse
image, port_file = sys.argv[1], sys.argv[2]
class Proxy(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if urllib.parse.urlsplit(self.path).hostname != "download.cirros-cloud.net":
            self.send_error(403, "only download.cirros-cloud.net is served here")
            return
        with open(image, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
srv = http.server.HTTPServer(("127.0.0.1", 0), Proxy)
with open(port_file, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
PY
  GOPHERCLOUD_PROXY_PID=$!
  local i
  for ((i = 0; i < 40; i++)); do [ -s "$port_file" ] && break; sleep 0.25; done
  [ -s "$port_file" ] || die "gophercloud: the image proxy did not start (log: $LOG_DIR/gophercloud-proxy.log)"
  GOPHERCLOUD_HTTP_PROXY=http://127.0.0.1:$(cat "$port_file")
  rm -f "$port_file"
}

gophercloud_image_proxy_stop() {
  [ -n "${GOPHERCLOUD_PROXY_PID:-}" ] && kill "$GOPHERCLOUD_PROXY_PID" 2>/dev/null || true
}

# gophercloud_cleanup: delete what the tests left in their project
# (servers, then backups, snapshots and volumes, then images) and print
# what that was, if anything. The tests defer their deletes, but a
# delete can fail too (a server in ERROR, a volume still attached, a
# panic).
gophercloud_cleanup() {
  (
    # shellcheck disable=SC1091
    source "$REPO_DIR/openrc"
    export OS_PROJECT_NAME=$GOPHERCLOUD_PROJECT
    local id pid
    pid=$(openstack project show "$GOPHERCLOUD_PROJECT" -f value -c id)
    for id in $(openstack server list -f value -c ID); do
      echo "server $id"
      openstack server delete --wait "$id" >&2 || true
    done
    for id in $(openstack volume backup list -f value -c ID); do
      echo "backup $id"
      openstack volume backup delete --force "$id" >&2 || true
    done
    for id in $(openstack volume snapshot list -f value -c ID); do
      echo "snapshot $id"
      openstack volume snapshot delete --force "$id" >&2 || true
    done
    for id in $(openstack volume list -f value -c ID); do
      echo "volume $id"
      openstack volume set --state available --detached "$id" >&2 2>/dev/null || true
      openstack volume delete --force "$id" >&2 || true
    done
    for id in $(openstack image list --property owner="$pid" -f value -c ID); do
      echo "image $id"
      openstack image set --unprotected "$id" >&2 2>/dev/null || true
      openstack image delete "$id" >&2 || true
    done
  ) 2>>"$LOG_DIR/gophercloud-cleanup.log" | sort | awk '{ n[$1]++ } END { for (k in n) printf "%s%d %s(s)", (i++ ? ", " : ""), n[k], k }'
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
