package api

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"slices"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// hiddenProperties never reach a response (glance's ResponseSerializer
// _hidden_properties).
var hiddenProperties = map[string]bool{"os_glance_stage_host": true}

// imageView is an image as glance's _format_image renders it: custom
// properties flattened first, then the core attributes, in glance's
// order.
type imageView struct {
	keys   []string
	values map[string]any
}

func (v *imageView) set(k string, val any) {
	if _, ok := v.values[k]; !ok {
		v.keys = append(v.keys, k)
	}
	v.values[k] = val
}

// MarshalJSON writes the keys in order.
func (v *imageView) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range v.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v.values[k]); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimSuffix(vb.Bytes(), []byte("\n")))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// view renders an image for the caller.
func (a *API) view(im registry.Image, c caller) *imageView {
	v := &imageView{values: map[string]any{}}
	for _, k := range slices.Sorted(maps.Keys(im.Properties)) {
		if !hiddenProperties[k] {
			v.set(k, im.Properties[k])
		}
	}
	v.set("name", im.Name)
	v.set("disk_format", im.DiskFormat)
	v.set("container_format", im.ContainerFormat)
	v.set("visibility", im.Visibility)
	v.set("size", im.Size)
	v.set("virtual_size", im.VirtualSize)
	v.set("status", im.Status)
	v.set("checksum", im.Checksum)
	v.set("protected", im.Protected)
	v.set("min_ram", im.MinRAM)
	v.set("min_disk", im.MinDisk)
	v.set("owner", im.Owner)
	v.set("os_hidden", im.OSHidden)
	v.set("os_hash_algo", im.OSHashAlgo)
	v.set("os_hash_value", im.OSHashValue)
	v.set("id", im.ID)
	v.set("created_at", timefmt.Seconds(im.CreatedAt))
	v.set("updated_at", timefmt.Seconds(im.UpdatedAt))
	showLocations := a.policy.Enforce(c.creds, "get_image_location", imageTarget(im)) == nil
	if a.set.ShowMultipleLocations {
		locs := []map[string]any{}
		if showLocations {
			for _, l := range im.Locations {
				meta := l.Metadata
				if meta == nil {
					meta = map[string]any{}
				}
				locs = append(locs, map[string]any{"url": l.URL, "metadata": meta})
			}
		}
		v.set("locations", locs)
	}
	if a.set.ShowImageDirectURL && showLocations && len(im.Locations) > 0 {
		v.set("direct_url", im.Locations[0].URL)
	}
	tags := im.Tags
	if tags == nil {
		tags = []string{}
	}
	v.set("tags", tags)
	v.set("self", "/v2/images/"+im.ID)
	v.set("file", "/v2/images/"+im.ID+"/file")
	v.set("schema", "/v2/schemas/image")
	return v
}

func (a *API) writeImage(w http.ResponseWriter, r *http.Request, status int, im registry.Image, c caller) {
	httpapi.WriteJSON(w, r, status, a.view(im, c))
}
