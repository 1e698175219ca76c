package computepolicy

import "github.com/gostack/gostack/services/policy"

// moveRules are the rules of live migration, evacuation and the control
// of a live migration in progress (nova/policies/migrate_server.py,
// evacuate.py, servers_migrations.py).
func moveRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	add("os_compute_api:os-migrate-server:migrate", Admin, "POST /servers/{server_id}/action (migrate)")
	add("os_compute_api:os-migrate-server:migrate_live", Admin, "POST /servers/{server_id}/action (os-migrateLive)")
	add("os_compute_api:os-evacuate", Admin, "POST /servers/{server_id}/action (evacuate)")
	add("os_compute_api:servers:migrations:delete", Admin, "DELETE /servers/{server_id}/migrations/{migration_id}")
	add("os_compute_api:servers:migrations:force_complete", Admin, "POST /servers/{server_id}/migrations/{migration_id}/action (force_complete)")
	return rules
}
