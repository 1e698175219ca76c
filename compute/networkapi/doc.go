// Package networkapi is Nova's HTTP client of the Network API (Neutron's
// v2.0 paths, served here by network-api on :9696), as nova-api's
// neutronclient use in nova/network/security_group_api.py: security
// groups (list, show, create, update, delete), their rules (show,
// create, delete) and ports by device_id, for nova's deprecated
// os-security-groups and os-security-group-rules proxy and a server's
// groups (GET /servers/{server_id}/os-security-groups).
//
// The network service is found in the service catalog (type "network").
// Calls carry the caller's token so the network service applies the
// caller's project and roles; without one the service user's token is
// used. Neutron's errors ({"NeutronError": {"type", "message"}}) become
// faults of the kind of their status, carrying Neutron's message.
package networkapi
