// Package agent is network-agent, the per-host part of the network
// service (neutron's linux bridge agent and, on the network node, its
// DHCP agent): every polling interval it reports to network-api and
// fetches its host's state (rpcapi.AgentSync), then converges the host:
// the flat network's Linux bridge with the physical interface mapped to
// it, on the network node the subnets' gateway addresses (optionally
// NAT) and a dnsmasq per network answering only the ports' MACs, and the
// security groups of the ports bound to the host as one nftables table
// (bridge family, a chain per tap).
package agent
