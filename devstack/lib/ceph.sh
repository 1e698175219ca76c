# shellcheck shell=bash
# A one-node Ceph cluster with cephx under $STACK_DIR/ceph: one mon, one mgr
# and one bluestore OSD on a sparse file (data survives restarts), pools
# images, volumes, vms and backups, and one client user per service with
# upstream-like caps. Every client finds its keyring through the
# `keyring = .../$cluster.$name.keyring` line of the generated ceph.conf.

CEPH_DIR=$STACK_DIR/ceph
CEPH_CONF_FILE=$CEPH_DIR/ceph.conf
CEPH_OSD_SIZE=${CEPH_OSD_SIZE:-40G}
CEPH_POOLS=(images volumes vms backups)

# Service users and their caps, as the upstream install guides give them.
# nova writes to images for direct snapshots (createImage on RBD).
declare -A CEPH_USERS=(
  [glance]="mon 'profile rbd' osd 'profile rbd pool=images' mgr 'profile rbd pool=images'"
  [cinder]="mon 'profile rbd' osd 'profile rbd pool=volumes, profile rbd pool=vms, profile rbd-read-only pool=images' mgr 'profile rbd pool=volumes, profile rbd pool=vms'"
  [cinder-backup]="mon 'profile rbd' osd 'profile rbd pool=backups, profile rbd-read-only pool=volumes' mgr 'profile rbd pool=backups'"
  [nova]="mon 'profile rbd' osd 'profile rbd pool=vms, profile rbd pool=volumes, profile rbd pool=images' mgr 'profile rbd pool=vms'"
)

ceph_cli() { CEPH_CONF=$CEPH_CONF_FILE timeout 60 ceph --connect-timeout 15 "$@"; }

ceph_write_conf() {
  local fsid
  if [ -f "$CEPH_DIR/fsid" ]; then fsid=$(cat "$CEPH_DIR/fsid"); else fsid=$(cat /proc/sys/kernel/random/uuid); echo "$fsid" >"$CEPH_DIR/fsid"; fi
  cat >"$CEPH_CONF_FILE.tmp" <<CONF
[global]
fsid = $fsid
mon host = $HOST_IP:$CEPH_MON_PORT
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $CEPH_DIR/\$cluster.\$name.keyring
osd pool default size = 1
osd pool default min size = 1
osd crush chooseleaf type = 0
mon allow pool delete = true
mon warn on pool no redundancy = false
mon warn on msgr2 not enabled = false
auth allow insecure global id reclaim = false
mon data avail crit = 0
mon data avail warn = 1
run dir = $CEPH_DIR/run
pid file = $CEPH_DIR/run/\$cluster-\$name.pid
log file = $CEPH_DIR/log/\$cluster-\$name.log
rados osd op timeout = 60
rados mon op timeout = 30
client mount timeout = 30

[client]
# No admin socket for clients: many client processes share one cephx name
# (tests run several at once), and a shared socket path makes librados abort
# at shutdown when another process took the path.
admin socket =

[mon.a]
mon data = $CEPH_DIR/mon
public addr = $HOST_IP:$CEPH_MON_PORT
host = localhost

[mgr.x]
mgr data = $CEPH_DIR/mgr

[osd.0]
osd data = $CEPH_DIR/osd
osd objectstore = bluestore
bluestore block path = $CEPH_DIR/osd.block
bluestore block create = true
bluestore block size = $(numfmt --from=iec "$CEPH_OSD_SIZE")
osd memory target = 1073741824
bluestore cache autotune = true
osd class load list = *
osd class default list = *
CONF
  mv "$CEPH_CONF_FILE.tmp" "$CEPH_CONF_FILE"
  chmod 0644 "$CEPH_CONF_FILE"
}

ceph_daemon_pidfile() { echo "$CEPH_DIR/run/ceph-$1.pid"; }

# ceph_start NAME ARGS...: start a Ceph daemon (it daemonises and writes its
# pid file), then record the pid in the stack's run dir.
ceph_start() {
  local name=$1; shift
  local pf; pf=$(ceph_daemon_pidfile "$name")
  if pid_alive "$RUN_DIR/ceph-$name.pid"; then return 0; fi
  rm -f "$pf"
  CEPH_CONF=$CEPH_CONF_FILE "$@" --setuser root --setgroup root >>"$CEPH_DIR/log/start.log" 2>&1 \
    || die "ceph $name did not start (logs: $CEPH_DIR/log)"
  wait_for 30 "ceph $name pid file" test -s "$pf"
  cp "$pf" "$RUN_DIR/ceph-$name.pid"
}

