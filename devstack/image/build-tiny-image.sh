#!/usr/bin/env bash
# Builds the tiny bootable guest image the tests and the dev cloud use (the
# role CirrOS plays upstream): a raw disk with an MBR, one FAT partition
# holding SYSLINUX, Debian's cloud kernel and a busybox initramfs. No root
# mounts, no network access beyond Debian's mirror.
#
# The guest prints "tinyvm booted" and "tinyvm login:" on its serial console,
# asks DHCP for an address on eth0 if it has one, then prints
# "tinyvm heartbeat N uptime S" every second, so tests can tell it is alive
# and has not rebooted (a live migration keeps N counting). The ACPI power
# button (libvirt's shutdown, nova's clean stop) powers it off at once.
#
# With a config drive (a disk labelled config-2, compute/configdrive) it
# mounts it and prints "tinyvm config-drive uuid=<uuid>" and, for the first
# public key, "tinyvm key <name> <md5 fingerprint>" (as nova shows it); user
# data starting with "#!" runs as a script (busybox: ping, nc -ll -p 22 ...).
#
# Virtio disks are listed as they come and go: "tinyvm disk add vdb size
# <bytes>", "tinyvm disk resize vdb size <bytes>", "tinyvm disk remove vdb"
# (volumes hot-plugged, extended, unplugged; vda at boot).
#
# Usage: build-tiny-image.sh OUTPUT.raw   (cached: does nothing if OUTPUT
# exists and was built by this version of the script, see OUTPUT.recipe)
set -euo pipefail
out=${1:?usage: $0 OUTPUT.raw}
case $out in /*) ;; *) out=$PWD/$out ;; esac
recipe=$(sha256sum "$0" | cut -d' ' -f1)
if [ -s "$out" ] && [ "$(cat "$out.recipe" 2>/dev/null)" = "$recipe" ]; then
  echo "tiny image: cached at $out"; exit 0
fi

for t in busybox mformat mcopy syslinux sfdisk cpio; do
  command -v $t >/dev/null || { echo "tiny image: $t missing (packages busybox-static mtools syslinux fdisk cpio)" >&2; exit 1; }
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || { echo "tiny image: /usr/lib/syslinux/mbr/mbr.bin missing (package syslinux-common)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ {print $2; exit}')
[ -n "$kpkg" ] || { echo "tiny image: cannot resolve linux-image-cloud-amd64 (run apt-get update)" >&2; exit 1; }
chmod 0755 "$work"   # apt downloads as _apt
apt-get download -q "$kpkg" >/dev/null 2>&1 || { echo "tiny image: apt-get download $kpkg failed" >&2; exit 1; }
dpkg-deb -x ./*.deb kernel
cp kernel/boot/vmlinuz-* vmlinuz

mkdir -p initrd/bin initrd/sbin initrd/proc initrd/sys initrd/dev initrd/tmp initrd/etc initrd/usr/share/udhcpc initrd/run
cp "$(command -v busybox)" initrd/bin/busybox
# the modules to read a config drive on an IDE cdrom, in load order
mkdir -p initrd/lib/modules
for m in drivers/scsi/scsi_common drivers/scsi/scsi_mod drivers/ata/libata drivers/ata/ata_piix \
         drivers/cdrom/cdrom drivers/scsi/sr_mod fs/isofs/isofs; do
  cp kernel/lib/modules/*/kernel/$m.ko initrd/lib/modules/
done
# the ACPI power button, so a clean shutdown (nova's stop, virsh shutdown)
# powers the guest off at once instead of waiting for the hard stop
for m in drivers/input/evdev drivers/acpi/button; do
  cp kernel/lib/modules/*/kernel/$m.ko initrd/lib/modules/
done
# the virtio NIC (eth0 on a flat network): virtio_pci and virtio_net with
# their dependencies, in load order
for m in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
         drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/core/failover \
         drivers/net/net_failover drivers/net/virtio_net; do
  cp kernel/lib/modules/*/kernel/$m.ko initrd/lib/modules/
