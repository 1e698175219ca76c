package virt

import "context"

// Diagnoser is the optional ability to report a guest's statistics
// (nova's get_instance_diagnostics).
type Diagnoser interface {
	// Diagnostics reports the guest's CPU, memory, disk and NIC
	// counters; a missing guest is fault.NotFound.
	Diagnostics(ctx context.Context, uuid string) (Diagnostics, error)
}

// Diagnostics are nova's Diagnostics object: counters as the hypervisor
// reports them (cumulative since the guest started).
type Diagnostics struct {
	State        PowerState
	Driver       string // "libvirt"
	Hypervisor   string // the virt type: "kvm" or "qemu"
	HypervisorOS string // "linux"
	MemoryMaxMiB int
	MemoryUsed   int // MiB, as the balloon reports; 0 when unknown
	CPUs         []CPUDiagnostics
	Disks        []DiskDiagnostics
	NICs         []NICDiagnostics
}

// CPUDiagnostics is one virtual CPU.
type CPUDiagnostics struct {
	ID      int
	TimeNS  uint64
	Percent *int // utilisation; nil when unknown
}

// DiskDiagnostics is one disk, by its guest device name.
type DiskDiagnostics struct {
	Device                    string
	ReadBytes, ReadRequests   int64
	WriteBytes, WriteRequests int64
	Errors                    int64
}

// NICDiagnostics is one network interface, by its host device.
type NICDiagnostics struct {
	Device, MAC                           string
	RxOctets, RxErrors, RxDrop, RxPackets int64
	TxOctets, TxErrors, TxDrop, TxPackets int64
}
