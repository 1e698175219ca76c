// Package rbd is Glance's RBD image store, as glance_store's rbd driver
// (glance_store/_drivers/rbd.py) keeps image data: each image is an RBD
// image named by the image id in one pool ([glance_store] rbd_store_pool,
// "images"), with a protected snapshot "snap" that Nova and Cinder clone
// copy-on-write. Its location is rbd://<fsid>/<pool>/<image id>/snap.
//
// Add streams an upload of unknown length into the pool with bounded
// memory, computing the md5 checksum, the sha512 multihash and the size
// on the way, then snapshots and protects it; if anything fails nothing is
// left in the pool. Get streams the data, or a byte range of it. Delete
// unprotects and removes the snapshot and the image, and refuses (fault
// Conflict) while clones of the snapshot exist, as upstream's InUseByStore.
//
// All RBD access goes through services/ceph, which classifies errors.
package rbd
