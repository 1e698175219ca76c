package api

import (
	"net/http"
	"regexp"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// Server and related views of the microversions above 2.58: each function
// adds what one or more versions changed, and is called from the view it
// concerns.

// addServerFields59 adds the server fields of 2.59 and later to a server
// view (show, list detail, update, rebuild):
//   - 2.63: trusted_image_certificates (trusted_certs.go);
//   - 2.73: locked_reason;
//   - 2.90: OS-EXT-SRV-ATTR:hostname for every caller.
func addServerFields59(r *http.Request, s map[string]any, in objects.Instance) {
	if atLeast(r, 63) {
		s["trusted_image_certificates"] = trustedCertsOf(in)
	}
	if atLeast(r, 73) {
		s["locked_reason"] = nullable(in.LockedReason)
	}
	if atLeast(r, 90) {
		s["OS-EXT-SRV-ATTR:hostname"] = in.Hostname
	}
}

// addServerGroups is 2.71: show, update and rebuild of one server list the
// server group it is a member of (at most one), or [].
func (a *API) addServerGroups(r *http.Request, s map[string]any, in objects.Instance) error {
	if !atLeast(r, 71) {
		return nil
	}
	groups, err := a.store.ServerGroupsOf(r.Context(), []string{in.UUID})
	if err != nil {
		return err
	}
	list := []string{}
	if g, ok := groups[in.UUID]; ok {
		list = append(list, g)
	}
	s["server_groups"] = list
	return nil
}

// keypairName292 is the keypair name pattern from 2.92.
var keypairName292 = regexp.MustCompile(`^[a-zA-Z0-9 @._-]+$`)

// checkKeypair292 is 2.92's keypair create: the name's characters are
// limited, and a public key is required (nova no longer generates keys).
func checkKeypair292(r *http.Request, b body) error {
	if !atLeast(r, 92) {
		return nil
	}
	if name, ok := b["name"].(string); ok && !keypairName292.MatchString(name) {
		return badField("name", name, "%s does not match '^[a-zA-Z0-9 @._-]+$'", repr(name))
	}
	if !b.has("public_key") {
		return badField("keypair", map[string]any(b), "'public_key' is a required property")
	}
	return nil
}

// hypervisorFields88 drops what 2.88 removed from hypervisor views (the
// usage figures that placement owns upstream); show adds uptime
// (hypervisors.go).
func hypervisorFields88(r *http.Request, v map[string]any) {
	if !atLeast(r, 88) {
		return
	}
	for _, k := range []string{"vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used", "local_gb_used",
		"free_ram_mb", "free_disk_gb", "current_workload", "running_vms", "disk_available_least"} {
		delete(v, k)
	}
}

// gone88 is 2.88's removal of os-hypervisors/statistics and the uptime
// call: 404 from that version on.
func gone88(r *http.Request) error {
	if atLeast(r, 88) {
		return fault.New(fault.NotFound, "The resource could not be found.")
	}
	return nil
}

// eventFields59 adds the instance action event fields of 2.62 (hostId
// always, host when the caller may see it) and 2.84 (details when the
// caller may see them).
func eventFields59(r *http.Request, ev map[string]any, e objects.InstanceActionEvent, projectID string, showHost, showDetails bool) {
	if atLeast(r, 62) {
		ev["hostId"] = hostID(e.Host, projectID)
		if showHost {
			ev["host"] = e.Host
		}
	}
	if atLeast(r, 84) && showDetails {
		ev["details"] = nullable(e.Details)
	}
}

// requestedDestination reads 2.74's host and hypervisor_hostname of a
// server create (admins only, checked with the forced host rule). Here
// they pin the build to that host and node as "zone:host:node" does.
// Upstream nova still runs its filters on a requested destination; this
// scheduler only claims the resources there.
func requestedDestination(r *http.Request, b body, s *serverRequest) error {
	if !atLeast(r, 74) {
		return nil
	}
	host, hasHost, err := b.str("host", false, false, 1, 255)
	if err != nil {
		return err
	}
	node, hasNode, err := b.str("hypervisor_hostname", false, false, 1, 255)
	if err != nil {
		return err
	}
	if (hasHost || hasNode) && (s.host != "" || s.node != "") {
		return invalid("Requesting a host or node with host or hypervisor_hostname is not allowed together with a host in availability_zone.")
	}
	if hasHost {
		s.host = host
	}
	if hasNode {
		s.node = node
	}
	return nil
}

// checkRequestedHost is the 400 of a 2.74 requested host or node that is
// not a compute host.
func (a *API) checkRequestedHost(r *http.Request, req serverRequest) error {
	if !atLeast(r, 74) || (req.host == "" && req.node == "") {
		return nil
	}
	if req.host != "" {
		if err := a.checkComputeHost(r.Context(), req.host); err != nil {
			return invalid("%s", fault.MessageOf(err))
		}
	}
	return nil
}

// hostname290 reads 2.90's hostname of a server create or update (nova's
// fqdn parameter type); ok is false when absent or below 2.90.
func hostname290(r *http.Request, b body) (string, bool, error) {
	if !atLeast(r, 90) {
		return "", false, nil
	}
	h, ok, err := b.str("hostname", false, false, 1, 255)
	if err != nil || !ok {
		return "", false, err
	}
	if !fqdnPattern.MatchString(h) {
		return "", false, badField("hostname", h, "%s does not match '^[a-zA-Z0-9-._]*$'", repr(h))
	}
	return h, true, nil
}

var fqdnPattern = regexp.MustCompile(`^[a-zA-Z0-9-._]*$`)

// requestedHostname is 2.90's hostname for a create of count servers:
// one hostname cannot name several servers (nova's
// AmbiguousHostnameForMultipleInstances).
func requestedHostname(r *http.Request, b body, s *serverRequest) error {
	h, ok, err := hostname290(r, b)
	if err != nil || !ok {
		return err
	}
	if s.maxCount > 1 {
		return invalid("Unable to launch multiple instances with a single configured hostname.")
	}
	s.hostname = h
	return nil
}

// hostnameFor is the hostname of a new server: the requested one (2.90)
// or the one nova derives from the name.
func hostnameFor(req serverRequest, name string) string {
	if req.hostname != "" {
		return req.hostname
	}
	return hostnameOf(name)
}
