package api_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/gostack/gostack/compute/network/rpcapi"
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

// vifNetwork is a network service whose instances have the VIFs set in
// vifs (by instance).
type vifNetwork struct {
	mu   sync.Mutex
	vifs map[string][]rpcapi.VIF
}

func (f *vifNetwork) GetInstanceNWInfo(_ context.Context, instance string) ([]rpcapi.VIF, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.vifs[instance], nil
}

func (f *vifNetwork) GetInstancesNWInfo(_ context.Context, instances []string) (map[string][]rpcapi.VIF, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]rpcapi.VIF{}
	for _, id := range instances {
		out[id] = f.vifs[id]
	}
	return out, nil
}

func (f *vifNetwork) DeallocateForInstance(context.Context, rpcapi.DeallocateForInstanceArgs) error {
	return nil
}
func (f *vifNetwork) InstanceGroup(context.Context, rpcapi.InstanceGroupArgs) error       { return nil }
func (f *vifNetwork) ValidateNetworks(context.Context, rpcapi.ValidateNetworksArgs) error { return nil }

// A server's views had no security_groups: nova lists the names of its
// ports' groups in GET /servers/{id} and /servers/detail (gophercloud
// TestSecGroupsAddGroupToServer looks for a group added with
// addSecurityGroup there).
func TestServerViewSecurityGroups(t *testing.T) {
	neutron := newMemNeutron()
	vifs := &vifNetwork{vifs: map[string][]rpcapi.VIF{}}
	n := newSecGroupProxyNova(t, neutron, vifs)
	f := createFlavor(t, n, "sgv", 128, 1, true)
	boot := func() string {
		r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"networks": "auto"}))
		want(t, "create server", r, 202)
		return obj(t, r.body, "server")["id"].(string)
	}
	one, two, bare := boot(), boot(), boot()
	web := createSecGroup(t, n, alice, "web")["id"].(string)
	app := createSecGroup(t, n, alice, "app")["id"].(string)
	var def string
	for _, g := range neutron.groups {
		if g.TenantID == alice && g.Name == "default" {
			def = g.ID
		}
	}
	vifs.vifs[one] = []rpcapi.VIF{{PortID: "p1", SecurityGroups: []string{def, web}}, {PortID: "p2", SecurityGroups: []string{web, app}}}
	vifs.vifs[two] = []rpcapi.VIF{{PortID: "p3", SecurityGroups: []string{app}}}
	vifs.vifs[bare] = []rpcapi.VIF{{PortID: "p4"}}
	names := func(s map[string]any) string {
		var out []string
		gs, _ := s["security_groups"].([]any)
		for _, g := range gs {
			out = append(out, g.(map[string]any)["name"].(string))
		}
		return strings.Join(out, ",")
	}
	r := n.do(alice, memberR, "", "GET", "/v2.1/servers/"+one, nil)
	if want(t, "show", r, 200); names(obj(t, r.body, "server")) != "default,web,app" {
		t.Errorf("show: %s", r.raw)
	}
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/"+bare, nil)
	if _, ok := obj(t, r.body, "server")["security_groups"]; ok {
		t.Errorf("a server whose ports have no group: %s", r.raw)
	}
	lookups := len(neutron.tokens)
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/detail", nil)
	want(t, "detail", r, 200)
	got := map[string]string{}
	for _, s := range listOf(t, r, "servers") {
		got[s["id"].(string)] = names(s)
	}
	if got[one] != "default,web,app" || got[two] != "app" || got[bare] != "" {
		t.Errorf("detail: %v", got)
	}
	if n := len(neutron.tokens) - lookups; n != 1 {
		t.Errorf("the page's group names took %d lookups, want 1", n)
	}
}
