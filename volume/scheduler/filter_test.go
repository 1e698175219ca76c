package scheduler

import (
	"testing"

	"github.com/gostack/gostack/volume/rpcapi"
)

func TestFilter(t *testing.T) {
	a := Backend{Up: true, Caps: rpcapi.Capabilities{Host: "h@a", VolumeBackendName: "ceph", AvailabilityZone: "nova", FreeCapacityGB: 100, TotalCapacityGB: 200, MaxOverSubRatio: 1}}
	b := Backend{Up: true, Caps: rpcapi.Capabilities{Host: "h@b", VolumeBackendName: "ceph2", AvailabilityZone: "nova", FreeCapacityGB: 50, TotalCapacityGB: 200, MaxOverSubRatio: 1}}
	down := Backend{Up: false, Caps: rpcapi.Capabilities{Host: "h@c", VolumeBackendName: "ceph", FreeCapacityGB: 1000}}
	for _, tc := range []struct {
		name string
		spec rpcapi.RequestSpec
		want []string
	}{
		{"most free first", rpcapi.RequestSpec{Size: 1}, []string{"h@a", "h@b"}},
		{"by backend name", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"volume_backend_name": "ceph2"}}, []string{"h@b"}},
		{"capabilities scope", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"capabilities:volume_backend_name": "ceph2"}}, []string{"h@b"}},
		{"unreported capability", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"storage_protocol": "bogus"}}, nil},
		{"other scopes ignored", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"RESKEY:availability_zones": "x", "volume_backend_name": "ceph"}}, []string{"h@a"}},
		{"or operator", rpcapi.RequestSpec{Size: 1, ExtraSpecs: map[string]string{"volume_backend_name": "<or> x <or> ceph2"}}, []string{"h@b"}},
		{"capacity", rpcapi.RequestSpec{Size: 80}, []string{"h@a"}},
		{"too big", rpcapi.RequestSpec{Size: 500}, nil},
		{"az", rpcapi.RequestSpec{Size: 1, AvailabilityZone: "other"}, nil},
		{"source host", rpcapi.RequestSpec{Size: 500, SourceHost: "h@b#volumes"}, []string{"h@b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := Filter([]Backend{a, b, down}, tc.spec)
			var hosts []string
			for _, g := range got {
				hosts = append(hosts, g.Caps.Host)
			}
			if len(hosts) != len(tc.want) {
				t.Fatalf("got %v, want %v", hosts, tc.want)
			}
			for i := range hosts {
				if hosts[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", hosts, tc.want)
				}
			}
		})
	}
}
