package api

import (
	"github.com/gostack/gostack/services/pyrepr"
	"mime"
	"net/http"
	"regexp"
	"strings"

	"github.com/gostack/gostack/image/schema"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The JSON patch media types glance accepts, with their JSON schema draft.
var patchTypes = map[string]int{
	"application/openstack-images-v2.0-json-patch": 4,
	"application/openstack-images-v2.1-json-patch": 10,
}

var supportedOps = []string{"add", "remove", "replace"}

// change is one decoded patch operation.
type change struct {
	op    string
	path  []string
	value any
	draft int
}

// decodePatch reads a PATCH body as glance's RequestDeserializer.update.
func decodePatch(r *http.Request) ([]change, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	draft, ok := patchTypes[mt]
	if !ok {
		err := fault.New(fault.Unsupported, "The request media type %s is not supported by this server.", r.Header.Get("Content-Type"))
		return nil, err
	}
	v, err := readJSON(r)
	if err != nil {
		return nil, err
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fault.New(fault.Invalid, "Request body must be a JSON array of operation objects.")
	}
	changes := make([]change, 0, len(list))
	for _, item := range list {
		raw, ok := item.(map[string]any)
		if !ok {
			return nil, fault.New(fault.Invalid, "Operations must be JSON objects.")
		}
		ch, err := parseChange(raw, draft)
		if err != nil {
			return nil, err
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

func parseChange(raw map[string]any, draft int) (change, error) {
	ch := change{draft: draft}
	var pointer any
	if draft == 10 {
		op, ok := raw["op"]
		if !ok {
			return change{}, fault.New(fault.Invalid, "Unable to find `op` in JSON Schema change. It must be one of the following: %s.", strings.Join(supportedOps, ", "))
		}
		s, _ := op.(string)
		if !contains(supportedOps, s) {
			return change{}, fault.New(fault.Invalid, "Invalid operation: `%s`. It must be one of the following: %s.", schemaText(op), strings.Join(supportedOps, ", "))
		}
		ch.op = s
		if pointer, ok = raw["path"]; !ok {
			return change{}, fault.New(fault.Invalid, "Unable to find 'path' in JSON Schema change")
		}
	} else {
		for _, k := range supportedOps {
			if _, ok := raw[k]; ok {
				if ch.op != "" {
					return change{}, fault.New(fault.Invalid, `Operation objects must contain only one member named "add", "remove", or "replace".`)
				}
				ch.op = k
			}
		}
		if ch.op == "" {
			return change{}, fault.New(fault.Invalid, `Operation objects must contain exactly one member named "add", "remove", or "replace".`)
		}
		pointer = raw[ch.op]
	}
	p, _ := pointer.(string)
	path, err := decodePointer(p)
	if err != nil {
		return change{}, err
	}
	ch.path = path
	if err := validatePath(ch.op, path); err != nil {
		return change{}, err
	}
	if ch.op != "remove" {
		val, ok := raw["value"]
		if !ok {
			return change{}, fault.New(fault.Invalid, `Operation "%s" requires a member named "value".`, ch.op)
		}
		ch.value = val
	}
	return ch, validateChange(ch)
}

func schemaText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyrepr.Repr(v)
}

var (
	adjacentSlash = regexp.MustCompile(`/\s*?/`)
	badTilde      = regexp.MustCompile(`~[^01]`)
)

// decodePointer is glance's _decode_json_pointer.
func decodePointer(p string) ([]string, error) {
	switch {
	case !strings.HasPrefix(p, "/"):
		return nil, fault.New(fault.Invalid, "Pointer `%s` does not start with \"/\".", p)
	case adjacentSlash.MatchString(p[1:]):
		return nil, fault.New(fault.Invalid, "Pointer `%s` contains adjacent \"/\".", p)
	case len(p) > 1 && strings.HasSuffix(p, "/"):
		return nil, fault.New(fault.Invalid, "Pointer `%s` end with \"/\".", p)
	case strings.TrimSpace(p[1:]) == "/":
		return nil, fault.New(fault.Invalid, "Pointer `%s` does not contains valid token.", p)
	case badTilde.MatchString(p) || strings.HasSuffix(p, "~"):
		return nil, fault.New(fault.Invalid, "Pointer `%s` contains \"~\" not part of a recognized escape sequence.", p)
	}
	parts := strings.Split(strings.TrimLeft(p, "/"), "/")
	for i, part := range parts {
		parts[i] = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
	}
	return parts, nil
}

// validatePath is glance's _validate_path: one level, except locations.
func validatePath(op string, path []string) error {
	limit := 1
	if path[0] == "locations" {
		limit = map[string]int{"add": 2, "remove": 2, "replace": 1}[op]
	}
	if len(path) != limit {
		return fault.New(fault.Invalid, "Invalid JSON pointer for this resource: '/%s'", strings.Join(path, "/"))
	}
	return nil
}

// validateChange is glance's _validate_change.
func validateChange(ch change) error {
	root := ch.path[0]
	switch {
	case contains(readonlyProperties, root):
		return fault.New(fault.Forbidden, "Attribute '%s' is read-only.", root)
	case contains(reservedProperties, root), strings.HasPrefix(root, reservedNamespace):
		return fault.New(fault.Forbidden, "Attribute '%s' is reserved.", root)
	case ch.op == "remove":
		return nil
	}
	var partial map[string]any
	if len(ch.path) == 1 {
		partial = map[string]any{root: ch.value}
	} else if p := schema.Property(root); p != nil && len(p.Type) == 1 && p.Type[0] == "array" {
		partial = map[string]any{root: []any{ch.value}}
	}
	if partial != nil {
		return schema.ValidateImage(partial)
	}
	return nil
}

// acceptPatch is the Accept-Patch header of a 415 answer.
const acceptPatch = "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"

func writePatchError(w http.ResponseWriter, r *http.Request, err error) {
	if fault.KindOf(err) == fault.Unsupported {
		w.Header().Set("Accept-Patch", acceptPatch)
	}
	httpapi.WriteError(w, r, err)
}
