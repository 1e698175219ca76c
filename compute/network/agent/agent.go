package agent

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"path/filepath"
	"sort"
	"time"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

// Binary and AgentType are how the agent shows in GET /v2.0/agents.
const (
	Binary    = "network-agent"
	AgentType = "Linux bridge agent"
)

// Server is the network service as the agent sees it.
type Server interface {
	AgentSync(ctx context.Context, a rpcapi.AgentSyncArgs) (rpcapi.AgentState, error)
}

// Agent converges one host.
type Agent struct {
	set  Settings
	srv  Server
	log  *slog.Logger
	dhcp map[string]*dhcpServer // by bridge

	// what was last applied, to touch the host only on change
	rules, nat string
	failing    bool
	devices    []string // ports whose tap was on its bridge at the last sync
}

// New returns an agent for the host in set.
func New(set Settings, srv Server, log *slog.Logger) *Agent {
	if log == nil {
		log = slog.Default()
	}
	if set.Dnsmasq == "" {
		set.Dnsmasq = "dnsmasq"
	}
	if set.Nft == "" {
		set.Nft = "nft"
	}
	if set.PollingInterval <= 0 {
		set.PollingInterval = 2 * time.Second
	}
	return &Agent{set: set, srv: srv, log: log, dhcp: map[string]*dhcpServer{}}
}

// Run syncs every polling interval until ctx ends; dnsmasq stops with
// it, the host's bridges, addresses and filters stay (guests keep
// working and stay filtered while the agent restarts).
func (a *Agent) Run(ctx context.Context) error {
	a.log.Info("network-agent: running", "host", a.set.Host, "network_node", a.set.NetworkNode,
		"physical_interfaces", a.set.PhysicalInterfaces, "polling_interval", a.set.PollingInterval)
	defer func() {
		for _, d := range a.dhcp {
			d.stop()
		}
	}()
	t := time.NewTicker(a.set.PollingInterval)
	defer t.Stop()
	for {
		err := a.Sync(ctx)
		switch {
		case err != nil && ctx.Err() == nil && !a.failing:
			a.log.Error("network-agent: sync failed; retrying every polling interval", "error", err)
			a.failing = true
		case err == nil && a.failing:
			a.log.Info("network-agent: sync works again")
			a.failing = false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sync reports to network-api and converges the host once.
func (a *Agent) Sync(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	st, err := a.srv.AgentSync(cctx, rpcapi.AgentSyncArgs{Host: a.set.Host, Binary: Binary, AgentType: AgentType,
		AvailabilityZone: a.set.AvailabilityZone, DHCP: a.set.NetworkNode, Devices: a.devices,
		Configurations: map[string]any{"interface_mappings": a.set.PhysicalInterfaces, "network_node": a.set.NetworkNode}})
	if err != nil {
		return err
	}
	var errs []error
	bridges := map[string][]rpcapi.AgentNetwork{}
	for _, n := range st.Networks {
		bridges[n.Bridge] = append(bridges[n.Bridge], n)
	}
	names := make([]string, 0, len(bridges))
	for b := range bridges {
		names = append(names, b)
	}
	sort.Strings(names)
	var natCIDRs []string
	for _, br := range names {
		nets := bridges[br]
		mtu := 0
		for _, n := range nets {
			if mtu == 0 || (n.MTU > 0 && n.MTU < mtu) {
				mtu = n.MTU
			}
		}
		if err := ensureBridge(ctx, br, mtu); err != nil {
			errs = append(errs, err)
			continue
		}
		for _, n := range nets {
			if nic := a.set.PhysicalInterfaces[n.PhysicalNetwork]; nic != "" {
				if err := enslave(ctx, nic, br); err != nil {
					errs = append(errs, err)
				}
			}
		}
		if !a.set.NetworkNode {
			continue
		}
		var gws []netip.Prefix
		onBridge := map[string]bool{}
		for _, n := range nets {
			for _, s := range n.Subnets {
				p, err1 := netip.ParsePrefix(s.CIDR)
				gw, err2 := netip.ParseAddr(s.Gateway)
				if err1 != nil || err2 != nil || !gw.Is4() {
					continue
				}
				gws = append(gws, netip.PrefixFrom(gw, p.Bits()))
				onBridge[s.ID] = true
				natCIDRs = append(natCIDRs, p.Masked().String())
			}
		}
		if err := syncAddresses(ctx, br, gws); err != nil {
			errs = append(errs, err)
		}
		d := a.dhcp[br]
		if d == nil {
			d = &dhcpServer{bin: a.set.Dnsmasq, dir: filepath.Join(a.set.StatePath, "dhcp", br), bridge: br}
			a.dhcp[br] = d
		}
		var ports []rpcapi.VIF
		for _, v := range st.DHCPPorts {
			if v.Bridge == br {
				ports = append(ports, v)
			}
		}
		cfg := BuildDHCP(nets, ports, func(s rpcapi.AgentSubnet) bool { return onBridge[s.ID] })
		if err := d.apply(ctx, cfg); err != nil {
			errs = append(errs, err)
		}
	}
	if a.set.NetworkNode {
		nat := natRuleset(a.set.MasqueradeInterface, natCIDRs)
		if nat != a.nat {
			if a.set.MasqueradeInterface != "" {
				if err := enableForwarding(); err != nil {
					errs = append(errs, err)
				}
			}
			if err := applyRuleset(ctx, a.set.Nft, nat); err != nil {
				errs = append(errs, err)
			} else {
				a.nat = nat
			}
		}
	}
	// the taps present now, reported with the next sync
	a.devices = a.devices[:0]
	for _, v := range st.Ports {
		if tapPlugged(v.DevName, v.Bridge) {
			a.devices = append(a.devices, v.PortID)
		}
	}
	rules := Ruleset(st.Ports, st.Groups)
	if rules != a.rules {
		if err := applyRuleset(ctx, a.set.Nft, rules); err != nil {
			errs = append(errs, err)
		} else {
			a.log.Info("network-agent: security groups applied", "ports", len(st.Ports), "groups", len(st.Groups))
			a.rules = rules
		}
	}
	return errors.Join(errs...)
}
