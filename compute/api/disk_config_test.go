package api_test

import "testing"

// TestDiskConfig: OS-DCF:diskConfig is what the create asked for (MANUAL
// by default for an image without auto_disk_config), shown in the create
// answer and on the server, changed by update; a value other than AUTO
// or MANUAL is a 400.
func TestDiskConfig(t *testing.T) {
	n := newNova(t)
	f := createFlavor(t, n, "f1", 128, 1, true)
	want(t, "bad disk config", n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"OS-DCF:diskConfig": "SOMETIMES"})), 400)
	r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, map[string]any{"OS-DCF:diskConfig": "AUTO"}))
	want(t, "create AUTO", r, 202)
	s := obj(t, r.body, "server")
	if s["OS-DCF:diskConfig"] != "AUTO" {
		t.Errorf("create answer: %s", r.raw)
	}
	path := "/v2.1/servers/" + s["id"].(string)
	if got := obj(t, n.do(alice, memberR, "2.1", "GET", path, nil).body, "server")["OS-DCF:diskConfig"]; got != "AUTO" {
		t.Errorf("show after create AUTO: %v", got)
	}
	r = n.do(alice, memberR, "2.1", "PUT", path, map[string]any{"server": map[string]any{"OS-DCF:diskConfig": "MANUAL"}})
	if want(t, "update MANUAL", r, 200); obj(t, r.body, "server")["OS-DCF:diskConfig"] != "MANUAL" {
		t.Errorf("update answer: %s", r.raw)
	}
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	if want(t, "create", r, 202); obj(t, r.body, "server")["OS-DCF:diskConfig"] != "MANUAL" {
		t.Errorf("default disk config: %s", r.raw)
	}
}
