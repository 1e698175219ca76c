package placement

import (
	"encoding/json"
	"math"
	"time"

	"github.com/gostack/gostack/services/servicegroup"
)

// BinaryCompute is the services binary whose hosts have compute nodes.
const BinaryCompute = "nova-compute"

// Node is a compute node (a hypervisor) with its usage.
type Node struct {
	ID                 int64
	UUID               string
	Host               string // the nova-compute host (services.host)
	Hostname           string // hypervisor_hostname
	HypervisorType     string // "QEMU"
	HypervisorVersion  int64
	HostIP             string
	VCPUs              int
	MemoryMB           int
	LocalGB            int
	ReportedFreeRAMMB  int // free RAM as the hypervisor last saw it
	ReportedFreeDiskGB int
	DiskAvailableLeast int
	ReportedRunningVMs int
	CPUInfo            string // JSON

	CPUAllocationRatio  float64
	RAMAllocationRatio  float64
	DiskAllocationRatio float64
	ReservedCPUs        int
	ReservedMemoryMB    int
	ReservedDiskMB      int

	// SupportedInstances are the (architecture, hypervisor type, vm mode)
	// triples the node can run, e.g. ["x86_64", "qemu", "hvm"].
	SupportedInstances [][3]string

	CreatedAt time.Time
	UpdatedAt time.Time // zero if never updated

	// Used sums the node's allocations.
	Used Usage
}

// Usage is what the allocations on a node add up to.
type Usage struct {
	VCPUs     int
	MemoryMB  int
	DiskGB    int
	Instances int // allocations, one per instance
}

// capacity is placement's (total - reserved) * allocation_ratio, floored.
func capacity(total, reserved int, ratio float64) int {
	return int(math.Floor(float64(total-reserved) * ratio))
}

// reservedDiskGB is the reserved disk in whole GiB, rounded up.
func (n *Node) reservedDiskGB() int { return (n.ReservedDiskMB + 1023) / 1024 }

// CapacityVCPUs is how many vCPUs the node may give out in all.
func (n *Node) CapacityVCPUs() int { return capacity(n.VCPUs, n.ReservedCPUs, n.CPUAllocationRatio) }

// CapacityMemoryMB is how much RAM the node may give out in all.
func (n *Node) CapacityMemoryMB() int {
	return capacity(n.MemoryMB, n.ReservedMemoryMB, n.RAMAllocationRatio)
}

// CapacityDiskGB is how much disk the node may give out in all.
func (n *Node) CapacityDiskGB() int {
	return capacity(n.LocalGB, n.reservedDiskGB(), n.DiskAllocationRatio)
}

// LeftVCPUs is what is left to claim (negative when the capacity shrank
// below the claims).
func (n *Node) LeftVCPUs() int { return n.CapacityVCPUs() - n.Used.VCPUs }

// LeftMemoryMB is the RAM left to claim.
func (n *Node) LeftMemoryMB() int { return n.CapacityMemoryMB() - n.Used.MemoryMB }

// LeftDiskGB is the disk left to claim.
func (n *Node) LeftDiskGB() int { return n.CapacityDiskGB() - n.Used.DiskGB }

// Hypervisor is a compute node as os-hypervisors shows it: the node and the
// nova-compute service of its host (Service is nil when the host has no
// live service row).
type Hypervisor struct {
	Node
	Service *servicegroup.Service
}

// The usage figures of os-hypervisors, as nova's resource tracker computes
// them: reserved amounts count as used.

// MemoryMBUsed is memory_mb_used.
func (h *Hypervisor) MemoryMBUsed() int { return h.Used.MemoryMB + h.ReservedMemoryMB }

// LocalGBUsed is local_gb_used.
func (h *Hypervisor) LocalGBUsed() int { return h.Used.DiskGB + h.reservedDiskGB() }

// FreeRAMMB is free_ram_mb: memory_mb - memory_mb_used (negative when
// overcommitted).
func (h *Hypervisor) FreeRAMMB() int { return h.MemoryMB - h.MemoryMBUsed() }

// FreeDiskGB is free_disk_gb: local_gb - local_gb_used.
func (h *Hypervisor) FreeDiskGB() int { return h.LocalGB - h.LocalGBUsed() }

// RunningVMs is running_vms: the instances on the node.
func (h *Hypervisor) RunningVMs() int { return h.Used.Instances }

// State is "up" or "down" by the service's heartbeat.
func (h *Hypervisor) State(now time.Time, serviceDownTime time.Duration) string {
	if h.Service != nil && servicegroup.IsUp(*h.Service, now, serviceDownTime) {
		return "up"
	}
	return "down"
}

// Status is "enabled" or "disabled" by the service.
func (h *Hypervisor) Status() string {
	if h.Service == nil || h.Service.Disabled {
		return "disabled"
	}
	return "enabled"
}

// Arch is the CPU architecture from cpu_info, "" when unknown.
func (n *Node) Arch() string {
	var ci struct {
		Arch string `json:"arch"`
	}
	if json.Unmarshal([]byte(n.CPUInfo), &ci) != nil {
		return ""
	}
	return ci.Arch
}
