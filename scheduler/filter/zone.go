package filter

import (
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// AvailabilityZone passes hosts in the zone the request asks for (nova's
// AvailabilityZoneFilter); a request without a zone passes every host.
type AvailabilityZone struct{}

// Name is the filter's nova class name.
func (AvailabilityZone) Name() string { return "AvailabilityZoneFilter" }

// Check compares the host's zone with the requested one.
func (AvailabilityZone) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	if spec.AvailabilityZone == "" || spec.AvailabilityZone == h.Zone {
		return ""
	}
	return h.Host + " is in availability zone " + h.Zone + ", not " + spec.AvailabilityZone
}
