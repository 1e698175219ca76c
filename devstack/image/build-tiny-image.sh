#!/usr/bin/env bash
# Builds the tiny bootable guest image the tests and the dev cloud use (the
# role CirrOS plays upstream): a raw disk with an MBR, one FAT partition
# holding SYSLINUX, Debian's cloud kernel and a busybox initramfs. No root
# mounts, no network access beyond Debian's mirror.
#
# The guest prints "tinyvm booted" and "tinyvm login:" on its serial console,
# asks DHCP for an address on eth0 if it has one, then prints
# "tinyvm heartbeat N uptime S" every second, so tests can tell it is alive
# and has not rebooted (a live migration keeps N counting).
#
# Usage: build-tiny-image.sh OUTPUT.raw   (cached: does nothing if OUTPUT exists)
set -euo pipefail
out=${1:?usage: $0 OUTPUT.raw}
case $out in /*) ;; *) out=$PWD/$out ;; esac
[ -s "$out" ] && { echo "tiny image: cached at $out"; exit 0; }

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
cat >initrd/init <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
hostname tinyvm
echo "tinyvm booted: kernel $(uname -r)"
if [ -e /sys/class/net/eth0 ]; then
  ip link set lo up
  ip link set eth0 up
  udhcpc -i eth0 -b -q -t 5 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
fi
echo "tinyvm login:"
n=0
while true; do
  n=$((n + 1))
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
echo "tiny image: built $out ($(du -h --apparent-size "$out" | cut -f1), kernel $kpkg)"
