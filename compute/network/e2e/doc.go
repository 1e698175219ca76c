// Package e2e holds the end-to-end tests of flat networking: servers
// booted by the real openstack client on the dev cloud (`make dev`) get
// ports from network-api, addresses by DHCP from network-agent's
// dnsmasq, and their security groups enforced by its nftables rules.
package e2e
