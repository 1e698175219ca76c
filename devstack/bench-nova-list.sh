#!/usr/bin/env bash
# Benchmark nova-api's server listing against the dev cloud (`make dev`
# first): GET /servers/detail and GET /servers with N servers (default 500)
# in one project, p50/p95/p99 over sequential requests and the throughput
# of C concurrent clients, and each nova daemon's resident memory at idle
# and its peak under that load (VmRSS sampled, VmHWM).
#
# The servers are real rows made through the API by one multi-create
# (`max_count`) with a flavor no host can hold, so they go to ERROR with
# the scheduler's "No valid host" fault, as nova does; no guest runs, so
# the host's CPUs stay with the API. They are deleted afterwards.
#
#   devstack/bench-nova-list.sh
#
# Knobs: N (500 servers), REQS (50 sequential requests), C (4 clients),
# SECS (20 seconds of concurrent load).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
N=${N:-500}
REQS=${REQS:-50}
C=${C:-4}
SECS=${SECS:-20}
for t in openstack /usr/bin/python3; do command -v "$t" >/dev/null || die "$t is not installed"; done
[ -f "$REPO_DIR/openrc" ] || die "no $REPO_DIR/openrc: run 'make dev' first"
# shellcheck disable=SC1091
source "$REPO_DIR/openrc"

project=bench-nova-list
openstack project show "$project" >/dev/null 2>&1 || openstack project create "$project" >/dev/null
openstack role add --user "$OS_USERNAME" --user-domain "${OS_USER_DOMAIN_NAME:-Default}" --project "$project" admin >/dev/null
openstack quota set --instances $((N + 10)) --cores $((N + 10)) --ram $((4194304 * (N + 1))) "$project" >/dev/null
export OS_PROJECT_NAME=$project
unset OS_PROJECT_ID OS_TENANT_NAME OS_TENANT_ID

name=bench-list-$$
tiny=$REPO_DIR/.cache/images/tiny.raw
[ -f "$tiny" ] || die "no tiny image at $tiny: run 'make dev' first"
image=$(openstack image create --disk-format raw --container-format bare --file "$tiny" "$name" -f value -c id)
# 4 TiB of memory: no host passes the scheduler's RAM filter.
flavor=$(openstack flavor create --ram 4194304 --disk 1 --vcpus 1 "$name" -f value -c id)
cleanup() {
  openstack image delete "$image" >/dev/null 2>&1 || true
  openstack flavor delete "$flavor" >/dev/null 2>&1 || true
}
trap cleanup EXIT
token=$(openstack token issue -f value -c id)
endpoint=$(openstack catalog show compute -f json | /usr/bin/python3 -c \
  'import json,sys; print(next(e["url"] for e in json.load(sys.stdin)["endpoints"] if e["interface"]=="public"))')

pids=""
for d in nova-api nova-conductor nova-scheduler nova-compute; do
  [ -f "$RUN_DIR/$d.pid" ] && pids="$pids $d=$(cat "$RUN_DIR/$d.pid")"
done

TOKEN=$token ENDPOINT=$endpoint IMAGE=$image FLAVOR=$flavor NAME=$name N=$N REQS=$REQS C=$C SECS=$SECS \
  PIDS="$pids" /usr/bin/python3 -u - <<'PY'
import json, os, threading, time, urllib.error, urllib.request

E, T = os.environ["ENDPOINT"].rstrip("/"), os.environ["TOKEN"]
H = {"X-Auth-Token": T, "Content-Type": "application/json", "OpenStack-API-Version": "compute 2.37"}
N, REQS, C, SECS = (int(os.environ[k]) for k in ("N", "REQS", "C", "SECS"))
PIDS = dict(p.split("=") for p in os.environ["PIDS"].split())

def req(method, path, body=None):
    r = urllib.request.Request(E + path, method=method, headers=H,
                               data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(r, timeout=120) as resp:
        data = resp.read()
        return json.loads(data) if data else None, len(data)

def mem(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) // 1024
    return 0

def servers():
    return req("GET", "/servers/detail?limit=1000")[0]["servers"]

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round((len(xs) - 1) * p)))]

t0 = time.time()
req("POST", "/servers", {"server": {"name": os.environ["NAME"], "imageRef": os.environ["IMAGE"],
                                    "flavorRef": os.environ["FLAVOR"], "networks": "none",
                                    "min_count": N, "max_count": N}})
while True:
    ss = servers()
    if len(ss) >= N and all(s["status"] == "ERROR" for s in ss):
        break
    time.sleep(1)
print(f"{N} servers made (one multi-create, all ERROR: no valid host) in {time.time() - t0:.1f} s")
time.sleep(2)

idle = {d: mem(p, "VmRSS") for d, p in PIDS.items()}

for path in ("/servers/detail?limit=1000", "/servers?limit=1000"):
    lat, size = [], 0
    for _ in range(REQS):
        s = time.perf_counter()
        body, size = req("GET", path)
        lat.append((time.perf_counter() - s) * 1000)
    assert len(next(iter(body.values()))) >= N
    print(f"GET {path} ({N} servers, {size // 1024} KiB): p50 {pct(lat, .5):.0f} ms "
          f"p95 {pct(lat, .95):.0f} ms p99 {pct(lat, .99):.0f} ms (n={REQS}, sequential)")

peak = dict(idle)
done, count, lock = time.time() + SECS, [0], threading.Lock()
lat = []
def client():
    while time.time() < done:
        s = time.perf_counter()
        req("GET", "/servers/detail?limit=1000")
        with lock:
            count[0] += 1
            lat.append((time.perf_counter() - s) * 1000)
ts = [threading.Thread(target=client) for _ in range(C)]
for t in ts: t.start()
while any(t.is_alive() for t in ts):
    for d, p in PIDS.items():
        peak[d] = max(peak[d], mem(p, "VmRSS"))
    time.sleep(0.1)
print(f"GET /servers/detail, {C} concurrent clients for {SECS} s: {count[0] / SECS:.1f} req/s, "
      f"p50 {pct(lat, .5):.0f} ms p95 {pct(lat, .95):.0f} ms")
for d in PIDS:
    print(f"  {d:15s} RSS idle {idle[d]:4d} MiB, peak under load {peak[d]:4d} MiB (VmHWM {mem(PIDS[d], 'VmHWM')} MiB)")

t0 = time.time()
ids = [s["id"] for s in servers()]
for i in ids:
    req("DELETE", "/servers/" + i)
while servers():
    time.sleep(1)
print(f"{len(ids)} servers deleted in {time.time() - t0:.1f} s")
PY
