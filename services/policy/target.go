package policy

import "strings"

// Target describes the object of an operation: what %(key)s substitutions
// in check strings read. Keys may be flat and dotted, as keystone passes
// them after flattening ({"target.user.id": "u1"}), or nested
// ({"target": {"user": {"id": "u1"}}}); Lookup finds either.
type Target map[string]any

// Lookup returns the value at key: the key itself if present, else a
// dotted walk through nested maps, trying the shortest prefix first at
// each level.
func (t Target) Lookup(key string) (any, bool) {
	return lookup(t, key)
}

func lookup(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for i := 0; i < len(key); i++ {
		j := strings.IndexByte(key[i:], '.')
		if j < 0 {
			return nil, false
		}
		i += j
		if sub, ok := asMap(m[key[:i]]); ok {
			if v, ok := lookup(sub, key[i+1:]); ok {
				return v, true
			}
		}
	}
	return nil, false
}

// asMap accepts the map types a caller or a JSON decoder produces.
func asMap(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case Target:
		return v, true
	}
	return nil, false
}
