#!/usr/bin/env bash
# Benchmark glance-api against the dev cloud (`make dev` first):
#   - upload and download of a 1 GiB image through glance-api, against
#     `rbd import` / `rbd export` of the same file (same machine, same pool);
#   - glance-api's peak RSS (VmHWM) during them: a glance-api of its own
#     is started for the bench on BENCH_PORT with the dev config, so the
#     figure is the transfer's and nothing else's;
#   - GET /v2/images latency (default page and limit=1000) with 1000
#     images in the project.
#
#   devstack/bench-image.sh
#
# Knobs: SIZE_MIB (1024), LIST_IMAGES (1000), LIST_RUNS (30), BENCH_PORT (19292).
# Needs curl, jq and the rbd tool; cleans up its images and files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=devstack/lib/common.sh
source "$here/lib/common.sh"

SIZE_MIB=${SIZE_MIB:-1024}
LIST_IMAGES=${LIST_IMAGES:-1000}
LIST_RUNS=${LIST_RUNS:-30}
BENCH_PORT=${BENCH_PORT:-19292}
for t in curl jq rbd openstack; do command -v "$t" >/dev/null || die "$t is not installed"; done
[ -f "$REPO_DIR/openrc" ] || die "no $REPO_DIR/openrc: run 'make dev' first"
# shellcheck disable=SC1091
source "$REPO_DIR/openrc"
conf=$ETC_DIR/glance/glance.conf
[ -f "$conf" ] || die "no $conf: run 'make dev' first"
ceph_conf=$STACK_DIR/ceph/ceph.conf
rbdc() { rbd --conf "$ceph_conf" --id admin "$@"; }

work=$(mktemp -d /var/tmp/bench-image.XXXXXX)
pid=""
ids=()
token=""
url=""
cleanup() {
  # The images first, while the bench glance-api still answers.
  if [ ${#ids[@]} -gt 0 ]; then
    printf '%s\n' "${ids[@]}" | xargs -P 8 -I{} curl -s -o /dev/null -X DELETE -H "X-Auth-Token: $token" "$url/v2/images/{}" || true
  fi
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rbdc rm "images/bench-rbd-$$" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
rate() { awk -v mib="$SIZE_MIB" -v s="$1" -v e="$2" 'BEGIN { printf "%.1f MiB/s (%.2f s)", mib/(e-s), e-s }'; }

token=$(openstack token issue -f value -c id)

# A glance-api of the bench's own, on the dev config but its own port.
sed -E "s/^bind_port *=.*/bind_port = $BENCH_PORT/" "$conf" >"$work/glance.conf"
"$REPO_DIR/bin/glance-api" --config-file "$work/glance.conf" >"$work/glance-api.log" 2>&1 &
pid=$!
url=http://$HOST_IP:$BENCH_PORT
for _ in $(seq 100); do curl -s -o /dev/null "$url/" && break; sleep 0.1; done
curl -s -o /dev/null "$url/" || { tail "$work/glance-api.log"; die "bench glance-api did not start"; }
hwm() { awk '/VmHWM/ {printf "%.1f MiB", $2/1024}' "/proc/$pid/status"; }
# cpu: glance-api's user+system CPU seconds so far (a figure that load on
# the machine disturbs less than wall time).
cpu() { awk '{printf "%.2f", ($14+$15)/100}' "/proc/$pid/stat"; }
rss_idle=$(hwm)

log "bench-image: writing a ${SIZE_MIB} MiB file of random data"
dd if=/dev/urandom of="$work/disk.raw" bs=1M count="$SIZE_MIB" status=none
sync

# rbd import / export of the same file.
s=$(now); /usr/bin/time -f %U+%S -o "$work/t" rbd --conf "$ceph_conf" --id admin import --no-progress "$work/disk.raw" "images/bench-rbd-$$" >/dev/null; e=$(now)
rbd_up="$(rate "$s" "$e"), rbd CPU $(awk -F+ '{printf "%.2f", $1+$2}' "$work/t") s"
s=$(now); /usr/bin/time -f %U+%S -o "$work/t" rbd --conf "$ceph_conf" --id admin export --no-progress "images/bench-rbd-$$" - >/dev/null; e=$(now)
rbd_down="$(rate "$s" "$e"), rbd CPU $(awk -F+ '{printf "%.2f", $1+$2}' "$work/t") s"
rbdc rm --no-progress "images/bench-rbd-$$" >/dev/null

# The same through glance-api: chunked upload as the SDK/gophercloud send it.
id=$(curl -fsS -X POST -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
  -d '{"name":"bench-1g","disk_format":"raw","container_format":"bare"}' "$url/v2/images" | jq -r .id)
ids+=("$id")
c0=$(cpu); s=$(now)
curl -fsS -X PUT -H "X-Auth-Token: $token" -H 'Content-Type: application/octet-stream' \
  -T - "$url/v2/images/$id/file" <"$work/disk.raw"
e=$(now)
glance_up="$(rate "$s" "$e"), glance-api CPU $(awk -v a="$c0" -v b="$(cpu)" 'BEGIN{printf "%.2f", b-a}') s"
c0=$(cpu); s=$(now); curl -fsS -H "X-Auth-Token: $token" -o /dev/null "$url/v2/images/$id/file"; e=$(now)
glance_down="$(rate "$s" "$e"), glance-api CPU $(awk -v a="$c0" -v b="$(cpu)" 'BEGIN{printf "%.2f", b-a}') s"
rss_peak=$(hwm)
curl -fsS -o /dev/null -X DELETE -H "X-Auth-Token: $token" "$url/v2/images/$id"
ids=()
rm -f "$work/disk.raw"

# GET /v2/images with LIST_IMAGES images in the project.
log "bench-image: creating $LIST_IMAGES images"
seq "$LIST_IMAGES" | xargs -P 8 -I{} curl -fsS -X POST -H "X-Auth-Token: $token" -H 'Content-Type: application/json' \
  -d '{"name":"bench-list-{}","disk_format":"raw","container_format":"bare","bench":"yes"}' "$url/v2/images" |
  jq -r .id >"$work/ids"
mapfile -t ids <"$work/ids"
latency() { # QUERY: p50 and p95 over LIST_RUNS runs, in ms
  local q=$1 i
  for i in $(seq "$LIST_RUNS"); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -H "X-Auth-Token: $token" "$url/v2/images$q"
  done | sort -n | awk '{ a[NR] = $1 * 1000 } END { printf "p50 %.1f ms, p95 %.1f ms", a[int(NR*0.5+0.5)], a[int(NR*0.95+0.5)] }'
}
list_page=$(latency '')
list_all=$(latency '?limit=1000')
list_filter=$(latency '?bench=yes&limit=1000')
n=$(curl -fsS -H "X-Auth-Token: $token" "$url/v2/images?limit=1000&bench=yes" | jq '.images | length')

echo "bench-image (glance-api on $url, ${SIZE_MIB} MiB of random data; load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs):"
echo "  upload    glance-api PUT /file (chunked)  $glance_up"
echo "            rbd import                      $rbd_up"
echo "  download  glance-api GET /file            $glance_down"
echo "            rbd export                      $rbd_down"
echo "  glance-api peak RSS (VmHWM): idle $rss_idle, after the transfers $rss_peak"
echo "  GET /v2/images with $LIST_IMAGES images ($n listed with limit=1000), $LIST_RUNS runs:"
echo "    default page (25)         $list_page"
echo "    limit=1000                $list_all"
echo "    property filter, 1000     $list_filter"
