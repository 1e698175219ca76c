package volumepolicy

import "github.com/gostack/gostack/services/policy"

// backupRules are cinder/policies/backups.py and backup_actions.py.
func backupRules() []policy.Rule {
	var rules []policy.Rule
	for _, r := range []struct{ name, check, op string }{
		{"backup:get_all", projectReader, "GET /backups"},
		{"backup:backup_project_attribute", adminAPI, "GET /backups/{backup_id}"},
		{"backup:create", projectMember, "POST /backups"},
		{"backup:get", projectReader, "GET /backups/{backup_id}"},
		{"backup:update", projectMember, "PUT /backups/{backup_id}"},
		{"backup:delete", projectMember, "DELETE /backups/{backup_id}"},
		{"backup:restore", projectMember, "POST /backups/{backup_id}/restore"},
		{"backup:backup-import", adminAPI, "POST /backups/{backup_id}/import_record"},
		{"backup:export-import", adminAPI, "GET /backups/{backup_id}/export_record"},
		{"volume_extension:backup_admin_actions:reset_status", adminAPI, "POST /backups/{backup_id}/action (os-reset_status)"},
		{"volume_extension:backup_admin_actions:force_delete", adminAPI, "POST /backups/{backup_id}/action (os-force_delete)"},
	} {
		rules = append(rules, policy.Rule{Name: r.name, Check: r.check, ScopeTypes: []string{"project"},
			Description: r.name, Operations: ops(r.op)})
	}
	return rules
}
