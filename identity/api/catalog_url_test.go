package api

import "testing"

func TestFormatEndpointURL(t *testing.T) {
	subs := map[string]string{"project_id": "p1", "tenant_id": "p1", "user_id": "u1"}
	for _, c := range []struct {
		tpl, want string
		ok        bool
	}{
		{"http://h:8776/v3/%(project_id)s", "http://h:8776/v3/p1", true},
		{"http://h:8776/v3/$(project_id)s", "http://h:8776/v3/p1", true},
		{"http://h:8774/v2.1/%(tenant_id)s/x/%(user_id)s", "http://h:8774/v2.1/p1/x/u1", true},
		{"http://h:9292", "http://h:9292", true},
		{"http://h/100%%", "http://h/100%", true},
		{"http://h/%(domain_id)s", "", false},
		{"http://h/%(project_id", "http://h/%(project_id", true},
	} {
		got, ok := formatEndpointURL(c.tpl, subs)
		if got != c.want || ok != c.ok {
			t.Errorf("formatEndpointURL(%q) = %q, %v; want %q, %v", c.tpl, got, ok, c.want, c.ok)
		}
	}
	if _, ok := formatEndpointURL("http://h/v3/%(project_id)s", map[string]string{"user_id": "u"}); ok {
		t.Error("a project template without a project must be left out")
	}
}
