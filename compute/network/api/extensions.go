package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
)

// extension is an entry of /v2.0/extensions.
type extension struct {
	Alias       string `json:"alias"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Updated     string `json:"updated"`
	Links       []any  `json:"links"`
}

// extensions are the neutron API extensions this service implements,
// with upstream's aliases and names (clients look them up by both).
var extensions = []extension{
	ext("availability_zone", "Availability Zone", "The availability zone extension."),
	ext("binding", "Port Binding", "Expose port bindings of a virtual port to external application"),
	ext("external-net", "Neutron external network", "Adds external network attribute to network resource."),
	ext("filter-validation", "Filter parameters validation", "Provides validation on filter parameters."),
	ext("l2_adjacency", "L2 Adjacency", "Display whether all ports of a network are in the same L2 domain."),
	ext("net-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
	ext("network_availability_zone", "Network Availability Zone", "Availability zone support for network."),
	ext("pagination", "Pagination support", "Extension that indicates that pagination is enabled."),
	ext("port-security", "Port Security", "Provides port security"),
	ext("project-id", "project_id field enabled", "Extension that indicates that project_id field is enabled."),
	ext("provider", "Provider Network", "Expose mapping of virtual networks to physical networks"),
	ext("quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"),
	ext("quotas", "Quota management support", "Expose functions for quotas management per project"),
	ext("security-group", "security-group", "The security groups extension."),
	ext("sorting", "Sorting support", "Extension that indicates that sorting is enabled."),
	ext("standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"),
	ext("standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."),
	ext("standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."),
	ext("stateful-security-group", "Stateful security group", "Indicates if the security group is stateful or not"),
}

func ext(alias, name, desc string) extension {
	return extension{Alias: alias, Name: name, Description: desc, Updated: "2026-01-01T10:00:00-00:00", Links: []any{}}
}

func (a *API) listExtensions(w http.ResponseWriter, r *http.Request) {
	out := make([]map[string]any, 0, len(extensions))
	for _, e := range extensions {
		out = append(out, map[string]any{"alias": e.Alias, "name": e.Name, "description": e.Description,
			"updated": e.Updated, "links": e.Links})
	}
	l := listing{collection: "extensions", items: out}
	l.write(w, r, names("alias", "name", "description", "updated"))
}

func (a *API) showExtension(w http.ResponseWriter, r *http.Request) {
	alias := chi.URLParam(r, "alias")
	for _, e := range extensions {
		if e.Alias == alias {
			writeJSON(w, r, http.StatusOK, map[string]any{"extension": e})
			return
		}
	}
	writeError(w, r, store.Errorf("HTTPNotFound", fault.NotFound, "Extension with alias %s does not exist", alias))
}

// listAZs is GET /v2.0/availability_zones: the one zone, for networks.
func (a *API) listAZs(w http.ResponseWriter, r *http.Request) {
	if _, err := callerOf(r); err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "availability_zones", items: []map[string]any{
		{"name": a.set.AvailabilityZone, "resource": "network", "state": "available"},
	}}
	l.write(w, r, names("name", "resource", "state"))
}

// listFloatingIPs is GET /v2.0/floatingips: always empty (no routers in
// the flat model), for Horizon and Terraform.
func (a *API) listFloatingIPs(w http.ResponseWriter, r *http.Request) {
	if _, err := callerOf(r); err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "floatingips"}
	l.write(w, r, names("id", "floating_ip_address", "floating_network_id", "router_id", "port_id",
		"fixed_ip_address", "status", "project_id", "tenant_id", "description"))
}
