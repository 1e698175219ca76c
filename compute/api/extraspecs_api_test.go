package api_test

import (
	"testing"

	"github.com/gostack/gostack/services/httpapi/microversion"
)

// TestExtraSpecValidation is microversion 2.86: from it, a flavor's extra
// specs in a namespace nova knows must be ones nova registers, with
// values of their type, at create (POST os-extra_specs) and update (PUT
// os-extra_specs/{key}); keys in other namespaces pass; below it nothing
// is checked beyond the schema.
func TestExtraSpecValidation(t *testing.T) {
	withMaxVersion(t, microversion.V(2, 93))
	n := newNova(t)
	f := createFlavor(t, n, "specs", 128, 1, true)
	specs := "/v2.1/flavors/" + f + "/os-extra_specs"
	post := func(version string, kv map[string]any) resp {
		t.Helper()
		return n.do(adminP, adminR, version, "POST", specs, map[string]any{"extra_specs": kv})
	}
	put := func(version, key string, value any) resp {
		t.Helper()
		return n.do(adminP, adminR, version, "PUT", specs+"/"+key, map[string]any{key: value})
	}
	badRequest := func(what string, r resp, message string) {
		t.Helper()
		want(t, what, r, 400)
		if got := obj(t, r.body, "badRequest")["message"]; got != message {
			t.Errorf("%s: message %q, want %q", what, got, message)
		}
	}

	// 2.85: an unknown hw: key and a bad value are stored as sent.
	want(t, "2.85 unknown hw key", post("2.85", map[string]any{"hw:cpu_polcy": "dedicated"}), 200)
	want(t, "2.85 bad hw value", put("2.85", "hw:cpu_policy", "exclusive"), 200)
	r := n.do(adminP, adminR, "2.85", "GET", specs, nil)
	if es := obj(t, r.body, "extra_specs"); es["hw:cpu_polcy"] != "dedicated" || es["hw:cpu_policy"] != "exclusive" {
		t.Errorf("2.85 stored: %s", r.raw)
	}

	// 2.86: the same are refused with nova's messages, and nothing of a
	// refused request is stored.
	badRequest("2.86 unknown hw key", post("2.86", map[string]any{"hw:cpu_polcy": "dedicated", "hw:numa_nodes": 1}),
		"Validation failed; extra spec 'hw:cpu_polcy' does not appear to be a valid extra spec.")
	badRequest("2.86 unknown hw key on PUT", put("2.86", "hw:cpu_polcy", "dedicated"),
		"Validation failed; extra spec 'hw:cpu_polcy' does not appear to be a valid extra spec.")
	badRequest("2.86 bad enum", put("2.86", "hw:cpu_policy", "exclusive"),
		"Validation failed; 'exclusive' is not one of: dedicated, shared, mixed.")
	badRequest("2.86 below min", post("2.86", map[string]any{"hw:numa_nodes": 0}),
		"Validation failed; '0' is less than the min value of '1'.")
	badRequest("2.86 not a boolean", post("2.93", map[string]any{"hw:cpu_realtime": "maybe"}),
		"Validation failed; 'maybe' is not a valid boolean-like value.")
	badRequest("2.86 trait value", post("2.86", map[string]any{"trait:HW_CPU_X86_AVX": "yes"}),
		"Validation failed; 'yes' is not one of: required, forbidden.")
	r = n.do(adminP, adminR, "2.86", "GET", specs, nil)
	if es := obj(t, r.body, "extra_specs"); es["hw:numa_nodes"] != nil || es["hw:cpu_realtime"] != nil {
		t.Errorf("2.86 stored a refused request: %s", r.raw)
	}

	// 2.86: valid extra specs (numbers and booleans as JSON too), and
	// keys in namespaces nova does not know, are accepted.
	r = post("2.86", map[string]any{
		"hw:cpu_policy": "dedicated", "hw:numa_nodes": 2, "hw:numa_cpus.0": "0-1", "hw:cpu_realtime": true,
		"resources1:VCPU": "1", "trait:HW_CPU_X86_AVX": "required", "group_policy": "isolate",
	})
	want(t, "2.86 valid", r, 200)
	if es := obj(t, r.body, "extra_specs"); es["hw:numa_nodes"] != "2" || es["hw:cpu_realtime"] != "True" {
		t.Errorf("2.86 valid: %s", r.raw)
	}
	want(t, "2.86 valid PUT", put("2.86", "hw:cpu_policy", "shared"), 200)
	want(t, "2.86 unknown namespace", post("2.86", map[string]any{"foo:bar": "anything", "role": "web"}), 200)
	want(t, "2.86 unknown namespace PUT", put("2.86", "powervm:proc_units", "0.5"), 200)
	r = n.do(adminP, adminR, "2.86", "GET", specs+"/hw:cpu_policy", nil)
	if want(t, "show", r, 200); r.body["hw:cpu_policy"] != "shared" {
		t.Errorf("show: %s", r.raw)
	}

	// The schema still comes first, at any version.
	r = post("2.86", map[string]any{"hw:bad!key": "x"})
	want(t, "2.86 key pattern", r, 400)
}
