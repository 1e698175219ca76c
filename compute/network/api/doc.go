// Package api is the Network v2.0 HTTP API (neutron's paths, fields,
// status codes and NeutronError bodies) over the store: version
// documents, extensions, networks, subnets, ports, security groups and
// rules, quotas, availability zones and an empty floating IP list.
//
// Every resource is rendered to a map as neutron's views are, and lists
// are filtered, projected (fields=), sorted and paged over those maps,
// so a filter works on any attribute the resource shows.
package api
