# shellcheck shell=bash
# Debian packages the stack and its tests need (see ../shared/ENVIRONMENT.md).

STACK_PACKAGES=(
  # database and broker
  postgresql rabbitmq-server
  # one-node Ceph and the RBD libraries go-ceph links against
  ceph-mon ceph-osd ceph-mgr ceph-common librados-dev librbd-dev
  # libvirt and QEMU with RBD network disks
  libvirt-daemon-system libvirt-clients libvirt-dev qemu-system-x86 qemu-block-extra qemu-utils
  # the real client the tests drive
  python3-openstackclient
  # the tiny guest image
  busybox-static syslinux syslinux-common mtools fdisk cpio
  # config drives (genisoimage; isoinfo reads them in tests)
  genisoimage
  # flat networking: DHCP per network (dnsmasq) and security groups (nft)
  dnsmasq-base nftables
  # tools the scripts use
  iproute2 procps curl ca-certificates gcc make
)

packages_install() {
  local missing=() p
  for p in "${STACK_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "packages: all ${#STACK_PACKAGES[@]} present"
    return 0
  fi
  log "packages: installing ${missing[*]}"
  # Keep the packages' init scripts from starting system copies of the
  # daemons on the standard ports: the stack runs its own.
  local prc=/usr/sbin/policy-rc.d created=0
  if [ ! -e $prc ]; then printf '#!/bin/sh\nexit 101\n' >$prc; chmod +x $prc; created=1; fi
  apt-get update -q >"$LOG_DIR/apt.log" 2>&1 || { tail -20 "$LOG_DIR/apt.log"; die "apt-get update failed"; }
  apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$LOG_DIR/apt.log" 2>&1 \
    || { [ $created = 1 ] && rm -f $prc; tail -20 "$LOG_DIR/apt.log"; die "apt-get install failed (log: $LOG_DIR/apt.log)"; }
  [ $created = 1 ] && rm -f $prc
  log "packages: installed"
}
