#!/usr/bin/env bash
# Run gophercloud's own acceptance tests against the dev cloud (`make dev`
# first).
#
#   devstack/gophercloud.sh [SUITE...]
#
# SUITE is identity, image, blockstorage or compute (default: all four, in
# that order): the packages internal/acceptance/openstack/{identity/v3,
# image/v2,blockstorage/v3,compute/v2} of github.com/gophercloud/gophercloud/v2
# at $GOPHERCLOUD_VERSION, fetched once into .cache/gophercloud
# (lib/gophercloud.sh). Each runs with `go test -tags acceptance -count=1 -v`,
# one test at a time, as admin (openrc) with an image, two flavors and the
# network "private"; the output goes to $LOG_DIR/gophercloud-SUITE.log.
# Prints "gophercloud SUITE: N passed, N failed, N skipped" (top-level
# tests) and the failures. Exits non-zero when a test fails that is not
# listed, with its reason, in devstack/gophercloud/SUITE-known-failures.txt.
# GOPHERCLOUD_RUN=REGEX runs only the matching tests (go test -run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/gophercloud.sh
source "$here/lib/gophercloud.sh"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=("${GOPHERCLOUD_SUITES[@]}")
for suite in "${suites[@]}"; do
  [ -n "${GOPHERCLOUD_PACKAGES[$suite]:-}" ] || die "unknown suite '$suite' (${GOPHERCLOUD_SUITES[*]})"
done
[ -f "$REPO_DIR/openrc" ] || die "no openrc: run 'make dev' first"
curl -fsS -o /dev/null "http://$HOST_IP:5000/v3" || die "keystone does not answer on http://$HOST_IP:5000/v3: run 'make dev' first"
gophercloud_install
gophercloud_env
gophercloud_image_proxy_start
trap gophercloud_image_proxy_stop EXIT

status=0
for suite in "${suites[@]}"; do
  logf=$LOG_DIR/gophercloud-$suite.log
  known=$here/gophercloud/$suite-known-failures.txt
  [ -f "$known" ] || known=/dev/null
  start=$(date +%s) rc=0
  gophercloud_run "$suite" "$logf" || rc=$?
  echo "gophercloud $suite: $(gophercloud_counts "$logf") ($(($(date +%s) - start)) s; log: $logf)"
  left=$(gophercloud_cleanup)
  [ -z "$left" ] || echo "  left behind by the tests, deleted: $left"
  if [ "$rc" != 0 ] && ! grep -qE '^--- (PASS|FAIL|SKIP): ' "$logf"; then
    tail -30 "$logf"
    echo "gophercloud $suite: go test ran no test (exit $rc; log: $logf)" >&2
    status=1
    continue
  fi
  failed=$(gophercloud_failures "$logf")
  [ -z "$failed" ] || { echo "  failed:"; printf '%s\n' "$failed" | sed 's/^/    /'; }
  unexpected=$(gophercloud_unexpected "$logf" "$known")
  if [ -n "$unexpected" ]; then
    echo "  failures not in $known:"
    printf '%s\n' "$unexpected" | sed 's/^/    /'
    status=1
  fi
done
exit $status
