// Package convert checks image data with qemu-img and converts it to raw,
// as glance's image_conversion import plugin does: images are kept raw in
// RBD so that Nova and Cinder can clone them copy-on-write.
//
// Data is staged in a file under a staging directory (glance's
// [os_glance_staging_store] filesystem_store_datadir), inspected with
// `qemu-img info --output=json` under resource limits (untrusted input),
// refused when it is not of its declared format or refers to other files
// (a backing file, an external data file, a VMDK of a multi-file type),
// then converted with `qemu-img convert -O raw` into a sibling file. The
// caller streams the raw file into the store and removes both files.
package convert
