#!/usr/bin/env bash
# Load-test a keystone with wrk and print latency p50/p99 and requests/s for
#   validate      GET /v3/auth/tokens (X-Auth-Token + X-Subject-Token)
#   project-list  GET /v3/projects as the admin
#   token-issue   POST /v3/auth/tokens, password method, project scope
#                 (bcrypt-bound: the figure depends on the password hash cost)
#
#   devstack/bench-keystone.sh [OPENRC]
#
# OPENRC (default ./openrc, which `make dev` writes) holds the admin's OS_*
# variables; to measure another keystone, point it at that cloud's rc file
# (e.g. /tmp/openstack-zed/zed.env for the Zed reference on :15000).
# Knobs: DURATION (10s), THREADS (2), CONNECTIONS (16),
# ISSUE_CONNECTIONS (4; password issue is CPU-bound), TIMEOUT (30s).
# Needs wrk (Debian package wrk), curl and jq.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=${1:-$here/../openrc}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
ISSUE_CONNECTIONS=${ISSUE_CONNECTIONS:-4}
TIMEOUT=${TIMEOUT:-30s}   # wrk drops slower requests from its latency figures

die() { echo "bench-keystone: $*" >&2; exit 1; }
for t in wrk curl jq; do
  command -v "$t" >/dev/null || die "$t is not installed (apt-get install -y wrk curl jq)"
done
[ -f "$rc" ] || die "no credentials file $rc: run 'make dev' (or pass the rc file of the keystone to measure)"
# shellcheck disable=SC1090
source "$rc"
: "${OS_AUTH_URL:?$rc sets no OS_AUTH_URL}"
url=${OS_AUTH_URL%/}
curl -fsS -o /dev/null "$url" || die "keystone does not answer at $url"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The password-auth request body, project-scoped as the clients send it.
jq -n --arg u "$OS_USERNAME" --arg p "$OS_PASSWORD" --arg pr "$OS_PROJECT_NAME" \
      --arg ud "${OS_USER_DOMAIN_NAME:-Default}" --arg pd "${OS_PROJECT_DOMAIN_NAME:-Default}" \
  '{auth: {identity: {methods: ["password"], password: {user: {name: $u, domain: {name: $ud}, password: $p}}},
           scope: {project: {name: $pr, domain: {name: $pd}}}}}' > "$work/auth.json"

issue() {
  curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' --data @"$work/auth.json" "$url/auth/tokens" |
    awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, "", $2); print $2 }'
}
auth_token=$(issue); subject_token=$(issue)
[ -n "$auth_token" ] && [ -n "$subject_token" ] || die "could not get a token from $url"

# Each benchmark must answer 2xx; check once before loading it.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $auth_token" -H "X-Subject-Token: $subject_token" "$url/auth/tokens")
[ "$code" = 200 ] || die "GET /v3/auth/tokens answered $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $auth_token" "$url/projects")
[ "$code" = 200 ] || die "GET /v3/projects answered $code"

cat > "$work/issue.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$(cat "$work/auth.json")]]
EOF

# run NAME CONNECTIONS wrk-args...: prints one summary line from wrk --latency.
run() {
  local name=$1 conns=$2; shift 2
  local out=$work/$name.out
  local threads=$THREADS
  [ "$conns" -lt "$threads" ] && threads=$conns
  wrk --latency --timeout "$TIMEOUT" -d "$DURATION" -t "$threads" -c "$conns" "$@" > "$out" 2>&1 || { cat "$out" >&2; die "wrk failed for $name"; }
  awk -v name="$name" -v conns="$conns" '
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    /^Requests\/sec:/ { rps = $2 }
    /requests in/ { total = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { sock = $0 }
    END { printf "%-13s conns=%-3s p50=%-9s p99=%-9s req/s=%-9s requests=%s non-2xx=%s%s\n",
                 name, conns, p50, p99, rps, total, bad + 0, (sock ? "  " sock : "") }' "$out"
}

echo "keystone at $url; wrk $DURATION, $THREADS threads"
run validate "$CONNECTIONS" -H "X-Auth-Token: $auth_token" -H "X-Subject-Token: $subject_token" "$url/auth/tokens"
run project-list "$CONNECTIONS" -H "X-Auth-Token: $auth_token" "$url/projects"
run token-issue "$ISSUE_CONNECTIONS" -s "$work/issue.lua" "$url/auth/tokens"
nproj=$(curl -fsS -H "X-Auth-Token: $auth_token" "$url/projects" | jq '.projects | length')
echo "(project list returns $nproj projects)"
