package networkpolicy

import (
	"strings"

	"github.com/gostack/gostack/services/policy"
)

// DeniedFormat is the message of oslo.policy's PolicyNotAuthorized as
// neutron renders it.
const DeniedFormat = "rule:%s is disallowed by policy"

// Check strings of neutron/conf/policies/base.py (Zed).
const (
	admin            = "role:admin"
	projectMember    = "role:member and project_id:%(project_id)s"
	projectReader    = "role:reader and project_id:%(project_id)s"
	netOwnerMember   = "role:member and project_id:%(network:project_id)s"
	netOwnerReader   = "role:reader and project_id:%(network:project_id)s"
	sgOwnerMember    = "role:member and project_id:%(security_group:project_id)s"
	sgOwnerReader    = "role:reader and project_id:%(security_group:project_id)s"
	shared           = "'True':%(shared)s"
	external         = "'True':%(router:external)s"
	netShared        = "'True':%(network:shared)s"
	adminOrMember    = admin + " or (" + projectMember + ")"
	adminOrReader    = admin + " or (" + projectReader + ")"
	adminOrNetMember = admin + " or (" + netOwnerMember + ")"
)

// Defaults returns the rules.
func Defaults() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	rules = append(rules,
		policy.Rule{Name: "context_is_admin", Check: admin, Description: "Rule for cloud admin access"},
		policy.Rule{Name: "admin_only", Check: admin, Description: "Rule for admin access"},
		policy.Rule{Name: "shared", Check: shared, Description: "Rule of shared network"},
		policy.Rule{Name: "external", Check: external, Description: "Rule of external network"},
	)
	// Networks: admins own the flat provider networks (a deliberate
	// difference: neutron lets members create tenant networks).
	add("create_network", admin, "POST /networks")
	add("create_network:shared", admin, "POST /networks")
	add("create_network:router:external", admin, "POST /networks")
	add("create_network:provider:network_type", admin, "POST /networks")
	add("create_network:provider:physical_network", admin, "POST /networks")
	add("get_network", adminOrReader+" or rule:shared or rule:external", "GET /networks")
	add("get_network:provider:network_type", admin, "GET /networks")
	add("get_network:provider:physical_network", admin, "GET /networks")
	add("get_network:provider:segmentation_id", admin, "GET /networks")
	add("update_network", admin, "PUT /networks/{id}")
	add("delete_network", admin, "DELETE /networks/{id}")
	// Subnets.
	add("create_subnet", adminOrNetMember, "POST /subnets")
	add("get_subnet", adminOrReader+" or "+netShared, "GET /subnets")
	add("update_subnet", adminOrNetMember, "PUT /subnets/{id}")
	add("delete_subnet", adminOrNetMember, "DELETE /subnets/{id}")
	// Ports.
	add("create_port", adminOrMember, "POST /ports")
	add("create_port:device_owner", "not rule:network_device or "+adminOrNetMember, "POST /ports")
	add("create_port:mac_address", adminOrNetMember, "POST /ports")
	add("create_port:fixed_ips:ip_address", adminOrNetMember, "POST /ports")
	add("create_port:fixed_ips:subnet_id", adminOrNetMember+" or "+netShared, "POST /ports")
	add("create_port:binding:host_id", admin, "POST /ports")
	add("create_port:binding:profile", admin, "POST /ports")
	add("get_port", adminOrReader+" or ("+netOwnerReader+")", "GET /ports")
	add("get_port:binding:host_id", admin, "GET /ports")
	add("get_port:binding:profile", admin, "GET /ports")
	add("get_port:binding:vif_details", admin, "GET /ports")
	add("get_port:binding:vif_type", admin, "GET /ports")
	add("update_port", adminOrMember+" or ("+netOwnerMember+")", "PUT /ports/{id}")
	add("update_port:device_owner", "not rule:network_device or "+adminOrNetMember, "PUT /ports/{id}")
	add("update_port:binding:host_id", admin, "PUT /ports/{id}")
	add("update_port:binding:profile", admin, "PUT /ports/{id}")
	add("delete_port", adminOrMember+" or ("+netOwnerMember+")", "DELETE /ports/{id}")
	// neutron's field:port:device_owner=~^network: as a target value the
	// API sets (network_device: whether device_owner starts network:).
	rules = append(rules, policy.Rule{Name: "network_device", Check: "'True':%(network_device)s",
		Description: "Definition of port with network device_owner"})
	// Security groups and rules.
	add("create_security_group", adminOrMember, "POST /security-groups")
	add("get_security_group", adminOrReader, "GET /security-groups")
	add("update_security_group", adminOrMember, "PUT /security-groups/{id}")
	add("delete_security_group", adminOrMember, "DELETE /security-groups/{id}")
	add("create_security_group_rule", admin+" or ("+sgOwnerMember+")", "POST /security-group-rules")
	add("get_security_group_rule", adminOrReader+" or ("+sgOwnerReader+")", "GET /security-group-rules")
	add("delete_security_group_rule", admin+" or ("+sgOwnerMember+")", "DELETE /security-group-rules/{id}")
	// Quotas, availability zones, floating IPs.
	add("get_quota", adminOrReader, "GET /quotas/{project_id}")
	add("update_quota", admin, "PUT /quotas/{project_id}")
	add("delete_quota", admin, "DELETE /quotas/{project_id}")
	add("get_availability_zone", "role:reader", "GET /availability_zones")
	add("get_floatingip", adminOrReader, "GET /floatingips")
	return rules
}

func ops(specs ...string) []policy.Operation {
	out := make([]policy.Operation, 0, len(specs))
	for _, s := range specs {
		method, path, _ := strings.Cut(s, " ")
		out = append(out, policy.Operation{Method: method, Path: "/v2.0" + path})
	}
	return out
}
