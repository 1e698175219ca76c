// Package glance is the volume service's small Image v2 client: read an
// image's record and data (volumes from images), create an image and
// upload a volume's data into it (os-volume_upload_image). Calls carry the
// requesting user's token when the RPC context has one, as upstream's
// cinder/image/glance.py does, and the service user's otherwise.
package glance