ceph_up() {
  mkdir -p "$CEPH_DIR"/{mon,mgr,osd,run,log}
  ceph_write_conf
  local admin=$CEPH_DIR/ceph.client.admin.keyring
  if [ ! -f "$CEPH_DIR/mon/done" ]; then
    log "ceph: creating cluster in $CEPH_DIR (cephx)"
    rm -rf "$CEPH_DIR/mon" && mkdir -p "$CEPH_DIR/mon"
    ceph-authtool --create-keyring "$CEPH_DIR/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
    ceph-authtool --create-keyring "$admin" --gen-key -n client.admin \
      --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
    ceph-authtool "$CEPH_DIR/mon.keyring" --import-keyring "$admin" >/dev/null
    chmod 0600 "$CEPH_DIR/mon.keyring" "$admin"
    CEPH_CONF=$CEPH_CONF_FILE ceph-mon --id a --mkfs --keyring "$CEPH_DIR/mon.keyring" \
      >>"$CEPH_DIR/log/start.log" 2>&1 || die "ceph-mon --mkfs failed (log: $CEPH_DIR/log)"
    cp "$CEPH_DIR/mon.keyring" "$CEPH_DIR/mon/keyring"
    touch "$CEPH_DIR/mon/done"
  fi
  ln -sf "$CEPH_DIR/mon/keyring" "$CEPH_DIR/ceph.mon.a.keyring"
  ceph_start mon.a ceph-mon --id a
  wait_for 60 "ceph mon (log: $CEPH_DIR/log)" ceph_cli mon stat

  if [ ! -f "$CEPH_DIR/osd/done" ]; then
    log "ceph: creating osd.0 (bluestore on a ${CEPH_OSD_SIZE} sparse file)"
    rm -rf "$CEPH_DIR/osd" "$CEPH_DIR/osd.block" && mkdir -p "$CEPH_DIR/osd"
    local id; id=$(retry 10 ceph_cli osd create) || die "ceph osd create failed"
    [ "$id" = 0 ] || die "ceph osd create returned id $id, expected 0 (stale cluster? try make clean)"
    retry 10 ceph_cli auth get-or-create osd.0 mon 'allow profile osd' osd 'allow *' mgr 'allow profile osd' \
      -o "$CEPH_DIR/osd/keyring" >/dev/null || die "could not create the osd.0 key"
    CEPH_CONF=$CEPH_CONF_FILE ceph-osd --id 0 --mkfs --keyring "$CEPH_DIR/osd/keyring" \
      >>"$CEPH_DIR/log/start.log" 2>&1 || die "ceph-osd --mkfs failed (log: $CEPH_DIR/log)"
    retry 10 ceph_cli osd crush add osd.0 1 root=default >/dev/null 2>&1 || die "ceph osd crush add failed"
    touch "$CEPH_DIR/osd/done"
  fi
  # The generated ceph.conf points osd.0 at this keyring through $cluster.$name.
  ln -sf "$CEPH_DIR/osd/keyring" "$CEPH_DIR/ceph.osd.0.keyring"
  ceph_start osd.0 ceph-osd --id 0

  if [ ! -f "$CEPH_DIR/mgr/keyring" ]; then
    retry 10 ceph_cli auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
      -o "$CEPH_DIR/mgr/keyring" >/dev/null || die "could not create the mgr.x key"
  fi
  ln -sf "$CEPH_DIR/mgr/keyring" "$CEPH_DIR/ceph.mgr.x.keyring"
  ceph_start mgr.x ceph-mgr --id x

  wait_for 90 "ceph osd.0 up" sh -c "CEPH_CONF=$CEPH_CONF_FILE ceph osd stat -f json 2>/dev/null | grep -q '\"num_up_osds\":1'"

  local existing p
  existing=$(retry 10 ceph_cli osd pool ls) || die "ceph osd pool ls failed"
  for p in "${CEPH_POOLS[@]}"; do
    if ! grep -qx "$p" <<<"$existing"; then
      log "ceph: creating pool $p"
      retry 10 ceph_cli osd pool create "$p" 8 >/dev/null 2>&1 || die "could not create pool $p"
      retry 10 env CEPH_CONF=$CEPH_CONF_FILE rbd pool init "$p" || die "rbd pool init $p failed"
    fi
  done

  local user
  for user in "${!CEPH_USERS[@]}"; do
    local kr=$CEPH_DIR/ceph.client.$user.keyring
    if [ ! -s "$kr" ]; then
      eval "retry 10 ceph_cli auth get-or-create client.$user ${CEPH_USERS[$user]} -o '$kr'" >/dev/null \
        || die "could not create ceph user client.$user"
    fi
    # Caps follow this file: re-apply them so edits take effect on the next run.
    eval "ceph_cli auth caps client.$user ${CEPH_USERS[$user]}" >/dev/null 2>&1 || true
    chmod 0640 "$kr"
  done
  log "ceph: up (fsid $(cat "$CEPH_DIR/fsid"))"
}

ceph_stop() {
  stop_pid ceph-mgr.x TERM
  stop_pid ceph-osd.0 TERM
  stop_pid ceph-mon.a TERM
}

ceph_health() {
  local h
  if h=$(ceph_cli health 2>/dev/null); then
    health ceph ok "mon $HOST_IP:$CEPH_MON_PORT conf $CEPH_CONF_FILE pools ${CEPH_POOLS[*]} ($h) logs $CEPH_DIR/log"
  else
    health ceph DOWN "mon $HOST_IP:$CEPH_MON_PORT (logs $CEPH_DIR/log)"
    return 1
  fi
}
