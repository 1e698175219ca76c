package binding

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/network/api"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
)

// agents remembers the agents that synced (in memory: an agent syncs
// every few seconds, so a restarted network-api knows them again at
// once). GET /v2.0/agents lists them.
type agents struct {
	mu sync.Mutex
	m  map[string]*rpcapi.Agent // by host/binary
}

// Agents returns the agents that reported, alive or not.
func (s *Service) Agents() []rpcapi.Agent {
	s.agents.mu.Lock()
	defer s.agents.mu.Unlock()
	out := make([]rpcapi.Agent, 0, len(s.agents.m))
	for _, a := range s.agents.m {
		out = append(out, *a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Host+out[i].Binary < out[j].Host+out[j].Binary })
	return out
}

func (s *Service) heartbeat(a rpcapi.AgentSyncArgs) {
	s.agents.mu.Lock()
	defer s.agents.mu.Unlock()
	if s.agents.m == nil {
		s.agents.m = map[string]*rpcapi.Agent{}
	}
	now := time.Now().UTC().Truncate(time.Second)
	key := a.Host + "/" + a.Binary
	ag := s.agents.m[key]
	if ag == nil {
		ag = &rpcapi.Agent{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(key)).String(), Host: a.Host, Binary: a.Binary,
			CreatedAt: now, StartedAt: now, Topic: "N/A"}
		s.agents.m[key] = ag
	}
	ag.AgentType, ag.AvailabilityZone, ag.Configurations, ag.HeartbeatAt = a.AgentType, a.AvailabilityZone, a.Configurations, now
}

// AgentSync records the agent's heartbeat and returns its host's state:
// the networks, the ports bound to it with their security groups, and
// for a DHCP agent every bound port.
func (s *Service) AgentSync(ctx context.Context, a rpcapi.AgentSyncArgs) (rpcapi.AgentState, error) {
	if a.Host == "" || a.Binary == "" {
		return rpcapi.AgentState{}, fault.New(fault.Invalid, "agent_sync needs host and binary")
	}
	s.heartbeat(a)
	out := rpcapi.AgentState{Networks: []rpcapi.AgentNetwork{}, Ports: []rpcapi.VIF{}, Groups: map[string]rpcapi.AgentGroup{}}
	nets, err := s.st.ListNetworks(ctx)
	if err != nil {
		return out, err
	}
	subnets, err := s.st.ListSubnets(ctx)
	if err != nil {
		return out, err
	}
	for _, n := range nets {
		an := rpcapi.AgentNetwork{ID: n.ID, Name: n.Name, Bridge: api.BridgeName, PhysicalNetwork: derefStr(n.PhysicalNetwork),
			MTU: n.MTU, Subnets: []rpcapi.AgentSubnet{}}
		for _, sn := range subnets {
			if sn.NetworkID != n.ID || !sn.CIDR.Addr().Is4() {
				continue
			}
			as := rpcapi.AgentSubnet{ID: sn.ID, CIDR: sn.CIDR.String(), DHCP: sn.EnableDHCP, DNS: sn.DNS}
			if sn.GatewayIP.IsValid() {
				as.Gateway = sn.GatewayIP.String()
			}
			an.Subnets = append(an.Subnets, as)
		}
		out.Networks = append(out.Networks, an)
	}
	all, err := s.st.ListPorts(ctx)
	if err != nil {
		return out, err
	}
	var mine, bound []store.Port
	for _, p := range all {
		if p.HostID == "" {
			continue
		}
		bound = append(bound, p)
		if p.HostID == a.Host {
			mine = append(mine, p)
		}
	}
	s.portStatus(ctx, mine, a.Devices)
	if out.Ports, err = s.vifs(ctx, mine, nil); err != nil {
		return out, err
	}
	if a.DHCP {
		if out.DHCPPorts, err = s.vifs(ctx, bound, nil); err != nil {
			return out, err
		}
	}
	want := map[string]bool{}
	for _, p := range mine {
		for _, g := range p.SecurityGroups {
			want[g] = true
		}
	}
	if len(want) == 0 {
		return out, nil
	}
	groups, err := s.st.ListGroups(ctx)
	if err != nil {
		return out, err
	}
	// members: every port's IPv4 addresses by group (remote groups may
	// name groups no local port has).
	members := map[string][]string{}
	for _, p := range all {
		for _, g := range p.SecurityGroups {
			for _, f := range p.FixedIPs {
				if !slices.Contains(members[g], f.IPAddress) {
					members[g] = append(members[g], f.IPAddress)
				}
			}
		}
	}
	for _, g := range groups {
		if !want[g.ID] {
			continue
		}
		ag := rpcapi.AgentGroup{ID: g.ID, Stateful: g.Stateful, Rules: []rpcapi.AgentRule{}, Members: orEmpty(members[g.ID])}
		for _, r := range g.Rules {
			ar := rpcapi.AgentRule{ID: r.ID, Direction: r.Direction, Ethertype: r.Ethertype, Protocol: derefStr(r.Protocol),
				PortRangeMin: r.PortRangeMin, PortRangeMax: r.PortRangeMax, RemoteIPPrefix: r.NormalizedCIDR(),
				RemoteGroupID: derefStr(r.RemoteGroupID)}
			if ar.RemoteGroupID != "" {
				if _, ok := out.Groups[ar.RemoteGroupID]; !ok && !want[ar.RemoteGroupID] {
					// a remote group only referenced: its members matter
					out.Groups[ar.RemoteGroupID] = rpcapi.AgentGroup{ID: ar.RemoteGroupID, Rules: []rpcapi.AgentRule{},
						Members: orEmpty(members[ar.RemoteGroupID])}
				}
			}
			ag.Rules = append(ag.Rules, ar)
		}
		out.Groups[g.ID] = ag
	}
	return out, nil
}

// portStatus makes the host's ports ACTIVE when their tap is plugged
// and DOWN when not (a failure is logged; the next sync retries).
func (s *Service) portStatus(ctx context.Context, ports []store.Port, devices []string) {
	for i, p := range ports {
		want := "DOWN"
		if slices.Contains(devices, p.ID) && p.AdminStateUp {
			want = "ACTIVE"
		}
		if p.Status == want {
			continue
		}
		q, err := s.st.UpdatePort(ctx, p.ID, store.PortUpdate{Change: func(p *store.Port) error {
			p.Status = want
			return nil
		}})
		if err != nil {
			if fault.KindOf(err) != fault.NotFound {
				s.log.Warn("could not set a port's status", "port", p.ID, "status", want, "error", err)
			}
			continue
		}
		ports[i] = q
	}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
