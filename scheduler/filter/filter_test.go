package filter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/scheduler/filter"
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/servicegroup"
)

var now = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// host: 2 CPUs, 4096 MB (512 reserved), 20 GB, ratios 16/1.5/1, up, zone nova.
func host(mod func(h *hoststate.Host)) *hoststate.Host {
	h := hoststate.New(placement.Hypervisor{
		Node: placement.Node{ID: 1, Host: "c1", Hostname: "c1.example", VCPUs: 2, MemoryMB: 4096, LocalGB: 20,
			ReservedMemoryMB: 512, CPUAllocationRatio: 16, RAMAllocationRatio: 1.5, DiskAllocationRatio: 1,
			SupportedInstances: [][3]string{{"x86_64", "qemu", "hvm"}}},
		Service: &servicegroup.Service{ID: 1, Host: "c1", Binary: "nova-compute", LastSeenUp: now.Add(-5 * time.Second)},
	}, "nova")
	if mod != nil {
		mod(h)
	}
	return h
}

func spec(mod func(s *schedulerapi.RequestSpec)) *schedulerapi.RequestSpec {
	s := &schedulerapi.RequestSpec{InstanceUUIDs: []string{"i1"}, Resources: schedulerapi.Resources{VCPUs: 1, MemoryMB: 512, RootGB: 1}}
	if mod != nil {
		mod(s)
	}
	return s
}

func TestFilters(t *testing.T) {
	env := filter.Env{Now: func() time.Time { return now }, ServiceDownTime: time.Minute}
	tests := []struct {
		name   string
		filter filter.Filter
		host   *hoststate.Host
		spec   *schedulerapi.RequestSpec
		reason string // "" passes; else a substring of the reason
	}{
		{"compute up and enabled", filter.Compute{Env: env}, host(nil), spec(nil), ""},
		{"compute disabled", filter.Compute{Env: env}, host(func(h *hoststate.Host) { h.Service.Disabled, h.Service.DisabledReason = true, "maint" }), spec(nil), "disabled: maint"},
		{"compute forced down", filter.Compute{Env: env}, host(func(h *hoststate.Host) { h.Service.ForcedDown = true }), spec(nil), "forced down"},
		{"compute silent", filter.Compute{Env: env}, host(func(h *hoststate.Host) { h.Service.LastSeenUp = now.Add(-2 * time.Minute) }), spec(nil), "is down"},
		{"compute without service", filter.Compute{Env: env}, host(func(h *hoststate.Host) { h.Service = nil }), spec(nil), "no nova-compute service"},

		{"zone any", filter.AvailabilityZone{}, host(nil), spec(nil), ""},
		{"zone match", filter.AvailabilityZone{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.AvailabilityZone = "nova" }), ""},
		{"zone of the service", filter.AvailabilityZone{}, hoststate.New(host(func(h *hoststate.Host) { h.Service.Zone = "az2" }).Hypervisor, "nova"), spec(func(s *schedulerapi.RequestSpec) { s.AvailabilityZone = "az2" }), ""},
		{"zone mismatch", filter.AvailabilityZone{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.AvailabilityZone = "az2" }), "availability zone nova, not az2"},

		// RAM capacity (4096-512)*1.5 = 5376.
		{"ram fits with overcommit", filter.RAM{}, host(func(h *hoststate.Host) { h.Used.MemoryMB = 4352 }), spec(func(s *schedulerapi.RequestSpec) { s.Resources.MemoryMB = 1024 }), ""},
		{"ram short", filter.RAM{}, host(func(h *hoststate.Host) { h.Used.MemoryMB = 4353 }), spec(func(s *schedulerapi.RequestSpec) { s.Resources.MemoryMB = 1024 }), "1023 MB of usable RAM left"},
		{"ram larger than the host", filter.RAM{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.Resources.MemoryMB = 5000 }), "4096 MB of RAM in all"},
		{"ram ratio 1.0", filter.RAM{}, host(func(h *hoststate.Host) { h.RAMAllocationRatio = 1 }), spec(func(s *schedulerapi.RequestSpec) { s.Resources.MemoryMB = 3585 }), "3584 MB"},

		{"disk fits", filter.Disk{}, host(func(h *hoststate.Host) { h.Used.DiskGB = 17 }), spec(func(s *schedulerapi.RequestSpec) {
			s.Resources = schedulerapi.Resources{RootGB: 1, EphemeralGB: 1, SwapMB: 512}
		}), ""},
		{"disk counts swap rounded up", filter.Disk{}, host(func(h *hoststate.Host) { h.Used.DiskGB = 18 }), spec(func(s *schedulerapi.RequestSpec) {
			s.Resources = schedulerapi.Resources{RootGB: 1, EphemeralGB: 1, SwapMB: 512}
		}), "2 GB of usable disk left"},
		{"disk zero flavor", filter.Disk{}, host(func(h *hoststate.Host) { h.Used.DiskGB = 20 }), spec(func(s *schedulerapi.RequestSpec) { s.Resources.RootGB = 0 }), ""},
		{"disk ratio 2", filter.Disk{}, host(func(h *hoststate.Host) { h.Used.DiskGB = 30; h.DiskAllocationRatio = 2 }), spec(func(s *schedulerapi.RequestSpec) { s.Resources.RootGB = 10 }), ""},

		{"core fits 32 with ratio 16", filter.Core{}, host(func(h *hoststate.Host) { h.Used.VCPUs = 31 }), spec(nil), ""},
		{"core exhausted", filter.Core{}, host(func(h *hoststate.Host) { h.Used.VCPUs = 32 }), spec(nil), "0 vCPUs left"},
		{"core more than physical", filter.Core{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.Resources.VCPUs = 3 }), "has 2 CPUs"},

		{"image without properties", filter.ImageProperties{}, host(func(h *hoststate.Host) { h.SupportedInstances = nil }), spec(nil), ""},
		{"image arch match (alias)", filter.ImageProperties{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.ImageProperties = map[string]string{"hw_architecture": "amd64"} }), ""},
		{"image arch mismatch", filter.ImageProperties{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.ImageProperties = map[string]string{"hw_architecture": "aarch64"} }), "hw_architecture=aarch64"},
		{"image hv type qemu", filter.ImageProperties{}, host(nil), spec(func(s *schedulerapi.RequestSpec) {
			s.ImageProperties = map[string]string{"img_hv_type": "qemu", "hw_vm_mode": "hvm"}
		}), ""},
		{"image hv type kvm on a qemu host", filter.ImageProperties{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.ImageProperties = map[string]string{"img_hv_type": "kvm"} }), "img_hv_type=kvm"},
		{"image legacy architecture", filter.ImageProperties{}, host(nil), spec(func(s *schedulerapi.RequestSpec) { s.ImageProperties = map[string]string{"architecture": "ppc64le"} }), "ppc64le"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.filter.Check(tt.host, tt.spec)
			switch {
			case tt.reason == "" && got != "":
				t.Errorf("refused: %s", got)
			case tt.reason != "" && !strings.Contains(got, tt.reason):
				t.Errorf("reason %q; want it to contain %q", got, tt.reason)
			}
		})
	}
}

