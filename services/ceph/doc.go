// Package ceph is the one place where gostack talks to Ceph: a RADOS
// connection (Connect) and the RBD operations Glance, Cinder and Nova need on
// it — pools, images, snapshots, copy-on-write clones, flatten, resize,
// removal, and streaming image data through io.Reader and io.Writer with
// bounded memory.
//
// Images are named by a Spec: pool, image and, where an operation needs one,
// a snapshot ("images/ID@snap", "vms/UUID_disk"). An image handle (Image)
// implements io.ReaderAt and io.WriterAt for callers that want random
// access.
//
// Every error that leaves this package has been classified once, here, into a
// services/fault kind with a message fit for users: a missing image is
// fault.NotFound, an existing one fault.Conflict, an image in use or a
// snapshot with clones fault.Conflict naming what holds it, and an
// unreachable or slow cluster fault.Unavailable naming the monitors, the
// ceph.conf and the cephx user (never the key). The go-ceph error stays
// reachable as the internal cause with errors.Is/errors.As.
//
// Every I/O method takes a context first. librados and librbd calls cannot be
// interrupted once started, so each is bounded by the librados timeouts that
// Connect sets from Config.Timeout (rados_osd_op_timeout,
// rados_mon_op_timeout, client_mount_timeout); the context is checked
// between calls and between chunks of a stream.
//
// The package needs librados and librbd (cgo) and, with Debian's Ceph 16.2,
// the build tag "pacific".
package ceph
