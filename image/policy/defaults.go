package imagepolicy

import (
	"strings"

	"github.com/gostack/gostack/services/policy"
)

// DeniedFormat is glance's Forbidden message (glance/common/exception.py).
const DeniedFormat = "You are not authorized to complete %s action."

// Check strings of glance/policies/base.py.
const (
	projectMember = "role:member and project_id:%(project_id)s"
	projectReader = "role:reader and project_id:%(project_id)s"

	imageMember     = "project_id:%(member_id)s"
	communityVis    = "'community':%(visibility)s"
	publicVis       = "'public':%(visibility)s"
	sharedVis       = "'shared':%(visibility)s"
	visibleAnyway   = "project_id:%(project_id)s or " + imageMember + " or " + communityVis + " or " + publicVis + " or " + sharedVis
	adminOrMember   = "role:admin or (" + projectMember + ")"
	adminOrReader   = "role:admin or (" + projectReader + ")"
	adminOrGetImage = "role:admin or (role:reader and (" + visibleAnyway + "))"
	adminOrDownload = "role:admin or (role:member and (" + visibleAnyway + "))"
	adminOrCreate   = "role:admin or (" + projectMember + " and project_id:%(owner)s)"
	adminOrShared   = "role:admin or (role:member and " + imageMember + ")"
	adminReaderOrSh = "role:admin or role:reader and (project_id:%(project_id)s or " + imageMember + ")"
)

// Defaults returns the rules, in glance's order.
func Defaults() []policy.Rule {
	rules := []policy.Rule{
		{Name: "default", Check: "", Description: "Defines the default rule used for policies that historically had an empty policy in the supplied policy.json file.",
			Deprecated: &policy.DeprecatedRule{Check: "role:admin", Since: "Ussuri"}},
		{Name: "context_is_admin", Check: "role:admin", Description: "Defines the rule for the is_admin:True check."},
	}
	for _, r := range []struct{ name, check, op string }{
		{"add_image", adminOrCreate, "POST /v2/images"},
		{"delete_image", adminOrMember, "DELETE /v2/images/{image_id}"},
		{"get_image", adminOrGetImage, "GET /v2/images/{image_id}"},
		{"get_images", adminOrReader, "GET /v2/images"},
		{"modify_image", adminOrMember, "PATCH /v2/images/{image_id}"},
		{"communitize_image", adminOrMember, "PATCH /v2/images/{image_id}"},
		{"download_image", adminOrDownload, "GET /v2/images/{image_id}/file"},
		{"upload_image", adminOrMember, "PUT /v2/images/{image_id}/file"},
		{"delete_image_location", "role:admin", "PATCH /v2/images/{image_id}"},
		{"get_image_location", adminOrReader, "GET /v2/images/{image_id}"},
		{"set_image_location", adminOrMember, "PATCH /v2/images/{image_id}"},
		{"add_member", adminOrMember, "POST /v2/images/{image_id}/members"},
		{"delete_member", adminOrMember, "DELETE /v2/images/{image_id}/members/{member_id}"},
		{"get_member", adminReaderOrSh, "GET /v2/images/{image_id}/members/{member_id}"},
		{"get_members", adminReaderOrSh, "GET /v2/images/{image_id}/members"},
		{"modify_member", adminOrShared, "PUT /v2/images/{image_id}/members/{member_id}"},
		{"deactivate", adminOrMember, "POST /v2/images/{image_id}/actions/deactivate"},
		{"reactivate", adminOrMember, "POST /v2/images/{image_id}/actions/reactivate"},
	} {
		rules = append(rules, policy.Rule{
			Name: r.name, Check: r.check, ScopeTypes: []string{"project"},
			Operations: ops(r.op),
			Deprecated: &policy.DeprecatedRule{Check: "rule:default", Since: "W"},
		})
	}
	rules = append(rules,
		policy.Rule{Name: "copy_image", Check: "role:admin", ScopeTypes: []string{"project"},
			Description: "Copy existing image to other stores", Operations: ops("POST /v2/images/{image_id}/import")},
		policy.Rule{Name: "stores_info_detail", Check: "role:admin", ScopeTypes: []string{"project"},
			Description: "Expose store specific information", Operations: ops("GET /v2/info/stores/detail")},
	)
	rules = append(rules, policy.Rule{
		Name: "publicize_image", Check: "role:admin", ScopeTypes: []string{"project"},
		Description: "Publicize given image", Operations: ops("PATCH /v2/images/{image_id}"),
	})
	return rules
}

func ops(specs ...string) []policy.Operation {
	out := make([]policy.Operation, 0, len(specs))
	for _, s := range specs {
		method, path, _ := strings.Cut(s, " ")
		out = append(out, policy.Operation{Method: method, Path: path})
	}
	return out
}
