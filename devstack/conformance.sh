#!/usr/bin/env bash
# The external client suites against the dev cloud (`make dev` first), one
# after the other: tempest's identity, image, volume, compute and network
# API tests (devstack/tempest.sh), then gophercloud's acceptance tests
# (suite "gophercloud": devstack/gophercloud.sh). Prints "SUITE: N passed,
# N failed, N skipped" per suite, keeps each log in
# $LOG_DIR/tempest-SUITE.log (gophercloud-SUITE.log) and the summary in
# $LOG_DIR/conformance.txt (copy the figures into api-ref/CONFORMANCE.md).
# Exits non-zero when a suite has a failure not listed in its
# devstack/tempest/SUITE-known-failures.txt (devstack/gophercloud/...).
#
#   devstack/conformance.sh [SUITE...]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/tempest.sh
source "$here/lib/tempest.sh"

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(identity image volume compute network gophercloud)
summary=$LOG_DIR/conformance.txt
: >"$summary"
rc=0
for suite in "${suites[@]}"; do
  start=$(date +%s)
  if [ "$suite" = gophercloud ]; then
    bash "$here/gophercloud.sh" >"$LOG_DIR/conformance-$suite.out" 2>&1 || rc=1
    grep '^gophercloud [a-z]*: ' "$LOG_DIR/conformance-$suite.out" | tee -a "$summary"
    awk '/failures not in|ran no test/ { p = 1; print; next } p && /^    / { print; next } { p = 0 }' "$LOG_DIR/conformance-$suite.out"
    continue
  fi
  bash "$here/tempest.sh" "$suite" >"$LOG_DIR/conformance-$suite.out" 2>&1 || rc=1
  read -r _ p _ f _ s < <(tempest_counts "$LOG_DIR/tempest-$suite.log")
  line="tempest.api.$suite: $p passed, $f failed, $s skipped ($(( $(date +%s) - start )) s; log $LOG_DIR/tempest-$suite.log)"
  echo "$line" | tee -a "$summary"
  grep -A100 '^failures not in' "$LOG_DIR/conformance-$suite.out" | sed 's/^/  /' || true
done
echo "summary: $summary"
exit $rc
