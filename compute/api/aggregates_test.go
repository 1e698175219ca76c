package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gostack/gostack/services/servicegroup"
)

func TestAggregatesAndZones(t *testing.T) {
	n := newNova(t)
	ctx := context.Background()
	for _, h := range []string{"h1", "h2"} {
		if _, err := n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: h, Topic: "compute"}); err != nil {
			t.Fatal(err)
		}
	}
	ag := "/v2.1/os-aggregates"
	want(t, "member cannot list", n.do(alice, memberR, "", "GET", ag, nil), 403)
	r := n.do(adminP, adminR, "2.41", "POST", ag, map[string]any{"aggregate": map[string]any{"name": "fast", "availability_zone": "az1"}})
	want(t, "create", r, 200)
	a := obj(t, r.body, "aggregate")
	if a["availability_zone"] != "az1" || a["uuid"] == nil || a["deleted"] != false || a["hosts"] != nil {
		t.Errorf("create: %s", r.raw)
	}
	id := strings.TrimSuffix(strings.TrimSuffix(string(mustJSON(a["id"])), "\n"), "")
	r = n.do(adminP, adminR, "", "POST", ag, map[string]any{"aggregate": map[string]any{"name": "FAST"}})
	if want(t, "duplicate name", r, 409); !strings.Contains(string(r.raw), "Aggregate FAST already exists.") {
		t.Errorf("duplicate: %s", r.raw)
	}
	want(t, "zone with colon", n.do(adminP, adminR, "", "POST", ag, map[string]any{"aggregate": map[string]any{"name": "x", "availability_zone": "a:b"}}), 400)
	want(t, "no name", n.do(adminP, adminR, "", "POST", ag, map[string]any{"aggregate": map[string]any{}}), 400)

	act := ag + "/" + id + "/action"
	r = n.do(adminP, adminR, "", "POST", act, map[string]any{"add_host": map[string]any{"host": "h1"}})
	if want(t, "add host", r, 200); obj(t, r.body, "aggregate")["hosts"].([]any)[0] != "h1" || obj(t, r.body, "aggregate")["uuid"] != nil {
		t.Errorf("add host: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "POST", act, map[string]any{"add_host": map[string]any{"host": "h1"}})
	if want(t, "add twice", r, 409); !strings.Contains(string(r.raw), "already has host h1") {
		t.Errorf("add twice: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "POST", act, map[string]any{"add_host": map[string]any{"host": "nope"}})
	if want(t, "unknown host", r, 404); !strings.Contains(string(r.raw), "Compute host nope could not be found.") {
		t.Errorf("unknown host: %s", r.raw)
	}

	// The zone shows, and servers may ask for it.
	r = n.do(alice, memberR, "", "GET", "/v2.1/os-availability-zone", nil)
	if !strings.Contains(string(r.raw), `"zoneName":"az1"`) || !strings.Contains(string(r.raw), `"zoneName":"nova"`) {
		t.Errorf("zones: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-services?binary=nova-compute", nil)
	if !strings.Contains(string(r.raw), `"host":"h1"`) || !strings.Contains(string(r.raw), `"zone":"az1"`) {
		t.Errorf("services: %s", r.raw)
	}
	f := createFlavor(t, n, "f1", 128, 1, true)
	want(t, "boot into az1", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"availability_zone": "az1"})), 202)
	if b := n.rec.builds[len(n.rec.builds)-1]; b.AvailabilityZone != "az1" {
		t.Errorf("build zone %q", b.AvailabilityZone)
	}
	want(t, "unknown zone", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"availability_zone": "az9"})), 400)

	// One zone per host: h1 cannot join another zone's aggregate, nor can
	// an aggregate holding h1 become another zone.
	r = n.do(adminP, adminR, "", "POST", ag, map[string]any{"aggregate": map[string]any{"name": "other", "availability_zone": "az2"}})
	id2 := string(mustJSON(obj(t, r.body, "aggregate")["id"]))
	r = n.do(adminP, adminR, "", "POST", ag+"/"+id2+"/action", map[string]any{"add_host": map[string]any{"host": "h1"}})
	if want(t, "host in two zones", r, 409); !strings.Contains(string(r.raw), "One or more hosts already in availability zone(s) ['az1']") {
		t.Errorf("two zones: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "POST", ag, map[string]any{"aggregate": map[string]any{"name": "plain"}})
	id3 := string(mustJSON(obj(t, r.body, "aggregate")["id"]))
	want(t, "zone-less aggregate takes h1", n.do(adminP, adminR, "", "POST", ag+"/"+id3+"/action", map[string]any{"add_host": map[string]any{"host": "h1"}}), 200)
	r = n.do(adminP, adminR, "", "POST", ag+"/"+id3+"/action", map[string]any{"set_metadata": map[string]any{"metadata": map[string]any{"availability_zone": "az3"}}})
	if want(t, "metadata zone conflict", r, 400); !strings.Contains(string(r.raw), "Cannot update metadata of aggregate") {
		t.Errorf("metadata zone: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "POST", ag+"/"+id3+"/action", map[string]any{"set_metadata": map[string]any{"metadata": map[string]any{"ssd": "true", "gone": nil}}})
	if want(t, "set metadata", r, 200); obj(t, obj(t, r.body, "aggregate"), "metadata")["ssd"] != "true" {
		t.Errorf("set metadata: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "PUT", ag+"/"+id2, map[string]any{"aggregate": map[string]any{"name": "renamed", "availability_zone": "az2b"}})
	if want(t, "update", r, 200); obj(t, r.body, "aggregate")["name"] != "renamed" || obj(t, r.body, "aggregate")["availability_zone"] != "az2b" {
		t.Errorf("update: %s", r.raw)
	}
	want(t, "update to a taken name", n.do(adminP, adminR, "", "PUT", ag+"/"+id2, map[string]any{"aggregate": map[string]any{"name": "fast"}}), 409)

	// Deleting needs the hosts gone first.
	r = n.do(adminP, adminR, "", "DELETE", ag+"/"+id, nil)
	if want(t, "delete non-empty", r, 400); !strings.Contains(string(r.raw), "Host aggregate is not empty") {
		t.Errorf("delete non-empty: %s", r.raw)
	}
	want(t, "remove host", n.do(adminP, adminR, "", "POST", act, map[string]any{"remove_host": map[string]any{"host": "h1"}}), 200)
	r = n.do(adminP, adminR, "", "POST", act, map[string]any{"remove_host": map[string]any{"host": "h1"}})
	if want(t, "remove again", r, 404); !strings.Contains(string(r.raw), "has no host h1") {
		t.Errorf("remove again: %s", r.raw)
	}
	want(t, "delete", n.do(adminP, adminR, "", "DELETE", ag+"/"+id, nil), 200)
	want(t, "gone", n.do(adminP, adminR, "", "GET", ag+"/"+id, nil), 404)
	r = n.do(alice, memberR, "", "GET", "/v2.1/os-availability-zone", nil)
	if strings.Contains(string(r.raw), `"az1"`) {
		t.Errorf("az1 still listed: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", ag, nil)
	if l := r.body["aggregates"].([]any); len(l) != 2 {
		t.Errorf("list: %s", r.raw)
	}
}
