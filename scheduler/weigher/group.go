package weigher

import (
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// RequestWeigher is a Weigher whose weight depends on the request; Sort
// calls WeightFor instead of Weight for it.
type RequestWeigher interface {
	Weigher
	WeightFor(h *hoststate.Host, spec *schedulerapi.RequestSpec) float64
}

// SoftAffinity prefers hosts running more members of a soft-affinity
// group (nova's ServerGroupSoftAffinityWeigher,
// [filter_scheduler] soft_affinity_weight_multiplier).
type SoftAffinity struct{ Mult float64 }

// Name is nova's class name.
func (SoftAffinity) Name() string { return "ServerGroupSoftAffinityWeigher" }

// Multiplier is soft_affinity_weight_multiplier.
func (w SoftAffinity) Multiplier() float64 { return w.Mult }

// Weight is 0 without a request.
func (SoftAffinity) Weight(*hoststate.Host) float64 { return 0 }

// WeightFor is the number of the group's members on the host.
func (SoftAffinity) WeightFor(h *hoststate.Host, spec *schedulerapi.RequestSpec) float64 {
	if spec == nil || spec.InstanceGroup == nil || spec.InstanceGroup.Policy != "soft-affinity" {
		return 0
	}
	return float64(spec.InstanceGroup.MembersOn(h.Host))
}

// SoftAntiAffinity prefers hosts running fewer members of a
// soft-anti-affinity group (nova's ServerGroupSoftAntiAffinityWeigher,
// [filter_scheduler] soft_anti_affinity_weight_multiplier).
type SoftAntiAffinity struct{ Mult float64 }

// Name is nova's class name.
func (SoftAntiAffinity) Name() string { return "ServerGroupSoftAntiAffinityWeigher" }

// Multiplier is soft_anti_affinity_weight_multiplier.
func (w SoftAntiAffinity) Multiplier() float64 { return w.Mult }

// Weight is 0 without a request.
func (SoftAntiAffinity) Weight(*hoststate.Host) float64 { return 0 }

// WeightFor is minus the number of the group's members on the host.
func (SoftAntiAffinity) WeightFor(h *hoststate.Host, spec *schedulerapi.RequestSpec) float64 {
	if spec == nil || spec.InstanceGroup == nil || spec.InstanceGroup.Policy != "soft-anti-affinity" {
		return 0
	}
	return -float64(spec.InstanceGroup.MembersOn(h.Host))
}
