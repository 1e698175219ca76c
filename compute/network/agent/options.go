package agent

import (
	"strings"
	"time"

	"github.com/gostack/gostack/services/config"
)

// network-agent's options, with neutron's names where neutron has one.
var (
	Host = config.String("DEFAULT", "host", "",
		"Name of this host, as nova-compute's [DEFAULT] host (ports are bound to it); default: the machine's hostname.")
	StatePath = config.String("DEFAULT", "state_path", "/var/lib/neutron",
		"Where the agent keeps its files (dnsmasq's hosts and options files per network).")
	PollingInterval = config.Seconds("AGENT", "polling_interval", 2*time.Second,
		"Seconds between syncs with network-api (neutron's linux bridge agent polls as often).", config.Min(1))
	PhysicalInterfaceMappings = config.List("linux_bridge", "physical_interface_mappings", nil,
		"physnet:interface pairs: the host interface enslaved to the flat network's bridge (e.g. physnet1:eth1).")
	NetworkNode = config.Bool("AGENT", "network_node", false,
		"This host is the network node: the subnets' gateway addresses live on its bridge and it serves DHCP.")
	MasqueradeInterface = config.String("AGENT", "masquerade_interface", "",
		"On the network node: NAT the subnets' traffic out of this interface (empty: no NAT, guests reach only their network and the host).")
	DnsmasqCommand = config.String("AGENT", "dnsmasq_command", "dnsmasq", "The dnsmasq binary.")
	NftCommand     = config.String("AGENT", "nft_command", "nft", "The nft binary.")
)

// Opts returns the agent's options.
func Opts() []config.Option {
	return []config.Option{Host, StatePath, PollingInterval, PhysicalInterfaceMappings, NetworkNode,
		MasqueradeInterface, DnsmasqCommand, NftCommand}
}

// Settings is how the agent runs.
type Settings struct {
	Host                string
	StatePath           string
	PollingInterval     time.Duration
	PhysicalInterfaces  map[string]string // physnet -> host interface
	NetworkNode         bool
	MasqueradeInterface string
	AvailabilityZone    string
	Dnsmasq             string
	Nft                 string
}

// SettingsFrom reads the settings; host is the resolved host name.
func SettingsFrom(c *config.Config, host string) Settings {
	s := Settings{Host: host, StatePath: StatePath.Get(c), PollingInterval: PollingInterval.Get(c),
		PhysicalInterfaces: map[string]string{}, NetworkNode: NetworkNode.Get(c),
		MasqueradeInterface: MasqueradeInterface.Get(c), Dnsmasq: DnsmasqCommand.Get(c), Nft: NftCommand.Get(c)}
	for _, m := range PhysicalInterfaceMappings.Get(c) {
		if phys, nic, ok := strings.Cut(strings.TrimSpace(m), ":"); ok && phys != "" && nic != "" {
			s.PhysicalInterfaces[phys] = nic
		}
	}
	return s
}
