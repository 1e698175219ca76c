package api_test

import (
	"strings"
	"testing"
)

// Regression tests for the failures gophercloud's compute acceptance tests
// found (api-ref/CONFORMANCE.md, "gophercloud acceptance").

// GET /flavors/{id} at 2.61 left out extra_specs, which nova shows from
// that microversion on as the list does (gophercloud
// TestFlavorExtraSpecsGet).
func TestShowFlavorExtraSpecsFrom261(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "specs", 128, 1, true)
	want(t, "set specs", n.do(adminP, adminR, "2.61", "POST", "/v2.1/flavors/"+f+"/os-extra_specs",
		map[string]any{"extra_specs": map[string]any{"hw:cpu_policy": "CPU-POLICY", "hw:cpu_thread_policy": "CPU-THREAD-POLICY"}}), 200)
	r := n.do(alice, memberR, "2.61", "GET", "/v2.1/flavors/"+f, nil)
	want(t, "show at 2.61", r, 200)
	specs, _ := obj(t, r.body, "flavor")["extra_specs"].(map[string]any)
	if len(specs) != 2 || specs["hw:cpu_policy"] != "CPU-POLICY" {
		t.Errorf("show at 2.61: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.60", "GET", "/v2.1/flavors/"+f, nil)
	if _, ok := obj(t, r.body, "flavor")["extra_specs"]; ok {
		t.Errorf("show at 2.60 has extra_specs: %s", r.raw)
	}
	bare := createFlavor(t, n, "bare", 128, 1, true)
	r = n.do(alice, memberR, "2.61", "GET", "/v2.1/flavors/"+bare, nil)
	if !strings.Contains(string(r.raw), `"extra_specs":{}`) {
		t.Errorf("show of a flavor without specs at 2.61: %s", r.raw)
	}
}

// The extension list left out SchedulerHints (OS-SCH-HNT), which this
// nova serves (os:scheduler_hints in server create); gophercloud
// TestExtensionsList looks for it.
func TestExtensionsListSchedulerHints(t *testing.T) {
	n := newNova(t)
	r := n.do(alice, memberR, "", "GET", "/v2.1/extensions", nil)
	if want(t, "extensions", r, 200); !strings.Contains(string(r.raw), `"name":"SchedulerHints"`) {
		t.Errorf("extensions: %s", r.raw)
	}
	want(t, "extension", n.do(alice, memberR, "", "GET", "/v2.1/extensions/OS-SCH-HNT", nil), 200)
}
