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
}

libvirt_stop() {
  stop_pid libvirtd TERM
  stop_pid virtlogd TERM
}

# libvirt_kvm_usable: /dev/kvm exists and QEMU can use it (the dev stack
# falls back to TCG, virt_type = qemu, when it cannot).
libvirt_kvm_usable() {
  [ -r /dev/kvm ] && [ -w /dev/kvm ] && virsh -c "$LIBVIRT_URI" domcapabilities --virttype kvm >/dev/null 2>&1
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
