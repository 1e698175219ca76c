package filter

import (
	"fmt"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// ServerGroupAffinity passes, for a request in an affinity group that
// already has members on hosts, only those hosts (nova's
// ServerGroupAffinityFilter).
type ServerGroupAffinity struct{}

// Name is the filter's nova class name.
func (ServerGroupAffinity) Name() string { return "ServerGroupAffinityFilter" }

// Check refuses hosts without the group's members.
func (ServerGroupAffinity) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	g := spec.InstanceGroup
	if g == nil || g.Policy != "affinity" || len(g.Hosts) == 0 || g.MembersOn(h.Host) > 0 {
		return ""
	}
	return fmt.Sprintf("%s has no member of affinity server group %s (its members are on %v)", h.Host, g.UUID, uniq(g.Hosts))
}

// ServerGroupAntiAffinity refuses, for a request in an anti-affinity
// group, hosts that already run max_server_per_host of its members
// (nova's ServerGroupAntiAffinityFilter).
type ServerGroupAntiAffinity struct{}

// Name is the filter's nova class name.
func (ServerGroupAntiAffinity) Name() string { return "ServerGroupAntiAffinityFilter" }

// Check counts the group's members on the host.
func (ServerGroupAntiAffinity) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	g := spec.InstanceGroup
	if g == nil || g.Policy != "anti-affinity" {
		return ""
	}
	if n, max := g.MembersOn(h.Host), g.MaxServerPerHost(); n >= max {
		return fmt.Sprintf("%s already runs %d member(s) of anti-affinity server group %s (max_server_per_host %d)", h.Host, n, g.UUID, max)
	}
	return ""
}

func uniq(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
