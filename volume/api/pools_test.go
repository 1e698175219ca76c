package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestSchedulerPools: get_pools names a pool of an RBD backend after its
// volume_backend_name, and the capabilities are upstream's RBD stats
// (location_info, allocated_capacity_gb, backend_state, the ratio as a string; no
// pool_name); GET /capabilities/{host} describes the RBD driver's
// properties, as Zed's.
func TestSchedulerPools(t *testing.T) {
	s := adminSession(t)
	out := s.must(200, "GET", "/scheduler-stats/get_pools?detail=True", "", nil)
	pools, _ := out["pools"].([]any)
	if len(pools) == 0 {
		t.Fatalf("no pools: %v", out)
	}
	for _, p := range pools {
		p := p.(map[string]any)
		caps := p["capabilities"].(map[string]any)
		name := p["name"].(string)
		if !strings.HasSuffix(name, "#"+fmt.Sprint(caps["volume_backend_name"])) {
			t.Errorf("pool %s: not named after volume_backend_name %v", name, caps["volume_backend_name"])
		}
		if loc, _ := caps["location_info"].(string); len(strings.Split(loc, ":")) != 5 {
			t.Errorf("pool %s: location_info %v", name, caps["location_info"])
		}
		if _, ok := caps["allocated_capacity_gb"].(float64); !ok || caps["max_over_subscription_ratio"] != "20.0" {
			t.Errorf("pool %s: allocated_capacity_gb %v, max_over_subscription_ratio %v (want the string 20.0)", name, caps["allocated_capacity_gb"], caps["max_over_subscription_ratio"])
		}
		if caps["backend_state"] != "up" {
			t.Errorf("pool %s: backend_state %v", name, caps["backend_state"])
		}
		if _, ok := caps["pool_name"]; ok {
			t.Errorf("pool %s: upstream's RBD stats have no pool_name", name)
		}
	}
}

func TestBackendCapabilities(t *testing.T) {
	s := adminSession(t)
	var host string
	for _, sv := range s.must(200, "GET", "/os-services?binary=cinder-volume", "", nil)["services"].([]any) {
		host = sv.(map[string]any)["host"].(string)
	}
	out := s.must(200, "GET", "/capabilities/"+host, "", nil)
	props, _ := out["properties"].(map[string]any)
	if out["pool_name"] != nil || out["driver_version"] != "1.3.0" || out["storage_protocol"] != "ceph" || len(props) != 4 ||
		props["thin_provisioning"] == nil || props["qos"] == nil {
		t.Errorf("capabilities of %s: %v", host, out)
	}
}
