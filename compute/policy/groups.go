package computepolicy

import "github.com/gostack/gostack/services/policy"

// groupRules are the rules of os-server-groups and os-aggregates beyond
// their index rules (nova/policies/server_groups.py, aggregates.py).
func groupRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	sg := "os_compute_api:os-server-groups:"
	add(sg+"create", ProjectMember, "POST /os-server-groups")
	add(sg+"show", ReaderOrAdmin, "GET /os-server-groups/{server_group_id}")
	add(sg+"delete", MemberOrAdmin, "DELETE /os-server-groups/{server_group_id}")
	add(sg+"index:all_projects", Admin, "GET /os-server-groups")
	ag := "os_compute_api:os-aggregates:"
	add(ag+"create", Admin, "POST /os-aggregates")
	add(ag+"show", Admin, "GET /os-aggregates/{aggregate_id}")
	add(ag+"update", Admin, "PUT /os-aggregates/{aggregate_id}")
	add(ag+"delete", Admin, "DELETE /os-aggregates/{aggregate_id}")
	add(ag+"add_host", Admin, "POST /os-aggregates/{aggregate_id}/action (add_host)")
	add(ag+"remove_host", Admin, "POST /os-aggregates/{aggregate_id}/action (remove_host)")
	add(ag+"set_metadata", Admin, "POST /os-aggregates/{aggregate_id}/action (set_metadata)")
	add(ag+"images", Admin, "POST /os-aggregates/{aggregate_id}/images")
	add("os_compute_api:servers:topology:index", ReaderOrAdmin, "GET /servers/{server_id}/topology")
	add("os_compute_api:servers:topology:host:index", Admin, "GET /servers/{server_id}/topology")
	return rules
}
