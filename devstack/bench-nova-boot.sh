#!/usr/bin/env bash
# Benchmark the compute control plane against the dev cloud (`make dev`
# first): time from POST /servers to the libvirt domain started (the
# driver's "instance spawned" log line, right after the domain's start),
# and to ACTIVE (nova-compute's "instance built" line, written once the
# conductor recorded ACTIVE), p50/p95 over SEQ sequential boots (each waits
# for ACTIVE before the next; all deleted afterwards) and PAR concurrent
# ones, and over SEQ sequential boots each deleted before the next (the
# control plane alone). Guest boot is excluded. The tiny image and a
# 128 MB flavor are created for the run and removed after it.
#
#   devstack/bench-nova-boot.sh
#
# Knobs: SEQ (20), PAR (10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"
SEQ=${SEQ:-20}
PAR=${PAR:-10}
for t in openstack /usr/bin/python3; do command -v "$t" >/dev/null || die "$t is not installed"; done
[ -f "$REPO_DIR/openrc" ] || die "no $REPO_DIR/openrc: run 'make dev' first"
# shellcheck disable=SC1091
source "$REPO_DIR/openrc"
tiny=$REPO_DIR/.cache/images/tiny.raw
[ -f "$tiny" ] || die "no tiny image at $tiny: run 'make dev' first"

# A project of its own, with room for the boots whatever else runs.
project=bench-nova-boot
openstack project show "$project" >/dev/null 2>&1 || openstack project create "$project" >/dev/null
openstack role add --user "$OS_USERNAME" --user-domain "${OS_USER_DOMAIN_NAME:-Default}" --project "$project" admin >/dev/null
openstack quota set --instances $((SEQ + PAR + 10)) --cores $((2 * (SEQ + PAR) + 10)) --ram $((256 * (SEQ + PAR) + 1024)) "$project" >/dev/null
export OS_PROJECT_NAME=$project
unset OS_PROJECT_ID OS_TENANT_NAME OS_TENANT_ID

name=bench-boot-$$
image=$(openstack image create --disk-format raw --container-format bare --file "$tiny" "$name" -f value -c id)
flavor=$(openstack flavor create --ram 128 --disk 1 --vcpus 1 "$name" -f value -c id)
cleanup() {
  openstack image delete "$image" >/dev/null 2>&1 || true
  openstack flavor delete "$flavor" >/dev/null 2>&1 || true
}
trap cleanup EXIT
token=$(openstack token issue -f value -c id)
endpoint=$(openstack catalog show compute -f json | /usr/bin/python3 -c \
  'import json,sys; print(next(e["url"] for e in json.load(sys.stdin)["endpoints"] if e["interface"]=="public"))')

TOKEN=$token ENDPOINT=$endpoint IMAGE=$image FLAVOR=$flavor NAME=$name SEQ=$SEQ PAR=$PAR \
  LOG=$LOG_DIR/nova-compute.log /usr/bin/python3 -u - <<'PY'
import json, os, re, threading, time, urllib.request
from datetime import datetime

E, T = os.environ["ENDPOINT"].rstrip("/"), os.environ["TOKEN"]
H = {"X-Auth-Token": T, "Content-Type": "application/json", "OpenStack-API-Version": "compute 2.37"}

def req(method, path, body=None):
    r = urllib.request.Request(E + path, method=method, headers=H,
                               data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(r) as resp:
        data = resp.read()
        return json.loads(data) if data else None

def boot(i):
    t0 = time.time()
    s = req("POST", "/servers", {"server": {"name": f'{os.environ["NAME"]}-{i}', "imageRef": os.environ["IMAGE"],
                                            "flavorRef": os.environ["FLAVOR"], "networks": "none"}})["server"]
    while True:
        st = req("GET", "/servers/" + s["id"])["server"]["status"]
        if st in ("ACTIVE", "ERROR"):
            break
        time.sleep(0.05)
    if st == "ERROR":
        raise SystemExit(f"server {s['id']} went to ERROR")
    return s["id"], t0

def log_times(ids):
    want, out = set(ids), {}
    pat = re.compile(r'^time=(\S+) .*msg="(instance spawned|compute: instance built)" .*instance=(\S+)')
    with open(os.environ["LOG"], errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if m and m.group(3) in want:
                t = datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).timestamp()
                out.setdefault(m.group(3), {})["domain" if m.group(2) == "instance spawned" else "active"] = t
    return out

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round((len(xs) - 1) * p)))]

def report(label, runs):
    if not runs:
        return
    time.sleep(0.5)  # let the log lines land
    lt = log_times([i for i, _ in runs])
    dom = [(lt[i]["domain"] - t0) * 1000 for i, t0 in runs]
    act = [(lt[i]["active"] - t0) * 1000 for i, t0 in runs]
    print(f"{label}: POST->domain started p50 {pct(dom, .5):.0f} ms p95 {pct(dom, .95):.0f} ms; "
          f"POST->ACTIVE p50 {pct(act, .5):.0f} ms p95 {pct(act, .95):.0f} ms (n={len(runs)})")

def delete_all(runs):
    for i, _ in runs:
        req("DELETE", "/servers/" + i)
    for i, _ in runs:
        while True:
            try:
                req("GET", "/servers/" + i)
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    break
            time.sleep(0.2)

# Each server deleted before the next boots: the control plane alone, no
# earlier TCG guest competing for the CPUs.
alone = []
for i in range(int(os.environ["SEQ"])):
    alone.append(boot(200 + i))
    delete_all(alone[-1:])
report(f'{os.environ["SEQ"]} sequential, each deleted before the next', alone)

seq = [boot(i) for i in range(int(os.environ["SEQ"]))]
report(f'{os.environ["SEQ"]} sequential, all kept running', seq)
delete_all(seq)

par, lock = [], threading.Lock()
def one(i):
    r = boot(100 + i)
    with lock:
        par.append(r)
ts = [threading.Thread(target=one, args=(i,)) for i in range(int(os.environ["PAR"]))]
for t in ts: t.start()
for t in ts: t.join()
report(f'{os.environ["PAR"]} concurrent', par)
delete_all(par)
PY
