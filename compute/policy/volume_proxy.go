package computepolicy

import "github.com/gostack/gostack/services/policy"

// volumeProxyRules are nova's rules of the deprecated volume proxy,
// os-volumes and os-snapshots (nova/policies/volumes.py): readers list and
// show, members create and delete, in their own project.
func volumeProxyRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op, desc string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op),
			Description: desc + "\n\nThis API is a proxy call to the Volume service. It is deprecated."})
	}
	p := "os_compute_api:os-volumes:"
	add(p+"list", ReaderOrAdmin, "GET /os-volumes", "List volumes.")
	add(p+"create", MemberOrAdmin, "POST /os-volumes", "Create volume.")
	add(p+"detail", ReaderOrAdmin, "GET /os-volumes/detail", "List volumes detail.")
	add(p+"show", ReaderOrAdmin, "GET /os-volumes/{volume_id}", "Show volume.")
	add(p+"delete", MemberOrAdmin, "DELETE /os-volumes/{volume_id}", "Delete volume.")
	add(p+"snapshots:list", ReaderOrAdmin, "GET /os-snapshots", "List snapshots.")
	add(p+"snapshots:create", MemberOrAdmin, "POST /os-snapshots", "Create snapshots.")
	add(p+"snapshots:detail", ReaderOrAdmin, "GET /os-snapshots/detail", "List snapshots details.")
	add(p+"snapshots:show", ReaderOrAdmin, "GET /os-snapshots/{snapshot_id}", "Show snapshot.")
	add(p+"snapshots:delete", MemberOrAdmin, "DELETE /os-snapshots/{snapshot_id}", "Delete snapshot.")
	return rules
}
