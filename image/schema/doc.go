// Package schema holds Glance's image JSON schemas as data, exactly as
// glance Zed serves them at /v2/schemas/image and /v2/schemas/images
// (glance/api/v2/images.py get_base_properties, merged with the custom
// properties of etc/schema-image.json that devstack installs), and
// validates request values against the image schema the way glance does
// with jsonschema, with jsonschema's messages.
//
// image.json and images.json were generated from glance's zed-eom
// sources with the default [image_format] container_formats and
// disk_formats; regenerate them rather than edit them by hand.
package schema
