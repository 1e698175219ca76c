package api

import (
	"github.com/gostack/gostack/services/config"
)

// The options of network-api the API reads, with neutron's names and
// defaults.
var (
	BaseMAC = config.String("DEFAULT", "base_mac", "fa:16:3e:00:00:00",
		"The base MAC address of ports: the first three octets are kept, the others drawn at random.")
	AvailabilityZone = config.String("AGENT", "availability_zone", "nova",
		"The availability zone of the network hosts, reported by networks and GET /v2.0/availability_zones.")
	QuotaNetwork           = config.Int("quotas", "quota_network", 100, "Networks per project; -1: unlimited.", config.Min(-1))
	QuotaSubnet            = config.Int("quotas", "quota_subnet", 100, "Subnets per project; -1: unlimited.", config.Min(-1))
	QuotaPort              = config.Int("quotas", "quota_port", 500, "Ports per project; -1: unlimited.", config.Min(-1))
	QuotaSecurityGroup     = config.Int("quotas", "quota_security_group", 10, "Security groups per project; -1: unlimited.", config.Min(-1))
	QuotaSecurityGroupRule = config.Int("quotas", "quota_security_group_rule", 100, "Security group rules per project; -1: unlimited.", config.Min(-1))
)

// Opts returns the API's options.
func Opts() []config.Option {
	return []config.Option{BaseMAC, AvailabilityZone, QuotaNetwork, QuotaSubnet, QuotaPort, QuotaSecurityGroup,
		QuotaSecurityGroupRule}
}

// SettingsFrom reads the settings from conf.
func SettingsFrom(conf *config.Config) Settings {
	return Settings{
		AvailabilityZone: AvailabilityZone.Get(conf),
		Quotas: map[string]int{
			"network": QuotaNetwork.Get(conf), "subnet": QuotaSubnet.Get(conf), "port": QuotaPort.Get(conf),
			"security_group": QuotaSecurityGroup.Get(conf), "security_group_rule": QuotaSecurityGroupRule.Get(conf),
		},
	}
}
