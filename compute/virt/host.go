package virt

// HostResources is what a host offers, as nova's get_available_resource
// reports it to the resource tracker.
type HostResources struct {
	VCPUs         int // logical CPUs of the host
	VCPUsUsed     int // vCPUs of the guests defined on the host
	MemoryMiB     int
	MemoryMiBUsed int // the host's memory in use (total - available)
	// LocalGB is the capacity of the disks' storage (the vms pool's share of
	// the cluster with RBD), LocalGBUsed what is used, and
	// DiskAvailableLeastGB what is left, in GiB.
	LocalGB              int
	LocalGBUsed          int
	DiskAvailableLeastGB int

	HypervisorType     string // "QEMU" (nova reports QEMU for both kvm and qemu)
	HypervisorVersion  int    // major*1000000 + minor*1000 + micro, as nova
	HypervisorHostname string
	CPUInfo            CPUInfo
}

// CPUInfo is the host CPU as nova's cpu_info JSON: the API shows it in
// os-hypervisors detail.
type CPUInfo struct {
	Arch     string      `json:"arch"`
	Model    string      `json:"model"`
	Vendor   string      `json:"vendor"`
	Topology CPUTopology `json:"topology"`
	Features []string    `json:"features"`
}

// CPUTopology is the host CPU's topology.
type CPUTopology struct {
	Cells   int `json:"cells"`
	Sockets int `json:"sockets"`
	Cores   int `json:"cores"`
	Threads int `json:"threads"`
}
