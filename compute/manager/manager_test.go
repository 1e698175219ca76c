package manager_test

import (
	"strings"
	"testing"

	"github.com/gostack/gostack/compute/manager"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
)

func TestDecideSync(t *testing.T) {
	tests := []struct {
		name               string
		vm, task           string
		dbPower, vmPower   int
		update, stop, kill bool
	}{
		{"active and running", objects.VMActive, "", objects.PowerRunning, objects.PowerRunning, false, false, false},
		{"guest shut down by itself", objects.VMActive, "", objects.PowerRunning, objects.PowerShutdown, true, true, false},
		{"guest crashed", objects.VMActive, "", objects.PowerRunning, objects.PowerCrashed, true, true, false},
		{"guest gone (nostate) stays active", objects.VMActive, "", objects.PowerRunning, objects.PowerNoState, true, false, false},
		{"guest paused outside nova", objects.VMActive, "", objects.PowerRunning, objects.PowerPaused, true, false, false},
		{"stopped but running: forced off", objects.VMStopped, "", objects.PowerShutdown, objects.PowerRunning, true, true, true},
		{"stopped and shut off", objects.VMStopped, "", objects.PowerShutdown, objects.PowerShutdown, false, false, false},
		{"paused guest shut off", objects.VMPaused, "", objects.PowerPaused, objects.PowerShutdown, true, true, true},
		{"task in progress is left alone", objects.VMActive, objects.TaskPoweringOff, objects.PowerRunning, objects.PowerShutdown, false, false, false},
		{"error instance only gets its power state", objects.VMError, "", objects.PowerRunning, objects.PowerShutdown, true, false, false},
	}
	for _, tt := range tests {
		inst := &objects.Instance{VMState: tt.vm, TaskState: tt.task, PowerState: tt.dbPower}
		d := manager.DecideSync(inst, tt.vmPower)
		if d.UpdatePower != tt.update || d.Stop != tt.stop || d.ForceOff != tt.kill {
			t.Errorf("%s: %+v; want update %v stop %v forceoff %v", tt.name, d, tt.update, tt.stop, tt.kill)
		}
	}
}

func TestInstanceSpec(t *testing.T) {
	inst := &objects.Instance{ID: 42, UUID: "8d5bcb3a-9f0a-4a43-9d5e-8c1f7f0fa001", Name: "vm1", ImageRef: "img1",
		ProjectID: "p", UserID: "u",
		Flavor:         objects.Flavor{Name: "m1.tiny", VCPUs: 1, MemoryMB: 128, RootGB: 1, EphemeralGB: 2, Swap: 256},
		SystemMetadata: map[string]string{"image_hw_disk_bus": "scsi", "image_os_type": "linux"}}
	img := &objects.ImageMeta{ID: "img1", Name: "tiny", DiskFormat: "raw", Size: 41 << 20,
		Locations:  []string{"file:///x", "rbd://fsid1/images/img1/snap"},
		Properties: map[string]string{"hw_disk_bus": "virtio", "hw_qemu_guest_agent": "yes"}}
	s := manager.InstanceSpec(inst, img)
	if s.Name != "instance-0000002a" || s.VCPUs != 1 || s.MemoryMiB != 128 || s.RootGB != 1 || s.EphemeralGB != 2 || s.SwapMiB != 256 {
		t.Fatalf("spec %+v", s)
	}
	if s.Image.Location == nil || *s.Image.Location != (virt.RBDLocation{FSID: "fsid1", Pool: "images", Image: "img1", Snap: "snap"}) {
		t.Fatalf("location %+v", s.Image.Location)
	}
	if p := s.Image.Properties; p.DiskBus != "virtio" || !p.QemuGuestAgent || p.OSType != "linux" {
		t.Fatalf("properties %+v (the image wins over system metadata)", p)
	}
	for _, bad := range []string{"rbd://a/b/c", "rbd://a//c/d", "http://a/b/c/d"} {
		if _, ok := manager.ParseRBDLocation(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestBuildNodeReport(t *testing.T) {
	cfg := manager.Config{Host: "c1", HostIP: "10.0.0.1", VirtType: "qemu", CPUAllocationRatio: 16, RAMAllocationRatio: 1.5,
		DiskAllocationRatio: 1, ReservedMemoryMB: 512}
	hr := virt.HostResources{VCPUs: 2, MemoryMiB: 24000, MemoryMiBUsed: 4000, LocalGB: 100, LocalGBUsed: 10,
		DiskAvailableLeastGB: 90, HypervisorType: "QEMU", HypervisorVersion: 7002000, HypervisorHostname: "c1.local",
		CPUInfo: virt.CPUInfo{Arch: "x86_64", Model: "qemu64"}}
	r := manager.BuildNodeReport(cfg, hr, 3)
	if r.Host != "c1" || r.Node != "c1.local" || r.FreeRAMMB != 20000 || r.FreeDiskGB != 90 || r.RunningVMs != 3 ||
		r.ReservedHostMemoryMB != 512 || r.RAMAllocationRatio != 1.5 || !strings.Contains(r.CPUInfo, `"arch":"x86_64"`) {
		t.Fatalf("report %+v", r)
	}
	if len(r.SupportedInstances) != 1 || r.SupportedInstances[0] != [3]string{"x86_64", "qemu", "hvm"} {
		t.Fatalf("qemu host supports %v", r.SupportedInstances)
	}
	cfg.VirtType = "kvm"
	if r := manager.BuildNodeReport(cfg, hr, 0); len(r.SupportedInstances) != 2 {
		t.Fatalf("kvm host supports %v", r.SupportedInstances)
	}
}
