package filter

import (
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/servicegroup"
)

// Compute passes hosts whose nova-compute service is enabled and up
// (nova's ComputeFilter).
type Compute struct{ Env Env }

// Name is the filter's nova class name.
func (Compute) Name() string { return "ComputeFilter" }

// Check refuses a host whose service is missing, disabled, forced down or
// silent for longer than service_down_time.
func (f Compute) Check(h *hoststate.Host, _ *schedulerapi.RequestSpec) string {
	switch {
	case h.Service == nil:
		return h.Host + " has no nova-compute service"
	case h.Service.Disabled:
		if h.Service.DisabledReason != "" {
			return h.Host + " is disabled: " + h.Service.DisabledReason
		}
		return h.Host + " is disabled"
	case h.Service.ForcedDown:
		return h.Host + " is forced down"
	}
	down := f.Env.ServiceDownTime
	if down <= 0 {
		down = servicegroup.DefaultServiceDownTime
	}
	if !servicegroup.IsUp(*h.Service, f.Env.now(), down) {
		return h.Host + " is down (no heartbeat within service_down_time)"
	}
	return ""
}