done
# the virtio disk driver, so volumes hot-plugged into a running guest
# appear (vdb, ...); the heartbeat loop reports them (nothing to copy when
# the kernel has it built in)
for m in drivers/block/virtio_blk; do
  for f in kernel/lib/modules/*/kernel/$m.ko; do [ -f "$f" ] && cp "$f" initrd/lib/modules/; done
done
cat >initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
hostname tinyvm
echo "tinyvm booted: kernel $(uname -r) boot $(cat /proc/sys/kernel/random/boot_id)"
insmod /lib/modules/evdev.ko 2>/dev/null
insmod /lib/modules/button.ko 2>/dev/null
mkdir -p /etc/acpi/PWRF
printf '#!/bin/sh\necho "tinyvm power button: powering off" >/dev/console\nsync\npoweroff -f\n' >/etc/acpi/PWRF/00000080
chmod +x /etc/acpi/PWRF/00000080
# acpid opens the event devices it finds at start: wait for them
i=0; while [ $i -lt 20 ] && ! ls /dev/input/event* >/dev/null 2>&1; do i=$((i + 1)); sleep 0.1; done
acpid -c /etc/acpi -l /tmp/acpid.log
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover net_failover virtio_net virtio_blk; do
  insmod /lib/modules/$m.ko 2>/dev/null
done
# a virtio NIC (PCI 1af4:1000 or 1af4:1041) shows up as eth0 shortly after
virtio_nic() {
  for d in /sys/bus/pci/devices/*; do
    [ "$(cat $d/vendor)" = 0x1af4 ] && case $(cat $d/device) in 0x1000|0x1041) return 0 ;; esac
  done
  return 1
}
i=0; while [ $i -lt 30 ] && virtio_nic && ! [ -e /sys/class/net/eth0 ]; do i=$((i + 1)); sleep 0.1; done
if [ -e /sys/class/net/eth0 ]; then
  ip link set lo up
  ip link set eth0 up
  udhcpc -i eth0 -b -q -t 5 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
fi
configdrive() {
  for m in scsi_common scsi_mod libata ata_piix cdrom sr_mod isofs; do insmod /lib/modules/$m.ko 2>/dev/null; done
  i=0
  while [ $i -lt 20 ]; do
    dev=$(findfs LABEL=config-2 2>/dev/null) && break
    i=$((i + 1)); sleep 0.5
  done
  [ -n "$dev" ] || return 0
  mkdir -p /mnt/config
  mount -t iso9660 -o ro "$dev" /mnt/config || { echo "tinyvm config-drive: cannot mount $dev"; return 0; }
  md=/mnt/config/openstack/latest/meta_data.json
  echo "tinyvm config-drive uuid=$(sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p' $md)"
  key=$(sed -n 's/.*"public_keys": *{ *"\([^"]*\)": *"\([^"]*\)".*/\1 \2/p' $md)
  if [ -n "$key" ]; then
    name=${key%% *}
    fp=$(echo "$key" | awk '{print $3}' | base64 -d | md5sum | cut -c1-32 | sed 's/../&:/g; s/:$//')
    echo "tinyvm key $name $fp"
  fi
  # user data that is a script runs in the background, its output on the
  # console (cirros does the same): tests ping peers or listen on a port
  ud=/mnt/config/openstack/latest/user_data
  if [ -f $ud ] && [ "$(head -c 2 $ud)" = "#!" ]; then
    cp $ud /tmp/user_data && chmod +x /tmp/user_data
    echo "tinyvm user-data: running"
    /tmp/user_data >/dev/console 2>&1 &
  fi
}
configdrive &
# disks as "name bytes" lines: the heartbeat loop prints what changed
# ("tinyvm disk add vdb size N", "tinyvm disk resize vdb size N",
# "tinyvm disk remove vdb"), so tests see volumes hot-plugged, extended
# and unplugged
disks() {
  for b in /sys/block/vd*; do
    [ -e "$b/size" ] && echo "${b##*/} $(( $(cat $b/size) * 512 ))"
  done
}
diskchanges() {
  echo "$1" | while read -r name size; do
    [ -n "$name" ] || continue
    old=$(echo "$2" | awk -v n="$name" '$1 == n {print $2}')
    if [ -z "$old" ]; then echo "tinyvm disk add $name size $size"
    elif [ "$old" != "$size" ]; then echo "tinyvm disk resize $name size $size"; fi
  done
  echo "$2" | while read -r name size; do
    [ -n "$name" ] || continue
    echo "$1" | awk -v n="$name" '$1 == n {f=1} END {exit !f}' || echo "tinyvm disk remove $name"
  done
}
echo "tinyvm login:"
was=""
n=0
while true; do
  n=$((n + 1))
  now=$(disks)
  [ "$now" = "$was" ] || { diskchanges "$now" "$was"; was=$now; }
  addr=$(ip -4 -o addr show eth0 2>/dev/null | awk '{print $4}')
  echo "tinyvm heartbeat $n uptime $(cut -d' ' -f1 /proc/uptime)${addr:+ ip $addr}"
  sleep 1
done
INIT
chmod +x initrd/init
cat >initrd/usr/share/udhcpc/default.script <<'DHCP'
#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    echo "tinyvm dhcp: $interface $ip/${mask:-24} router ${router:-none}" >/dev/console
    ;;
esac
DHCP
chmod +x initrd/usr/share/udhcpc/default.script
(cd initrd && find . | cpio -o -H newc --quiet | gzip -9) >initrd.gz

cat >syslinux.cfg <<'CFG'
SERIAL 0 115200
DEFAULT tinyvm
PROMPT 0
TIMEOUT 1
LABEL tinyvm
  KERNEL vmlinuz
  APPEND initrd=initrd.gz console=tty0 console=ttyS0,115200 quiet panic=5
CFG

part_mb=$(( ( $(stat -c %s vmlinuz) + $(stat -c %s initrd.gz) ) / 1048576 + 8 ))
truncate -s "${part_mb}M" part.img
mformat -i part.img -v TINYVM ::
mcopy -i part.img vmlinuz initrd.gz syslinux.cfg ::
syslinux --install part.img

truncate -s "$((part_mb + 1))M" disk.img
echo 'start=2048, type=6, bootable' | sfdisk -q disk.img
dd if=part.img of=disk.img bs=512 seek=2048 conv=notrunc status=none
dd if=/usr/lib/syslinux/mbr/mbr.bin of=disk.img bs=440 count=1 conv=notrunc status=none

mkdir -p "$(dirname "$out")"
mv disk.img "$out.tmp"
mv "$out.tmp" "$out"
echo "$recipe" >"$out.recipe"
echo "tiny image: built $out ($(du -h --apparent-size "$out" | cut -f1), kernel $kpkg)"