func TestApplyAndForced(t *testing.T) {
	a := host(nil)
	b := host(func(h *hoststate.Host) { h.Host, h.Hostname = "c2", "c2.example"; h.Service.Disabled = true })
	fs, err := filter.New(filter.DefaultEnabled, filter.Env{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	pass, rej := filter.Apply(fs, []*hoststate.Host{a, b}, spec(nil))
	if len(pass) != 1 || pass[0] != a || len(rej) != 1 || rej[0].Filter != "ComputeFilter" || rej[0].Host != "c2.example" {
		t.Fatalf("pass %v rejected %+v", pass, rej)
	}
	got, why := filter.Forced([]*hoststate.Host{a, b}, spec(func(s *schedulerapi.RequestSpec) { s.ForceHosts = []string{"C2"} }))
	if why != "" || len(got) != 1 || got[0] != b {
		t.Fatalf("forced c2: %v %q", got, why)
	}
	if _, why := filter.Forced([]*hoststate.Host{a}, spec(func(s *schedulerapi.RequestSpec) { s.ForceHosts = []string{"zz"} })); why == "" {
		t.Fatal("forcing an unknown host gave hosts")
	}
	if _, err := filter.New([]string{"NoSuchFilter"}, filter.Env{}); err == nil || !strings.Contains(err.Error(), "RamFilter") {
		t.Fatalf("unknown filter: %v", err)
	}
}
