// Package image is the Glance service: the Image v2 API (glance-api) with
// image data kept in the RBD pool `images`.
package image
