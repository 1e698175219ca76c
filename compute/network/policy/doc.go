// Package networkpolicy holds the network service's default policy
// rules: neutron's Zed secure-RBAC defaults (admin, project member,
// project reader, shared networks) for the resources this service has,
// with one deliberate difference: networks are created, changed and
// deleted by admins only, as the flat provider model has no tenant
// networks (see api-ref/network/README.md).
package networkpolicy
