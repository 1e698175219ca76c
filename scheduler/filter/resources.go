package filter

import (
	"fmt"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// RAM passes hosts with enough RAM left to claim: (memory_mb -
// reserved_host_memory_mb) * ram_allocation_ratio minus the claims (nova's
// RamFilter, as placement counts).
type RAM struct{}

// Name is the filter's nova class name.
func (RAM) Name() string { return "RamFilter" }

// Check compares the flavor's memory with what is left.
func (RAM) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	req := spec.Resources.MemoryMB
	if req > h.MemoryMB {
		return fmt.Sprintf("%s has %d MB of RAM in all, the flavor needs %d MB", h.Hostname, h.MemoryMB, req)
	}
	if free := h.LeftMemoryMB(); req > free {
		return fmt.Sprintf("%s has %d MB of usable RAM left (ram_allocation_ratio %g), the flavor needs %d MB",
			h.Hostname, max(free, 0), h.RAMAllocationRatio, req)
	}
	return ""
}

// Disk passes hosts with enough disk left for root, ephemeral and swap
// (nova's DiskFilter, with disk_allocation_ratio).
type Disk struct{}

// Name is the filter's nova class name.
func (Disk) Name() string { return "DiskFilter" }

// Check compares the flavor's disk with what is left.
func (Disk) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	req := spec.Resources.DiskGB()
	if req == 0 {
		return ""
	}
	if req > h.LocalGB {
		return fmt.Sprintf("%s has %d GB of disk in all, the flavor needs %d GB", h.Hostname, h.LocalGB, req)
	}
	if free := h.LeftDiskGB(); req > free {
		return fmt.Sprintf("%s has %d GB of usable disk left (disk_allocation_ratio %g), the flavor needs %d GB",
			h.Hostname, max(free, 0), h.DiskAllocationRatio, req)
	}
	return ""
}

// Core passes hosts with enough vCPUs left (nova's CoreFilter, with
// cpu_allocation_ratio); a flavor may not have more vCPUs than the host
// has physical ones.
type Core struct{}

// Name is the filter's nova class name.
func (Core) Name() string { return "CoreFilter" }

// Check compares the flavor's vCPUs with what is left.
func (Core) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	req := spec.Resources.VCPUs
	if req > h.VCPUs {
		return fmt.Sprintf("%s has %d CPUs, the flavor needs %d vCPUs", h.Hostname, h.VCPUs, req)
	}
	if free := h.LeftVCPUs(); req > free {
		return fmt.Sprintf("%s has %d vCPUs left (cpu_allocation_ratio %g), the flavor needs %d",
			h.Hostname, max(free, 0), h.CPUAllocationRatio, req)
	}
	return ""
}
