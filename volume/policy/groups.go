package volumepolicy

import "github.com/gostack/gostack/services/policy"

// groupRules are cinder/policies/group_types.py, groups.py,
// group_actions.py, group_snapshots.py and group_snapshot_actions.py.
func groupRules() []policy.Rule {
	var rules []policy.Rule
	for _, r := range []struct{ name, check, op string }{
		{"group:group_types:create", adminAPI, "POST /group_types/"},
		{"group:group_types:update", adminAPI, "PUT /group_types/{group_type_id}"},
		{"group:group_types:delete", adminAPI, "DELETE /group_types/{group_type_id}"},
		{"group:access_group_types_specs", adminAPI, "GET /group_types/{group_type_id}"},
		{"group:group_types_specs:get", adminAPI, "GET /group_types/{group_type_id}/group_specs/{g_spec_id}"},
		{"group:group_types_specs:get_all", adminAPI, "GET /group_types/{group_type_id}/group_specs"},
		{"group:group_types_specs:create", adminAPI, "POST /group_types/{group_type_id}/group_specs"},
		{"group:group_types_specs:update", adminAPI, "PUT /group_types/{group_type_id}/group_specs/{g_spec_id}"},
		{"group:group_types_specs:delete", adminAPI, "DELETE /group_types/{group_type_id}/group_specs/{g_spec_id}"},
		{"group:get_all", projectReader, "GET /groups"},
		{"group:create", projectMember, "POST /groups"},
		{"group:get", projectReader, "GET /groups/{group_id}"},
		{"group:update", projectMember, "PUT /groups/{group_id}"},
		{"group:group_project_attribute", adminAPI, "GET /groups/{group_id}"},
		{"group:delete", projectMember, "POST /groups/{group_id}/action (delete)"},
		{"group:reset_status", adminAPI, "POST /groups/{group_id}/action (reset_status)"},
		{"group:enable_replication", projectMember, "POST /groups/{group_id}/action (enable_replication)"},
		{"group:disable_replication", projectMember, "POST /groups/{group_id}/action (disable_replication)"},
		{"group:failover_replication", projectMember, "POST /groups/{group_id}/action (failover_replication)"},
		{"group:list_replication_targets", projectMember, "POST /groups/{group_id}/action (list_replication_targets)"},
		{"group:get_all_group_snapshots", projectReader, "GET /group_snapshots"},
		{"group:create_group_snapshot", projectMember, "POST /group_snapshots"},
		{"group:get_group_snapshot", projectReader, "GET /group_snapshots/{group_snapshot_id}"},
		{"group:delete_group_snapshot", projectMember, "DELETE /group_snapshots/{group_snapshot_id}"},
		{"group:update_group_snapshot", projectMember, "PUT /group_snapshots/{group_snapshot_id}"},
		{"group:group_snapshot_project_attribute", adminAPI, "GET /group_snapshots/{group_snapshot_id}"},
		{"group:reset_group_snapshot_status", adminAPI, "POST /group_snapshots/{g_snapshot_id}/action (reset_status)"},
	} {
		rules = append(rules, policy.Rule{Name: r.name, Check: r.check, ScopeTypes: []string{"project"},
			Description: r.name, Operations: ops(r.op)})
	}
	return rules
}
