package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// MethodGetInstanceDiagnostics is nova's get_instance_diagnostics: the
// guest's statistics from its hypervisor.
const MethodGetInstanceDiagnostics = "get_instance_diagnostics"

// GetInstanceDiagnosticsArgs are the arguments of get_instance_diagnostics.
type GetInstanceDiagnosticsArgs struct {
	Instance objects.Instance `json:"instance"`
}

// Diagnostics is nova's Diagnostics object on the wire.
type Diagnostics struct {
	State        string           `json:"state"` // pending, running, paused, shutdown, crashed, suspended
	Driver       string           `json:"driver"`
	Hypervisor   string           `json:"hypervisor"`
	HypervisorOS string           `json:"hypervisor_os"`
	ConfigDrive  bool             `json:"config_drive"`
	MemoryMaxMiB int              `json:"memory_max_mib"`
	MemoryUsed   int              `json:"memory_used_mib"`
	CPUs         []CPUDiagnostics `json:"cpu_details"`
	Disks        []DiskStats      `json:"disk_details"`
	NICs         []NICStats       `json:"nic_details"`
}

// CPUDiagnostics is one vCPU.
type CPUDiagnostics struct {
	ID          int    `json:"id"`
	Time        uint64 `json:"time"`
	Utilisation *int   `json:"utilisation"`
}

// DiskStats is one disk.
type DiskStats struct {
	Device        string `json:"device"`
	ReadBytes     int64  `json:"read_bytes"`
	ReadRequests  int64  `json:"read_requests"`
	WriteBytes    int64  `json:"write_bytes"`
	WriteRequests int64  `json:"write_requests"`
	ErrorsCount   int64  `json:"errors_count"`
}

// NICStats is one network interface.
type NICStats struct {
	Device     string `json:"device"`
	MACAddress string `json:"mac_address"`
	RxOctets   int64  `json:"rx_octets"`
	RxErrors   int64  `json:"rx_errors"`
	RxDrop     int64  `json:"rx_drop"`
	RxPackets  int64  `json:"rx_packets"`
	TxOctets   int64  `json:"tx_octets"`
	TxErrors   int64  `json:"tx_errors"`
	TxDrop     int64  `json:"tx_drop"`
	TxPackets  int64  `json:"tx_packets"`
}

// GetInstanceDiagnostics calls get_instance_diagnostics on the instance's
// host.
func (c *Client) GetInstanceDiagnostics(ctx context.Context, inst objects.Instance) (Diagnostics, error) {
	var reply Diagnostics
	t, err := c.hostOf(&inst)
	if err != nil {
		return reply, err
	}
	err = c.rpc.Call(ctx, t, MethodGetInstanceDiagnostics, GetInstanceDiagnosticsArgs{Instance: inst}, &reply)
	return reply, err
}
