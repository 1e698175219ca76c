package computepolicy

import "github.com/gostack/gostack/services/policy"

// lifecycleRules are the rules of createImage, rebuild, resize, shelve,
// rescue and the migrations lists (nova/policies/servers.py, shelve.py,
// rescue.py, migrations.py, servers_migrations.py).
func lifecycleRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	s := "os_compute_api:servers:"
	add(s+"create_image", MemberOrAdmin, "POST /servers/{server_id}/action (createImage)")
	add(s+"create_image:allow_volume_backed", MemberOrAdmin, "POST /servers/{server_id}/action (createImage)")
	add("os_compute_api:os-create-backup", MemberOrAdmin, "POST /servers/{server_id}/action (createBackup)")
	add(s+"rebuild", MemberOrAdmin, "POST /servers/{server_id}/action (rebuild)")
	add(s+"rebuild:trusted_certs", MemberOrAdmin, "POST /servers/{server_id}/action (rebuild)")
	add(s+"resize", MemberOrAdmin, "POST /servers/{server_id}/action (resize)")
	add(s+"confirm_resize", MemberOrAdmin, "POST /servers/{server_id}/action (confirmResize)")
	add(s+"revert_resize", MemberOrAdmin, "POST /servers/{server_id}/action (revertResize)")
	add(s+"migrations:index", Admin, "GET /servers/{server_id}/migrations")
	add(s+"migrations:show", Admin, "GET /servers/{server_id}/migrations/{migration_id}")
	add("os_compute_api:os-shelve:shelve", MemberOrAdmin, "POST /servers/{server_id}/action (shelve)")
	add("os_compute_api:os-shelve:shelve_offload", Admin, "POST /servers/{server_id}/action (shelveOffload)")
	add("os_compute_api:os-shelve:unshelve", MemberOrAdmin, "POST /servers/{server_id}/action (unshelve)")
	add("os_compute_api:os-shelve:unshelve_to_host", Admin, "POST /servers/{server_id}/action (unshelve)")
	add("os_compute_api:os-rescue", MemberOrAdmin, "POST /servers/{server_id}/action (rescue)")
	add("os_compute_api:os-unrescue", MemberOrAdmin, "POST /servers/{server_id}/action (unrescue)")
	add("os_compute_api:os-migrations:index", Admin, "GET /os-migrations")
	return rules
}
