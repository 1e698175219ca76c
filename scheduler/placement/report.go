package placement

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
)

// Default allocation ratios, nova's initial_*_allocation_ratio (Zed),
// used when a report gives none.
const (
	DefaultCPUAllocationRatio  = 16.0
	DefaultRAMAllocationRatio  = 1.5
	DefaultDiskAllocationRatio = 1.0
)

// NodeReport is a compute node's inventory as its nova-compute reports it
// (through the conductor). Field names follow conductorapi's
// ComputeNodeReport.
type NodeReport struct {
	Host               string
	Hostname           string // hypervisor_hostname
	UUID               string // kept when the node already exists; generated when empty
	HypervisorType     string
	HypervisorVersion  int64
	HostIP             string
	VCPUs              int
	MemoryMB           int
	LocalGB            int
	FreeRAMMB          int
	FreeDiskGB         int
	DiskAvailableLeast int
	RunningVMs         int
	CPUInfo            string // JSON

	// Allocation ratios ([DEFAULT] cpu/ram/disk_allocation_ratio of the
	// compute host); zero means the default.
	CPUAllocationRatio  float64
	RAMAllocationRatio  float64
	DiskAllocationRatio float64
	// Reserved amounts ([DEFAULT] reserved_host_cpus,
	// reserved_host_memory_mb, reserved_host_disk_mb).
	ReservedCPUs     int
	ReservedMemoryMB int
	ReservedDiskMB   int
	// SupportedInstances; when empty, the architecture of CPUInfo with the
	// hypervisor types qemu and kvm.
	SupportedInstances [][3]string
}

func (r NodeReport) withDefaults() NodeReport {
	if r.CPUAllocationRatio <= 0 {
		r.CPUAllocationRatio = DefaultCPUAllocationRatio
	}
	if r.RAMAllocationRatio <= 0 {
		r.RAMAllocationRatio = DefaultRAMAllocationRatio
	}
	if r.DiskAllocationRatio <= 0 {
		r.DiskAllocationRatio = DefaultDiskAllocationRatio
	}
	if r.CPUInfo == "" {
		r.CPUInfo = "{}"
	}
	if len(r.SupportedInstances) == 0 {
		if arch := (&Node{CPUInfo: r.CPUInfo}).Arch(); arch != "" {
			r.SupportedInstances = [][3]string{{arch, "qemu", "hvm"}, {arch, "kvm", "hvm"}}
		}
	}
	if r.UUID == "" {
		r.UUID = uuid.NewString()
	}
	return r
}

// Report creates or updates the node (host, hypervisor hostname) with the
// inventory in r and returns it with its usage. A node keeps its id and
// uuid across reports.
func (s *Store) Report(ctx context.Context, r NodeReport) (Hypervisor, error) {
	if r.Host == "" || r.Hostname == "" {
		return Hypervisor{}, fault.New(fault.Invalid, "a compute node report needs a host and a hypervisor hostname (got %q, %q)", r.Host, r.Hostname)
	}
	if r.VCPUs < 0 || r.MemoryMB < 0 || r.LocalGB < 0 {
		return Hypervisor{}, fault.New(fault.Invalid, "a compute node report cannot have negative resources")
	}
	r = r.withDefaults()
	if _, err := uuid.Parse(r.UUID); err != nil {
		return Hypervisor{}, fault.New(fault.Invalid, "compute node uuid %q is not a UUID", r.UUID)
	}
	supported, err := json.Marshal(r.SupportedInstances)
	if err != nil {
		return Hypervisor{}, err
	}
	var id int64
	err = s.q.QueryRow(ctx, `
		INSERT INTO compute_nodes (uuid, host, hypervisor_hostname, hypervisor_type, hypervisor_version,
			host_ip, vcpus, memory_mb, local_gb, free_ram_mb, free_disk_gb, disk_available_least,
			running_vms, cpu_info, cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio,
			reserved_host_cpus, reserved_host_memory_mb, reserved_host_disk_mb, supported_instances)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT (host, hypervisor_hostname) WHERE deleted_at IS NULL DO UPDATE SET
			hypervisor_type = excluded.hypervisor_type,
			hypervisor_version = excluded.hypervisor_version,
			host_ip = excluded.host_ip,
			vcpus = excluded.vcpus,
			memory_mb = excluded.memory_mb,
			local_gb = excluded.local_gb,
			free_ram_mb = excluded.free_ram_mb,
			free_disk_gb = excluded.free_disk_gb,
			disk_available_least = excluded.disk_available_least,
			running_vms = excluded.running_vms,
			cpu_info = excluded.cpu_info,
			cpu_allocation_ratio = excluded.cpu_allocation_ratio,
			ram_allocation_ratio = excluded.ram_allocation_ratio,
			disk_allocation_ratio = excluded.disk_allocation_ratio,
			reserved_host_cpus = excluded.reserved_host_cpus,
			reserved_host_memory_mb = excluded.reserved_host_memory_mb,
			reserved_host_disk_mb = excluded.reserved_host_disk_mb,
			supported_instances = excluded.supported_instances,
			updated_at = now()
		RETURNING id`,
		r.UUID, r.Host, r.Hostname, r.HypervisorType, r.HypervisorVersion, r.HostIP,
		r.VCPUs, r.MemoryMB, r.LocalGB, r.FreeRAMMB, r.FreeDiskGB, r.DiskAvailableLeast,
		r.RunningVMs, r.CPUInfo, r.CPUAllocationRatio, r.RAMAllocationRatio, r.DiskAllocationRatio,
		r.ReservedCPUs, r.ReservedMemoryMB, r.ReservedDiskMB, supported).Scan(&id)
	if err != nil {
		return Hypervisor{}, fmt.Errorf("report compute node %s on %s: %w", r.Hostname, r.Host, err)
	}
	return s.Get(ctx, id)
}
