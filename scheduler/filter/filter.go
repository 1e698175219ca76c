package filter

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// Filter decides whether a host passes. Reason is "" when it does.
type Filter interface {
	Name() string
	Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) (reason string)
}

// Env is what filters need besides the host and the request.
type Env struct {
	Now             func() time.Time // time.Now when nil
	ServiceDownTime time.Duration    // [DEFAULT] service_down_time
}

func (e Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Names are the filters this scheduler knows, by nova's class names.
var Names = []string{
	"ComputeFilter", "AvailabilityZoneFilter", "RamFilter", "DiskFilter", "CoreFilter", "ImagePropertiesFilter",
	"ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter", "AggregateInstanceExtraSpecsFilter",
}

// DefaultEnabled is the default of [filter_scheduler] enabled_filters.
var DefaultEnabled = []string{
	"ComputeFilter", "AvailabilityZoneFilter", "RamFilter", "DiskFilter", "CoreFilter", "ImagePropertiesFilter",
	"ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter",
}

// New returns the named filters, in order; an unknown name is an error
// naming the known ones.
func New(names []string, env Env) ([]Filter, error) {
	var out []Filter
	for _, n := range names {
		switch strings.TrimSpace(n) {
		case "ComputeFilter":
			out = append(out, Compute{Env: env})
		case "AvailabilityZoneFilter":
			out = append(out, AvailabilityZone{})
		case "RamFilter":
			out = append(out, RAM{})
		case "DiskFilter":
			out = append(out, Disk{})
		case "CoreFilter":
			out = append(out, Core{})
		case "ImagePropertiesFilter":
			out = append(out, ImageProperties{})
		case "ServerGroupAntiAffinityFilter":
			out = append(out, ServerGroupAntiAffinity{})
		case "ServerGroupAffinityFilter":
			out = append(out, ServerGroupAffinity{})
		case "AggregateInstanceExtraSpecsFilter":
			out = append(out, AggregateInstanceExtraSpecs{})
		case "":
		default:
			return nil, fmt.Errorf("[filter_scheduler] enabled_filters: unknown filter %q (known: %s)", n, strings.Join(Names, ", "))
		}
	}
	return out, nil
}

// Rejection is a host refused by a filter.
type Rejection struct {
	Host   string
	Filter string
	Reason string
}

// Apply runs the filters over hosts and returns those that pass every one,
// and for the others the first filter that refused them.
func Apply(filters []Filter, hosts []*hoststate.Host, spec *schedulerapi.RequestSpec) (pass []*hoststate.Host, rejected []Rejection) {
	for _, h := range hosts {
		ok := true
		for _, f := range filters {
			if r := f.Check(h, spec); r != "" {
				rejected = append(rejected, Rejection{Host: h.Hostname, Filter: f.Name(), Reason: r})
				ok = false
				break
			}
		}
		if ok {
			pass = append(pass, h)
		}
	}
	return pass, rejected
}

// Forced narrows hosts to the forced hosts and nodes of a request, as
// nova's host manager does before (instead of) filtering. It returns the
// hosts and, when none matched, a reason.
func Forced(hosts []*hoststate.Host, spec *schedulerapi.RequestSpec) ([]*hoststate.Host, string) {
	if len(spec.ForceHosts) == 0 && len(spec.ForceNodes) == 0 {
		return hosts, ""
	}
	var out []*hoststate.Host
	for _, h := range hosts {
		if len(spec.ForceHosts) > 0 && !slices.ContainsFunc(spec.ForceHosts, func(s string) bool { return strings.EqualFold(s, h.Host) }) {
			continue
		}
		if len(spec.ForceNodes) > 0 && !slices.ContainsFunc(spec.ForceNodes, func(s string) bool { return strings.EqualFold(s, h.Hostname) }) {
			continue
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, fmt.Sprintf("no compute host matches the forced host %v and node %v", spec.ForceHosts, spec.ForceNodes)
	}
	return out, ""
}
