package identitypolicy

import (
	"testing"

	"github.com/gostack/gostack/services/policy"
)

// BenchmarkGetUser enforces keystone's identity:get_user, new default OR
// deprecated default, for a user reading itself and another user.
func BenchmarkGetUser(b *testing.B) {
	e, err := policy.New(Defaults(), nil, policy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		target policy.Target
	}{
		{"self", userTarget("alice", "d1")},
		{"other", userTarget("carol", "d2")},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e.Check(member, "identity:get_user", c.target)
			}
		})
	}
}

// BenchmarkNew measures building keystone's Enforcer, once per process.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.New(Defaults(), nil, policy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
