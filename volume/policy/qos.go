package volumepolicy

import "github.com/gostack/gostack/services/policy"

// qosRules are cinder/policies/qos_specs.py and the encryption rules of
// cinder/policies/volume_type.py: admin only.
func qosRules() []policy.Rule {
	var rules []policy.Rule
	for _, r := range []struct {
		name string
		ops  []string
	}{
		{"volume_extension:qos_specs_manage:get_all", []string{"GET /qos-specs", "GET /qos-specs/{qos_id}/associations"}},
		{"volume_extension:qos_specs_manage:get", []string{"GET /qos-specs/{qos_id}"}},
		{"volume_extension:qos_specs_manage:create", []string{"POST /qos-specs"}},
		{"volume_extension:qos_specs_manage:update", []string{"PUT /qos-specs/{qos_id}", "GET /qos-specs/{qos_id}/disassociate_all",
			"GET /qos-specs/{qos_id}/associate", "GET /qos-specs/{qos_id}/disassociate"}},
		{"volume_extension:qos_specs_manage:delete", []string{"DELETE /qos-specs/{qos_id}", "PUT /qos-specs/{qos_id}/delete_keys"}},
		{"volume_extension:volume_type_encryption", nil},
		{"volume_extension:volume_type_encryption:create", []string{"POST /types/{type_id}/encryption"}},
		{"volume_extension:volume_type_encryption:get", []string{"GET /types/{type_id}/encryption", "GET /types/{type_id}/encryption/{encryption_key}"}},
		{"volume_extension:volume_type_encryption:update", []string{"PUT /types/{type_id}/encryption/{encryption_id}"}},
		{"volume_extension:volume_type_encryption:delete", []string{"DELETE /types/{type_id}/encryption/{encryption_id}"}},
	} {
		rules = append(rules, policy.Rule{Name: r.name, Check: adminAPI, ScopeTypes: []string{"project"},
			Description: r.name, Operations: ops(r.ops...)})
	}
	return rules
}
