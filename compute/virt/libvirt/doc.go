// Package libvirt is nova-compute's libvirt driver: it implements
// virt.Driver with QEMU guests (TCG or KVM, [libvirt] virt_type) whose disks
// are RBD images in Ceph ([libvirt] images_type = rbd).
//
// An instance's root disk is a copy-on-write clone of Glance's
// images/<image>@snap into <images_rbd_pool>/<uuid>_disk, grown to the
// flavor's root size (an image outside this cluster is streamed in
// instead); its ephemeral and swap disks are RBD images <uuid>_disk.eph0 and
// <uuid>_disk.swap. QEMU opens them as network disks with cephx, its key
// given to libvirt as a secret (usage type ceph, uuid rbd_secret_uuid) that
// the driver creates when missing: the key never appears in domain XML,
// logs or on a command line.
//
// The domain XML comes from one pure function (DomainXML) over a plain
// description of the guest, tested against golden files in testdata/. The
// serial console is a pty whose output virtlogd also writes to
// <instances_path>/<uuid>/console.log, which ConsoleOutput reads.
//
// Errors from libvirt and Ceph are classified once, here, into
// services/fault kinds. See README.md for the spawn flow.
package libvirt
