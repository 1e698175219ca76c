package computepolicy

import "github.com/gostack/gostack/services/policy"

// interfaceRules are nova's os-interface rules
// (nova/policies/attach_interfaces.py).
func interfaceRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	p := "os_compute_api:os-attach-interfaces:"
	add(p+"list", ReaderOrAdmin, "GET /servers/{server_id}/os-interface")
	add(p+"show", ReaderOrAdmin, "GET /servers/{server_id}/os-interface/{port_id}")
	add(p+"create", MemberOrAdmin, "POST /servers/{server_id}/os-interface")
	add(p+"delete", MemberOrAdmin, "DELETE /servers/{server_id}/os-interface/{port_id}")
	return rules
}
