package policy

import "testing"

// BenchmarkEnforce measures a typical keystone check: identity:get_user
// with its deprecated default OR'ed in, by a plain user on itself (the
// last alternative matches) and by another project member (all fail).
func BenchmarkEnforce(b *testing.B) {
	defaults := []Rule{
		{Name: "admin_required", Check: "role:admin or is_admin:1"},
		{Name: "owner", Check: "user_id:%(user_id)s"},
		{Name: "admin_or_owner", Check: "rule:admin_required or rule:owner"},
		{Name: "identity:get_user",
			Check:      "(role:reader and system_scope:all) or (role:reader and token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s",
			Deprecated: &DeprecatedRule{Name: "identity:get_user", Check: "rule:admin_or_owner"}},
	}
	e, err := New(defaults, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	creds := &Credentials{UserID: "u1", UserDomainID: "default", ProjectID: "p1", ProjectDomainID: "default",
		Roles: []string{"member", "reader"}, IsAdminProject: true}
	cases := []struct {
		name   string
		target Target
		allow  bool
	}{
		{"self", Target{"user_id": "u1", "target.user.id": "u1", "target.user.domain_id": "default"}, true},
		{"other", Target{"user_id": "u2", "target.user.id": "u2", "target.user.domain_id": "default"}, false},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := e.Enforce(creds, "identity:get_user", c.target); (err == nil) != c.allow {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNew measures building an Enforcer (parse and link) from a
// small rule table.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(testDefaults, nil, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
