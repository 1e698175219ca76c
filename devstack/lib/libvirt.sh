# shellcheck shell=bash
# virtlogd and libvirtd for QEMU guests. They use the system paths
# (/run/libvirt, /var/lib/libvirt), as nova-compute expects; an instance
# already running that this stack did not start is used, never stopped.

LIBVIRT_URI=${LIBVIRT_URI:-qemu:///system}

libvirt_up() {
  # QEMU runs as libvirt-qemu; let it open /dev/kvm.
  if [ -e /dev/kvm ]; then
    chgrp kvm /dev/kvm 2>/dev/null || true
    chmod 0660 /dev/kvm 2>/dev/null || true
  fi
  if ! pid_alive "$RUN_DIR/virtlogd.pid" && ! pid_alive /run/virtlogd.pid; then
    log "libvirt: starting virtlogd"
    rm -f /run/virtlogd.pid
    virtlogd -d -p /run/virtlogd.pid || die "virtlogd did not start"
    wait_for 10 "virtlogd pid file" test -s /run/virtlogd.pid
    cp /run/virtlogd.pid "$RUN_DIR/virtlogd.pid"
  fi
  if pid_alive "$RUN_DIR/libvirtd.pid"; then
    :
  elif pid_alive /run/libvirtd.pid; then
    log "libvirt: using the libvirtd already running (pid $(cat /run/libvirtd.pid)); this stack will not stop it"
  else
    log "libvirt: starting libvirtd"
    rm -f /run/libvirtd.pid
    libvirtd -d -p /run/libvirtd.pid || die "libvirtd did not start"
    wait_for 20 "libvirtd pid file" test -s /run/libvirtd.pid
    cp /run/libvirtd.pid "$RUN_DIR/libvirtd.pid"
  fi
  wait_for 30 "libvirtd ($LIBVIRT_URI)" virsh -c "$LIBVIRT_URI" version
  libvirt_secrets_reconcile
}

# libvirt_secrets_reconcile: libvirt allows one secret per usage name, so
# a secret left by an earlier stack on this machine (`make clean` then
# `make dev` makes new uuids) for "client.nova secret" or "client.cinder
# secret" would make every boot fail. Forget those whose uuid is not this
# stack's; nova-compute defines ours with the key on first use.
libvirt_secrets_reconcile() {
  local user want uuid usage
  for user in nova cinder; do
    want=$(stack_uuid "libvirt_secret_$user")
    while read -r uuid usage; do
      [ "$usage" = "ceph client.$user secret" ] && [ "$uuid" != "$want" ] || continue
      log "libvirt: forgetting the secret $uuid of client.$user left by an earlier stack"
      virsh -c "$LIBVIRT_URI" secret-undefine "$uuid" >/dev/null || die "could not undefine libvirt secret $uuid"
    done < <(virsh -c "$LIBVIRT_URI" secret-list 2>/dev/null | tail -n +3)
  done
}

# libvirt_secrets_forget: this stack's secrets (make clean).
libvirt_secrets_forget() {
  local user uuid
  for user in nova cinder; do
    uuid=$(stack_uuid "libvirt_secret_$user")
    virsh -c "$LIBVIRT_URI" secret-undefine "$uuid" >/dev/null 2>&1 || true
  done
}

libvirt_stop() {
  stop_pid libvirtd TERM
  stop_pid virtlogd TERM
}

# libvirt_kvm_usable: QEMU can really run a guest under KVM here. /dev/kvm
# and libvirt's domain capabilities are not enough: under nested
# virtualisation KVM may be offered and still fail at the first MSR write or
# inside the boot loader. So boot the tiny image under KVM once (up to 20 s,
# looking for its boot marker on the serial console) and remember the
# answer in $STACK_DIR/kvm.usable. The dev stack falls back to TCG
# (virt_type = qemu) when it cannot.
libvirt_kvm_usable() {
  local cache=$STACK_DIR/kvm.usable image=${TINY_IMAGE:-$REPO_DIR/.cache/images/tiny.raw} out
  if [ ! -s "$cache" ]; then
    [ -s "$image" ] || return 1 # asked before the image exists: not known yet
    echo no >"$cache.tmp"
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
      out=$(mktemp)
      (timeout 20 qemu-system-x86_64 -machine accel=kvm -cpu host -m 128 -display none -monitor none \
        -drive "file=$image,format=raw,snapshot=on,if=virtio" -serial "file:$out" || true) >/dev/null 2>&1 &
      local pid=$! i
      for ((i = 0; i < 80; i++)); do
        grep -aq 'tinyvm booted' "$out" 2>/dev/null && { echo yes >"$cache.tmp"; break; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
      done
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      rm -f "$out"
    fi
    mv "$cache.tmp" "$cache"
    [ "$(cat "$cache")" = yes ] || log "libvirt: KVM cannot run a guest here; guests use TCG (virt_type = qemu)"
  fi
  [ "$(cat "$cache")" = yes ]
}

libvirt_health() {
  local v
  if v=$(virsh -c "$LIBVIRT_URI" version 2>/dev/null | grep -i 'running hypervisor' | sed 's/.*: //'); then
    local kvm=no; libvirt_kvm_usable && kvm=yes
    health libvirt ok "$LIBVIRT_URI ($v, /dev/kvm usable: $kvm) log /var/log/libvirt"
  else
    health libvirt DOWN "$LIBVIRT_URI"
    return 1
  fi
}
