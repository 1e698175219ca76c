package scheduler

import (
	"testing"

	"github.com/gostack/gostack/volume/rpcapi"
)

func migrationBackends() []Backend {
	caps := func(host, name string, free float64) rpcapi.Capabilities {
		return rpcapi.Capabilities{Host: host, Pool: name, VolumeBackendName: name, AvailabilityZone: "nova",
			FreeCapacityGB: free, TotalCapacityGB: 200, MaxOverSubRatio: 1}
	}
	return []Backend{
		{Up: true, Caps: caps("h@ceph", "ceph", 5)},
		{Up: true, Caps: caps("h@ceph2", "ceph2", 100)},
		{Up: true, Caps: caps("h@ceph3", "ceph2", 150)},
		{Up: true, Disabled: true, Caps: caps("h@off", "off", 1000)},
	}
}

// TestPassesFilters: the named backend, with or without its pool, when
// it passes the filters for the volume's type and size.
func TestPassesFilters(t *testing.T) {
	bs := migrationBackends()
	for _, tc := range []struct {
		name, host string
		spec       rpcapi.RequestSpec
		want       string // "" when refused
		why        string // the reason recorded for host's backend
	}{
		{"backend", "h@ceph2", rpcapi.RequestSpec{Size: 1}, "h@ceph2", ""},
		{"backend and pool", "h@ceph2#ceph2", rpcapi.RequestSpec{Size: 1}, "h@ceph2", ""},
		{"wrong pool", "h@ceph2#volumes", rpcapi.RequestSpec{Size: 1}, "", ReasonNotNamed},
		{"type of another backend", "h@ceph2", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"volume_backend_name": "ceph"}}, "", ReasonBackend},
		{"too small", "h@ceph", rpcapi.RequestSpec{Size: 10}, "", ReasonCapacity},
		{"disabled", "h@off", rpcapi.RequestSpec{Size: 1}, "", ReasonDown},
		{"zone", "h@ceph2", rpcapi.RequestSpec{Size: 1, AvailabilityZone: "elsewhere"}, "", ReasonAZ},
		{"unknown", "h@nope", rpcapi.RequestSpec{Size: 1}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ok, why := PassesFilters(bs, tc.host, tc.spec)
			if tc.want == "" {
				if ok {
					t.Fatalf("got %s, want a refusal", b.Caps.Host)
				}
				if got := why[rpcapi.BackendOf(tc.host)]; got != tc.why {
					t.Fatalf("reason %q, want %q (%v)", got, tc.why, why)
				}
				return
			}
			if !ok || b.Caps.Host != tc.want {
				t.Fatalf("got %v %s, want %s (%v)", ok, b.Caps.Host, tc.want, why)
			}
		})
	}
}

// TestRetypeBackend: the volume's own backend when it fits the new type
// (capacity aside), else the best other one under on-demand, else none.
func TestRetypeBackend(t *testing.T) {
	bs := migrationBackends()
	spec := func(backendName string, size int) rpcapi.RequestSpec {
		es := map[string]string{}
		if backendName != "" {
			es["volume_backend_name"] = backendName
		}
		return rpcapi.RequestSpec{Size: size, ExtraSpecs: es, AvailabilityZone: "nova"}
	}
	for _, tc := range []struct {
		name, current string
		spec          rpcapi.RequestSpec
		policy        string
		want          string // "" for none
		inPlace       bool
	}{
		{"same backend", "h@ceph", spec("ceph", 50), rpcapi.PolicyNever, "h@ceph", true},
		{"no backend name keeps the backend", "h@ceph", spec("", 1), rpcapi.PolicyNever, "h@ceph", true},
		{"needs a move, never", "h@ceph", spec("ceph2", 1), rpcapi.PolicyNever, "", false},
		{"needs a move, on-demand: most free", "h@ceph", spec("ceph2", 1), rpcapi.PolicyOnDemand, "h@ceph3", false},
		{"on-demand prefers staying", "h@ceph2", spec("ceph2", 1), rpcapi.PolicyOnDemand, "h@ceph2", true},
		{"nowhere to go", "h@ceph", spec("nope", 1), rpcapi.PolicyOnDemand, "", false},
		{"destination too small", "h@ceph2", spec("ceph", 10), rpcapi.PolicyOnDemand, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, inPlace, found, why := RetypeBackend(bs, tc.current, tc.spec, tc.policy)
			if tc.want == "" {
				if found {
					t.Fatalf("got %s, want none", b.Caps.Host)
				}
				return
			}
			if !found || b.Caps.Host != tc.want || inPlace != tc.inPlace {
				t.Fatalf("got %v %s in place %v, want %s in place %v (%v)", found, b.Caps.Host, inPlace, tc.want, tc.inPlace, why)
			}
		})
	}
}
