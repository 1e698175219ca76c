package hoststate

import (
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// DefaultZone is nova's [DEFAULT] default_availability_zone.
const DefaultZone = "nova"

// Host is one compute node as the filters and weighers see it.
type Host struct {
	placement.Hypervisor
	// Zone is the availability zone of the host's aggregates, else of the
	// node's service, else the default zone.
	Zone string
	// Aggregates are the metadata of the host's aggregates, each key with
	// the values the aggregates give it (nova's HostState.aggregates).
	Aggregates map[string][]string
}

// New builds the Host of a hypervisor; defaultZone is used when its
// service has no zone.
func New(h placement.Hypervisor, defaultZone string) *Host {
	zone := defaultZone
	if h.Service != nil && h.Service.Zone != "" {
		zone = h.Service.Zone
	}
	return &Host{Hypervisor: h, Zone: zone}
}

// Consume adds one instance of r to the host's usage, as nova's
// HostState.consume_from_request, so later instances of the same request
// see it.
func (h *Host) Consume(r schedulerapi.Resources) {
	h.Used.VCPUs += r.VCPUs
	h.Used.MemoryMB += r.MemoryMB
	h.Used.DiskGB += r.DiskGB()
	h.Used.Instances++
}
