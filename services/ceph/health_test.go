package ceph

import (
	"os"
	"testing"
)

func TestParseHealth(t *testing.T) {
	out, err := os.ReadFile("testdata/health_warn.json")
	if err != nil {
		t.Fatal(err)
	}
	h, err := parseHealth(out)
	if err != nil {
		t.Fatal(err)
	}
	want := "HEALTH_WARN: OSD_DOWN: 1 osds down; POOL_APP_NOT_ENABLED: 1 pool(s) do not have an application enabled"
	if h.String() != want || !h.OK() {
		t.Fatalf("health = %q (ok %v), want %q", h, h.OK(), want)
	}
	h, err = parseHealth([]byte(`{"status":"HEALTH_OK","checks":{},"mutes":[]}`))
	if err != nil || h.String() != "HEALTH_OK" || !h.OK() {
		t.Fatalf("HEALTH_OK: %q, %v", h, err)
	}
	if h, _ := parseHealth([]byte(`{"status":"HEALTH_ERR"}`)); h.OK() {
		t.Fatal("HEALTH_ERR is OK")
	}
	if _, err := parseHealth([]byte(`{}`)); err == nil {
		t.Fatal("no status accepted")
	}
}
