package computepolicy

import "github.com/gostack/gostack/services/policy"

// secGroupProxyRules are nova's rules of the deprecated security group
// proxy, os-security-groups and os-security-group-rules
// (nova/policies/security_groups.py): readers list and show, members
// create, update and delete groups and rules, in their own project. The
// rules of a server's groups (list, add, remove) are in volumes.go.
func secGroupProxyRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op, desc string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op),
			Description: desc + " This API is deprecated."})
	}
	p := "os_compute_api:os-security-groups:"
	add(p+"get", ReaderOrAdmin, "GET /os-security-groups", "List security groups.")
	add(p+"show", ReaderOrAdmin, "GET /os-security-groups/{security_group_id}", "Show security group.")
	add(p+"create", MemberOrAdmin, "POST /os-security-groups", "Create security group.")
	add(p+"update", MemberOrAdmin, "PUT /os-security-groups/{security_group_id}", "Update security group.")
	add(p+"delete", MemberOrAdmin, "DELETE /os-security-groups/{security_group_id}", "Delete security group.")
	add(p+"rule:create", MemberOrAdmin, "POST /os-security-group-rules", "Create security group Rule.")
	add(p+"rule:delete", MemberOrAdmin, "DELETE /os-security-group-rules/{security_group_id}", "Delete security group Rule.")
	return rules
}

// networkProxyRules are nova's rules of the deprecated network proxies
// (nova/policies/networks.py, tenant_networks.py): project readers list
// and show.
func networkProxyRules() []policy.Rule {
	var rules []policy.Rule
	for _, name := range []string{"os-networks", "os-tenant-networks"} {
		p, path := "os_compute_api:"+name+":", "/"+name
		rules = append(rules,
			policy.Rule{Name: p + "list", Check: ReaderOrAdmin, ScopeTypes: []string{"project"}, Operations: ops("GET " + path),
				Description: "List networks for the project. This API is proxy calls to the Network service. This is deprecated."},
			policy.Rule{Name: p + "show", Check: ReaderOrAdmin, ScopeTypes: []string{"project"}, Operations: ops("GET " + path + "/{network_id}"),
				Description: "Show network details. This API is proxy calls to the Network service. This is deprecated."})
	}
	return rules
}
