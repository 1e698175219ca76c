package computepolicy

import "github.com/gostack/gostack/services/policy"

// volumeRules are nova's os-volumes-attachments,
// os-server-external-events and server security group rules
// (nova/policies/volumes_attachments.py, server_external_events.py,
// security_groups.py).
func volumeRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	p := "os_compute_api:os-volumes-attachments:"
	add(p+"index", ReaderOrAdmin, "GET /servers/{server_id}/os-volume_attachments")
	add(p+"show", ReaderOrAdmin, "GET /servers/{server_id}/os-volume_attachments/{volume_id}")
	add(p+"create", MemberOrAdmin, "POST /servers/{server_id}/os-volume_attachments")
	add(p+"update", MemberOrAdmin, "PUT /servers/{server_id}/os-volume_attachments/{volume_id}")
	add(p+"swap", Admin, "PUT /servers/{server_id}/os-volume_attachments/{volume_id}")
	add(p+"delete", MemberOrAdmin, "DELETE /servers/{server_id}/os-volume_attachments/{volume_id}")
	add("os_compute_api:os-server-external-events:create", "role:admin or role:service", "POST /os-server-external-events")
	// nova/policies/security_groups.py: a server's groups
	add("os_compute_api:os-security-groups:list", ReaderOrAdmin, "GET /servers/{server_id}/os-security-groups")
	add("os_compute_api:os-security-groups:add", MemberOrAdmin, "POST /servers/{server_id}/action (addSecurityGroup)")
	add("os_compute_api:os-security-groups:remove", MemberOrAdmin, "POST /servers/{server_id}/action (removeSecurityGroup)")
	return rules
}
