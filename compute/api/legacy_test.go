package api_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/servicegroup"
)

// TestLegacyAPIs covers the deprecated APIs nova still serves at low
// microversions: os-hosts (to 2.42), the usage audit log, extensions and
// the server password.
func TestLegacyAPIs(t *testing.T) {
	n := newNova(t)
	ctx := context.Background()
	svc, err := n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "h1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = n.svcs.Register(ctx, servicegroup.Registration{Binary: "nova-conductor", Host: "c1", Topic: "conductor"})
	if _, err := placement.NewStore(n.store.Pool()).Report(ctx, placement.NodeReport{Host: "h1", Hostname: "h1", VCPUs: 4, MemoryMB: 2048, LocalGB: 20}); err != nil {
		t.Fatal(err)
	}

	r := n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts", nil)
	want(t, "hosts", r, 200)
	if !strings.Contains(string(r.raw), `{"host_name":"h1","service":"compute","zone":"nova"}`) ||
		!strings.Contains(string(r.raw), `{"host_name":"c1","service":"conductor","zone":"internal"}`) {
		t.Errorf("hosts: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts?zone=internal", nil)
	if l := r.body["hosts"].([]any); len(l) != 1 {
		t.Errorf("hosts in zone internal: %s", r.raw)
	}
	want(t, "hosts gone at 2.43", n.do(adminP, adminR, "2.43", "GET", "/v2.1/os-hosts", nil), 404)
	want(t, "hosts as member", n.do(alice, memberR, "", "GET", "/v2.1/os-hosts", nil), 403)
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts/h1", nil)
	want(t, "host show", r, 200)
	if l := r.body["host"].([]any); len(l) != 3 || l[0].(map[string]any)["resource"].(map[string]any)["cpu"] != float64(4) {
		t.Errorf("host show: %s", r.raw)
	}
	want(t, "host show unknown", n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts/nope", nil), 404)
	want(t, "host update bad status", n.do(adminP, adminR, "", "PUT", "/v2.1/os-hosts/h1", map[string]any{"status": "up"}), 400)
	want(t, "host update empty", n.do(adminP, adminR, "", "PUT", "/v2.1/os-hosts/h1", map[string]any{}), 400)
	want(t, "host update unknown", n.do(adminP, adminR, "", "PUT", "/v2.1/os-hosts/nope", map[string]any{"status": "disable"}), 404)
	r = n.do(adminP, adminR, "", "PUT", "/v2.1/os-hosts/h1", map[string]any{"status": "disable"})
	if want(t, "host disable", r, 200); r.body["status"] != "disabled" {
		t.Errorf("host disable: %s", r.raw)
	}
	if s, _ := n.svcs.GetByUUID(ctx, svc.UUID); !s.Disabled {
		t.Errorf("service not disabled: %+v", s)
	}
	want(t, "host maintenance", n.do(adminP, adminR, "", "PUT", "/v2.1/os-hosts/h1", map[string]any{"maintenance_mode": "enable"}), 501)
	want(t, "host reboot", n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts/h1/reboot", nil), 501)
	want(t, "host reboot unknown", n.do(adminP, adminR, "", "GET", "/v2.1/os-hosts/nope/reboot", nil), 404)

	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-instance_usage_audit_log", nil)
	want(t, "audit logs", r, 200)
	if l := obj(t, r.body, "instance_usage_audit_logs"); l["num_hosts"] != float64(1) || l["overall_status"] != "0 of 1 hosts done. 0 errors." {
		t.Errorf("audit logs: %s", r.raw)
	}
	r = n.do(adminP, adminR, "", "GET", "/v2.1/os-instance_usage_audit_log/"+url.PathEscape("2012-12-12 12:12:12"), nil)
	if want(t, "audit log before", r, 200); obj(t, r.body, "instance_usage_audit_log")["period_beginning"] != "2012-11-01 00:00:00" {
		t.Errorf("audit log before: %s", r.raw)
	}
	want(t, "audit log bad time", n.do(adminP, adminR, "", "GET", "/v2.1/os-instance_usage_audit_log/invalid_time", nil), 400)
	want(t, "audit log as member", n.do(alice, memberR, "", "GET", "/v2.1/os-instance_usage_audit_log", nil), 403)

	r = n.do(alice, memberR, "", "GET", "/v2.1/extensions", nil)
	if want(t, "extensions", r, 200); !strings.Contains(string(r.raw), `"name":"Hosts"`) {
		t.Errorf("extensions: %s", r.raw)
	}
	want(t, "extension", n.do(alice, memberR, "", "GET", "/v2.1/extensions/os-consoles", nil), 200)
	want(t, "extension unknown", n.do(alice, memberR, "", "GET", "/v2.1/extensions/os-nope", nil), 404)

	f := createFlavor(t, n, "f1", 128, 1, true)
	r = n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	id := obj(t, r.body, "server")["id"].(string)
	r = n.do(alice, memberR, "", "GET", "/v2.1/servers/"+id+"/os-server-password", nil)
	if want(t, "password", r, 200); r.body["password"] != "" {
		t.Errorf("password: %s", r.raw)
	}
	want(t, "password clear", n.do(alice, memberR, "", "DELETE", "/v2.1/servers/"+id+"/os-server-password", nil), 204)
	want(t, "password of another project", n.do(bob, memberR, "", "GET", "/v2.1/servers/"+id+"/os-server-password", nil), 404)
}
