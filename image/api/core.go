package api

import (
	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
)

// coreAttributes are the image attributes a create body or a patch may
// set directly (glance's domain Image attributes).
var coreAttributes = []string{"name", "visibility", "protected", "os_hidden", "min_disk", "min_ram",
	"owner", "disk_format", "container_format", "tags"}

// isCore reports whether a patch path names an image attribute (glance:
// hasattr(image, path_root)) rather than a custom property.
func isCore(k string) bool {
	return contains(coreAttributes, k) || contains(readonlyProperties, k) || k == "locations"
}

// setCore sets one attribute from a schema-validated JSON value, with the
// domain's rules; update is false while the image is being created.
func setCore(im *registry.Image, k string, v any, update bool) error {
	switch k {
	case "id":
		if s, ok := v.(string); ok {
			im.ID = s
		}
	case "name":
		im.Name = stringPtr(v)
	case "visibility":
		s, _ := v.(string)
		im.Visibility = s
	case "protected":
		b, _ := v.(bool)
		im.Protected = b
	case "os_hidden":
		b, _ := v.(bool)
		im.OSHidden = b
	case "owner":
		im.Owner = stringPtr(v)
	case "disk_format", "container_format":
		if update && im.Status != registry.StatusQueued && im.Status != registry.StatusImporting {
			return fault.New(fault.Forbidden, "Attribute %s can be only replaced for a queued image.", k)
		}
		if k == "disk_format" {
			im.DiskFormat = stringPtr(v)
		} else {
			im.ContainerFormat = stringPtr(v)
		}
	case "min_disk", "min_ram":
		n, _ := intValue(v)
		if n < 0 {
			return fault.New(fault.Invalid, "Invalid value '%d' for parameter '%s': Cannot be a negative value.", n, k)
		}
		if k == "min_disk" {
			im.MinDisk = int(n)
		} else {
			im.MinRAM = int(n)
		}
	case "tags":
		var tags []string
		if list, ok := v.([]any); ok {
			for _, t := range list {
				if s, ok := t.(string); ok {
					tags = appendUnique(tags, s)
				}
			}
		}
		if tags == nil {
			tags = []string{}
		}
		im.Tags = tags
	}
	return nil
}
