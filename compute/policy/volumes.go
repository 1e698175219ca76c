package computepolicy

import "github.com/gostack/gostack/services/policy"

// volumeRules are nova's os-volumes-attachments and
// os-server-external-events rules (nova/policies/volumes_attachments.py,
// server_external_events.py).
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
	return rules
}
