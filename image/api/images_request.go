package api

import (
	"bytes"
	"encoding/json"
	"github.com/gostack/gostack/services/pyrepr"
	"io"
	"net/http"
	"strings"

	"github.com/gostack/gostack/image/schema"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Property rules of glance's RequestDeserializer and ImageFactory.
var (
	disallowedProperties = []string{"direct_url", "self", "file", "schema", "stores"}
	readonlyProperties   = []string{"created_at", "updated_at", "status", "checksum", "size", "virtual_size",
		"direct_url", "self", "file", "schema", "id", "os_hash_algo", "os_hash_value"}
	factoryReadonly    = []string{"created_at", "updated_at", "status", "checksum", "os_hash_algo", "os_hash_value", "size", "virtual_size"}
	reservedProperties = []string{"location", "deleted", "deleted_at"}
	reservedNamespace  = "os_glance"
	baseProperties     = []string{"checksum", "created_at", "container_format", "disk_format", "id", "min_disk",
		"min_ram", "name", "size", "virtual_size", "status", "tags", "owner", "updated_at", "visibility",
		"protected", "os_hidden"}
)

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// createRequest is a decoded POST /v2/images body.
type createRequest struct {
	core  map[string]any // base properties given
	extra map[string]string
	tags  []string
}

// readJSON decodes a glance request body, keeping numbers exact.
func readJSON(r *http.Request) (any, error) {
	var raw json.RawMessage
	if err := httpapi.DecodeJSON(r, &raw); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil && err != io.EOF {
		return nil, fault.Wrap(err, fault.Invalid, "Malformed JSON in request body.")
	}
	return v, nil
}

// decodeCreate reads and validates a create body as glance's
// RequestDeserializer.create and ImageFactory.new_image do.
func decodeCreate(r *http.Request) (createRequest, error) {
	v, err := readJSON(r)
	if err != nil {
		return createRequest{}, err
	}
	body, ok := v.(map[string]any)
	if !ok {
		return createRequest{}, fault.New(fault.Invalid,
			"Provided object does not match schema 'image': %s is not of type 'object'", pyrepr.Repr(v))
	}
	for _, k := range disallowedProperties {
		if _, ok := body[k]; ok {
			return createRequest{}, fault.New(fault.Forbidden, "Attribute '%s' is read-only.", k)
		}
	}
	if err := schema.ValidateImage(body); err != nil {
		return createRequest{}, err
	}
	req := createRequest{core: map[string]any{}, extra: map[string]string{}}
	if tags, ok := body["tags"].([]any); ok {
		for _, t := range tags {
			req.tags = appendUnique(req.tags, t.(string))
		}
	}
	delete(body, "tags")
	for k, val := range body {
		if contains(baseProperties, k) {
			req.core[k] = val
			continue
		}
		if len(k) > 255 {
			return createRequest{}, fault.New(fault.Invalid, "Custom property should not be greater than 255 characters.")
		}
		if contains(reservedProperties, k) || strings.HasPrefix(k, reservedNamespace) {
			return createRequest{}, fault.New(fault.Forbidden, "Attribute '%s' is reserved.", k)
		}
		if contains(factoryReadonly, k) {
			return createRequest{}, fault.New(fault.Forbidden, "Attribute '%s' is read-only.", k)
		}
		s, _ := val.(string) // the schema made every custom value a string
		req.extra[k] = s
	}
	for _, k := range factoryReadonly {
		if _, ok := req.core[k]; ok {
			return createRequest{}, fault.New(fault.Forbidden, "Attribute '%s' is read-only.", k)
		}
	}
	return req, nil
}

func appendUnique(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

// intValue reads a JSON integer the schema accepted.
func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			return int64(f), ferr == nil
		}
		return i, true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// stringPtr reads a nullable JSON string.
func stringPtr(v any) *string {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return &s
}
