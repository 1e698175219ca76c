package api_test

import (
	"strings"
	"testing"
)

// TestServiceUpdate: PUT /os-services/{action} as Zed's: the body echoed
// (service "" when only binary was sent), disabled_reason only for
// disable-log-reason and kept by enable, cinder's schema errors, 400 for
// an unknown action, 404 naming binary and host; cinder-volume services
// show replication_status disabled (RBD without replication). It uses the
// scheduler's service, which nothing skips when it is disabled.
func TestServiceUpdate(t *testing.T) {
	s := adminSession(t)
	var host string
	for _, sv := range s.must(200, "GET", "/os-services", "", nil)["services"].([]any) {
		sv := sv.(map[string]any)
		switch sv["binary"] {
		case "cinder-scheduler":
			host = sv["host"].(string)
		case "cinder-volume":
			if sv["replication_status"] != "disabled" {
				t.Errorf("cinder-volume %v: replication_status %v, want disabled", sv["host"], sv["replication_status"])
			}
		}
	}
	if host == "" {
		t.Fatal("no cinder-scheduler service")
	}
	body := func(extra map[string]any) map[string]any {
		b := map[string]any{"host": host, "binary": "cinder-scheduler"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	t.Cleanup(func() {
		s.do("PUT", "/os-services/disable-log-reason", "", body(nil)) // clears the reason
		s.do("PUT", "/os-services/enable", "", body(nil))
	})
	out := s.must(200, "PUT", "/os-services/disable-log-reason", "", body(map[string]any{"disabled_reason": "maint"}))
	if out["disabled_reason"] != "maint" || out["disabled"] != true || out["status"] != "disabled" || out["service"] != "" ||
		out["binary"] != "cinder-scheduler" || out["host"] != host {
		t.Errorf("disable-log-reason: %v", out)
	}
	out = s.must(200, "PUT", "/os-services/enable", "", body(nil))
	if _, ok := out["disabled_reason"]; ok || out["disabled"] != false || out["status"] != "enabled" {
		t.Errorf("enable: %v, want no disabled_reason", out)
	}
	for _, sv := range s.must(200, "GET", "/os-services?binary=cinder-scheduler", "", nil)["services"].([]any) {
		sv := sv.(map[string]any)
		if sv["host"] == host && (sv["status"] != "enabled" || sv["disabled_reason"] != "maint") {
			t.Errorf("after enable: %v, want enabled with the last reason kept", sv)
		}
	}
	for _, tc := range []struct {
		path string
		body map[string]any
		code int
		msg  string
	}{
		{"/os-services/bogus", body(nil), 400, "Invalid input received: Unknown action"},
		{"/os-services/enable", map[string]any{"host": host}, 400, "{'host': '" + host + "'} is not valid under any of the given schemas"},
		{"/os-services/enable", map[string]any{"binary": "cinder-scheduler"}, 400, "Invalid input received: Host field is missing."},
		{"/os-services/enable", map[string]any{"host": "nohost", "binary": "cinder-scheduler"}, 404, "Service cinder-scheduler could not be found on host nohost."},
		{"/os-services/disable-log-reason", body(map[string]any{"disabled_reason": "  "}), 400, "Invalid input for field/attribute disabled_reason. Value:   . '  ' is not a 'disabled_reason'"},
		{"/os-services/disable-log-reason", body(map[string]any{"disabled_reason": strings.Repeat("x", 256)}), 400, "is too long"},
		// tempest's test_disable_log_reason_with_no_reason
		{"/os-services/disable-log-reason", body(map[string]any{"disabled_reason": nil}), 400, "None is not of type 'string'"},
	} {
		code, out := s.do("PUT", tc.path, "", tc.body)
		if m, _ := faultMessage(out); code != tc.code || !strings.Contains(m, tc.msg) {
			t.Errorf("PUT %s %v: %d %q, want %d %q", tc.path, tc.body, code, m, tc.code, tc.msg)
		}
	}
}
