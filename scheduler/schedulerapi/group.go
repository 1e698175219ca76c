package schedulerapi

// InstanceGroup is the server group of the instances being placed, as the
// scheduler's group filters and weighers see it (nova's
// RequestSpec.instance_group). nova-scheduler fills it itself from the
// instances' uuids, so every caller of select_destinations (build,
// resize, migrate, evacuate, unshelve) gets the group's policy honoured.
type InstanceGroup struct {
	UUID   string         `json:"uuid"`
	Policy string         `json:"policy"`
	Rules  map[string]int `json:"rules,omitempty"`
	// Hosts has one entry per member placed on a host (its service host),
	// other than the instances of the request; instances of the request
	// are added as they are placed.
	Hosts []string `json:"hosts,omitempty"`
}

// MembersOn counts the group's members on host.
func (g *InstanceGroup) MembersOn(host string) int {
	if g == nil {
		return 0
	}
	n := 0
	for _, h := range g.Hosts {
		if h == host {
			n++
		}
	}
	return n
}

// MaxServerPerHost is the anti-affinity rule max_server_per_host, 1 when
// unset.
func (g *InstanceGroup) MaxServerPerHost() int {
	if g == nil || g.Rules["max_server_per_host"] < 1 {
		return 1
	}
	return g.Rules["max_server_per_host"]
}
