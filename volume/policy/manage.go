package volumepolicy

import "github.com/gostack/gostack/services/policy"

// manageRules are cinder/policies/manageable_volumes.py: admin only.
func manageRules() []policy.Rule {
	var rules []policy.Rule
	for _, r := range []struct {
		name string
		ops  []string
	}{
		{"volume_extension:list_manageable", []string{"GET /manageable_volumes", "GET /manageable_volumes/detail"}},
		{"volume_extension:volume_manage", []string{"POST /manageable_volumes"}},
		{"volume_extension:volume_unmanage", []string{"POST /volumes/{volume_id}/action (os-unmanage)"}},
	} {
		rules = append(rules, policy.Rule{Name: r.name, Check: adminAPI, ScopeTypes: []string{"project"},
			Description: r.name, Operations: ops(r.ops...)})
	}
	return rules
}
