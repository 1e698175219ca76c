#!/usr/bin/env bash
# Run one of tempest's API suites against the dev cloud (`make dev` first).
#
#   devstack/tempest.sh SUITE [REGEX]
#
# SUITE is identity, image, volume or compute. Installs tempest if missing,
# (re)writes the workspace $STACK_DIR/tempest, runs `tempest run --regex
# REGEX` (default '^tempest.api.SUITE'), saves the output in
# $LOG_DIR/tempest-SUITE.log and prints the counts and the failures. Exits
# non-zero when a test fails that is not listed, with its reason, in
# devstack/tempest/SUITE-known-failures.txt.
# TEMPEST_CONCURRENCY (default 2) sets the number of workers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
# shellcheck source=devstack/lib/tempest.sh
source "$here/lib/tempest.sh"

suite=${1:?usage: devstack/tempest.sh identity|image|volume|compute|network [REGEX]}
regex=${2:-"^tempest.api.$suite"}
known=$here/tempest/$suite-known-failures.txt
[ -f "$known" ] || known=/dev/null
logf=$LOG_DIR/tempest-$suite.log

curl -fsS -o /dev/null "http://$HOST_IP:5000/v3" || die "keystone does not answer on http://$HOST_IP:5000/v3: run 'make dev' first"
tempest_install
tempest_workspace
rc=0
tempest_run "$regex" "$logf" "${TEMPEST_CONCURRENCY:-2}" || rc=$?
cp "$logf" "$TEMPEST_DIR/$suite-$(date +%Y%m%dT%H%M%S).log"

echo "tempest $regex: $(tempest_counts "$logf") (log: $logf)"
echo "  per test: $(grep -cE '\.\.\. ok$' "$logf" || true) of $(tempest_listed "$regex") listed tests passed"
if [ "$rc" != 0 ]; then
  grep -q '^ - Passed: ' "$logf" || { tail -30 "$logf"; die "tempest did not run (exit $rc; log: $logf)"; }
  echo "failed:"
  tempest_failures "$logf" | sed 's/^/  /'
fi
unexpected=$(tempest_unexpected "$logf" "$known")
if [ -n "$unexpected" ]; then
  echo "failures not in $known:"
  printf '%s\n' "$unexpected" | sed 's/^/  /'
  exit 1
fi
