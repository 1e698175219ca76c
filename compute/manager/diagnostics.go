package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// diagnosticStates are nova's power state names in diagnostics.
var diagnosticStates = map[virt.PowerState]string{
	virt.NoState: "pending", virt.Running: "running", virt.Paused: "paused",
	virt.Shutdown: "shutdown", virt.Crashed: "crashed", virt.Suspended: "suspended",
}

// getInstanceDiagnostics serves get_instance_diagnostics (a call): the
// guest's counters from the driver.
func (m *Manager) getInstanceDiagnostics(ctx context.Context, a computeapi.GetInstanceDiagnosticsArgs) (computeapi.Diagnostics, error) {
	dg, ok := m.driver.(virt.Diagnoser)
	if !ok {
		return computeapi.Diagnostics{}, fault.New(fault.NotImplemented, "Virt driver does not implement diagnostics.")
	}
	d, err := dg.Diagnostics(ctx, a.Instance.UUID)
	if err != nil {
		return computeapi.Diagnostics{}, err
	}
	out := computeapi.Diagnostics{
		State: diagnosticStates[d.State], Driver: d.Driver, Hypervisor: d.Hypervisor, HypervisorOS: d.HypervisorOS,
		ConfigDrive: a.Instance.ConfigDrive, MemoryMaxMiB: d.MemoryMaxMiB, MemoryUsed: d.MemoryUsed,
		CPUs: []computeapi.CPUDiagnostics{}, Disks: []computeapi.DiskStats{}, NICs: []computeapi.NICStats{},
	}
	for _, c := range d.CPUs {
		out.CPUs = append(out.CPUs, computeapi.CPUDiagnostics{ID: c.ID, Time: c.TimeNS, Utilisation: c.Percent})
	}
	for _, dk := range d.Disks {
		out.Disks = append(out.Disks, computeapi.DiskStats{Device: dk.Device, ReadBytes: dk.ReadBytes, ReadRequests: dk.ReadRequests,
			WriteBytes: dk.WriteBytes, WriteRequests: dk.WriteRequests, ErrorsCount: dk.Errors})
	}
	for _, n := range d.NICs {
		out.NICs = append(out.NICs, computeapi.NICStats{Device: n.Device, MACAddress: n.MAC,
			RxOctets: n.RxOctets, RxErrors: n.RxErrors, RxDrop: n.RxDrop, RxPackets: n.RxPackets,
			TxOctets: n.TxOctets, TxErrors: n.TxErrors, TxDrop: n.TxDrop, TxPackets: n.TxPackets})
	}
	return out, nil
}
