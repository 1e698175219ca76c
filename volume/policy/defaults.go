package volumepolicy

import (
	"strings"

	"github.com/gostack/gostack/services/policy"
)

// DeniedFormat is cinder's PolicyNotAuthorized message.
const DeniedFormat = "Policy doesn't allow %s to be performed."

// Check strings of cinder/policies/base.py.
const (
	adminAPI      = "role:admin"
	projectReader = "rule:admin_api or (role:reader and project_id:%(project_id)s)"
	projectMember = "rule:admin_api or (role:member and project_id:%(project_id)s)"
)

// Defaults returns the rules.
func Defaults() []policy.Rule {
	rules := []policy.Rule{
		{Name: "context_is_admin", Check: "role:admin", Description: "Decides what is required for the 'is_admin:True' check to succeed."},
		{Name: "admin_api", Check: adminAPI, Description: "Default rule for most Admin APIs."},
	}
	for _, r := range []struct{ name, check, op string }{
		{"volume:create", projectMember, "POST /volumes"},
		{"volume:create_from_image", projectMember, "POST /volumes"},
		{"volume:get", projectReader, "GET /volumes/{volume_id}"},
		{"volume:get_all", projectReader, "GET /volumes"},
		{"volume:update", projectMember, "PUT /volumes/{volume_id}"},
		{"volume:delete", projectMember, "DELETE /volumes/{volume_id}"},
		{"volume:force_delete", adminAPI, "DELETE /volumes/{volume_id}"},
		{"volume:extend", projectMember, "POST /volumes/{volume_id}/action (os-extend)"},
		{"volume:extend_attached_volume", projectMember, "POST /volumes/{volume_id}/action (os-extend)"},
		{"volume:retype", projectMember, "POST /volumes/{volume_id}/action (os-retype)"},
		{"volume:reimage", projectMember, "POST /volumes/{volume_id}/action (os-reimage)"},
		{"volume:reimage_reserved", projectMember, "POST /volumes/{volume_id}/action (os-reimage)"},
		{"volume:revert_to_snapshot", projectMember, "POST /volumes/{volume_id}/action (revert)"},
		{"volume:update_readonly_flag", projectMember, "POST /volumes/{volume_id}/action (os-update_readonly_flag)"},
		{"volume_extension:volume_actions:upload_image", projectMember, "POST /volumes/{volume_id}/action (os-volume_upload_image)"},
		{"volume_extension:volume_actions:upload_public", adminAPI, "POST /volumes/{volume_id}/action (os-volume_upload_image)"},
		{"volume_extension:volume_actions:reserve", projectMember, "POST /volumes/{volume_id}/action (os-reserve)"},
		{"volume_extension:volume_actions:unreserve", projectMember, "POST /volumes/{volume_id}/action (os-unreserve)"},
		{"volume_extension:volume_actions:initialize_connection", projectMember, "POST /volumes/{volume_id}/action (os-initialize_connection)"},
		{"volume_extension:volume_actions:terminate_connection", projectMember, "POST /volumes/{volume_id}/action (os-terminate_connection)"},
		{"volume_extension:volume_actions:attach", projectMember, "POST /volumes/{volume_id}/action (os-attach)"},
		{"volume_extension:volume_actions:detach", projectMember, "POST /volumes/{volume_id}/action (os-detach)"},
		{"volume_extension:volume_actions:begin_detaching", projectMember, "POST /volumes/{volume_id}/action (os-begin_detaching)"},
		{"volume_extension:volume_actions:roll_detaching", projectMember, "POST /volumes/{volume_id}/action (os-roll_detaching)"},
		{"volume_extension:volume_admin_actions:reset_status", adminAPI, "POST /volumes/{volume_id}/action (os-reset_status)"},
		{"volume_extension:volume_admin_actions:force_delete", adminAPI, "POST /volumes/{volume_id}/action (os-force_delete)"},
		{"volume_extension:volume_admin_actions:force_detach", adminAPI, "POST /volumes/{volume_id}/action (os-force_detach)"},
		{"volume_extension:volume_admin_actions:migrate_volume", adminAPI, "POST /volumes/{volume_id}/action (os-migrate_volume)"},
		{"volume_extension:snapshot_admin_actions:reset_status", adminAPI, "POST /snapshots/{snapshot_id}/action (os-reset_status)"},
		{"volume_extension:snapshot_admin_actions:force_delete", adminAPI, "POST /snapshots/{snapshot_id}/action (os-force_delete)"},
		{"volume_extension:volume_host_attribute", adminAPI, "GET /volumes/{volume_id}"},
		{"volume_extension:volume_tenant_attribute", projectReader, "GET /volumes/{volume_id}"},
		{"volume_extension:volume_mig_status_attribute", adminAPI, "GET /volumes/{volume_id}"},
		{"volume_extension:volume_image_metadata:show", projectReader, "GET /volumes/{volume_id}"},
		{"volume_extension:volume_image_metadata:set", projectMember, "POST /volumes/{volume_id}/action (os-set_image_metadata)"},
		{"volume_extension:volume_image_metadata:remove", projectMember, "POST /volumes/{volume_id}/action (os-unset_image_metadata)"},
		{"volume:get_volume_metadata", projectReader, "GET /volumes/{volume_id}/metadata"},
		{"volume:create_volume_metadata", projectMember, "POST /volumes/{volume_id}/metadata"},
		{"volume:update_volume_metadata", projectMember, "PUT /volumes/{volume_id}/metadata"},
		{"volume:delete_volume_metadata", projectMember, "DELETE /volumes/{volume_id}/metadata/{key}"},
		{"volume:get_snapshot", projectReader, "GET /snapshots/{snapshot_id}"},
		{"volume:get_all_snapshots", projectReader, "GET /snapshots"},
		{"volume:create_snapshot", projectMember, "POST /snapshots"},
		{"volume:update_snapshot", projectMember, "PUT /snapshots/{snapshot_id}"},
		{"volume:delete_snapshot", projectMember, "DELETE /snapshots/{snapshot_id}"},
		{"volume:update_snapshot_status", projectMember, "POST /snapshots/{snapshot_id}/action (os-update_snapshot_status)"},
		{"volume_extension:extended_snapshot_attributes", projectReader, "GET /snapshots/{snapshot_id}"},
		{"volume:get_snapshot_metadata", projectReader, "GET /snapshots/{snapshot_id}/metadata"},
		{"volume:update_snapshot_metadata", projectMember, "PUT /snapshots/{snapshot_id}/metadata"},
		{"volume:delete_snapshot_metadata", projectMember, "DELETE /snapshots/{snapshot_id}/metadata/{key}"},
		{"volume_extension:type_create", adminAPI, "POST /types"},
		{"volume_extension:type_update", adminAPI, "PUT /types/{type_id}"},
		{"volume_extension:type_delete", adminAPI, "DELETE /types/{type_id}"},
		{"volume_extension:type_get", "", "GET /types/{type_id}"},
		{"volume_extension:type_get_all", "", "GET /types"},
		{"volume_extension:access_types_extra_specs", adminAPI, "GET /types/{type_id}"},
		{"volume_extension:access_types_qos_specs_id", adminAPI, "GET /types/{type_id}"},
		{"volume_extension:types_extra_specs:create", adminAPI, "POST /types/{type_id}/extra_specs"},
		{"volume_extension:types_extra_specs:update", adminAPI, "PUT /types/{type_id}/extra_specs/{key}"},
		{"volume_extension:types_extra_specs:delete", adminAPI, "DELETE /types/{type_id}/extra_specs/{key}"},
		{"volume_extension:types_extra_specs:index", "", "GET /types/{type_id}/extra_specs"},
		{"volume_extension:types_extra_specs:show", "", "GET /types/{type_id}/extra_specs/{key}"},
		{"volume_extension:volume_type_access", projectReader, "GET /types"},
		{"volume_extension:volume_type_access:addProjectAccess", adminAPI, "POST /types/{type_id}/action (addProjectAccess)"},
		{"volume_extension:volume_type_access:removeProjectAccess", adminAPI, "POST /types/{type_id}/action (removeProjectAccess)"},
		{"volume_extension:volume_type_access:get_all_for_type", adminAPI, "GET /types/{type_id}/os-volume-type-access"},
		{"volume_extension:quotas:show", projectReader, "GET /os-quota-sets/{project_id}"},
		{"volume_extension:quotas:update", adminAPI, "PUT /os-quota-sets/{project_id}"},
		{"volume_extension:quotas:delete", adminAPI, "DELETE /os-quota-sets/{project_id}"},
		{"volume_extension:quota_classes", adminAPI, "GET|PUT /os-quota-class-sets/{class}"},
		{"limits_extension:used_limits", projectReader, "GET /limits"},
		{"volume_extension:services:index", adminAPI, "GET /os-services"},
		{"volume_extension:services:update", adminAPI, "PUT /os-services/{action}"},
		{"scheduler_extension:scheduler_stats:get_pools", adminAPI, "GET /scheduler-stats/get_pools"},
		{"volume_extension:capabilities", adminAPI, "GET /capabilities/{host_name}"},
		{"volume_extension:hosts", adminAPI, "GET /os-hosts"},
		{"volume_extension:availability_zone_list", "", "GET /os-availability-zone"},
		{"message:get", projectReader, "GET /messages/{message_id}"},
		{"message:get_all", projectReader, "GET /messages"},
		{"message:delete", projectMember, "DELETE /messages/{message_id}"},
		{"volume:get_all_transfers", projectReader, "GET /os-volume-transfer"},
		{"volume:get_transfer", projectReader, "GET /os-volume-transfer/{transfer_id}"},
		{"volume:create_transfer", projectMember, "POST /os-volume-transfer"},
		{"volume:delete_transfer", projectMember, "DELETE /os-volume-transfer/{transfer_id}"},
		{"volume:accept_transfer", "rule:admin_api or role:member", "POST /os-volume-transfer/{transfer_id}/accept"},
		{"volume:get_all_admin", adminAPI, "GET /volumes?all_tenants=1"},
		{"volume:attachment_create", projectMember, "POST /attachments"},
		{"volume:attachment_update", projectMember, "PUT /attachments/{attachment_id}"},
		{"volume:attachment_delete", projectMember, "DELETE /attachments/{attachment_id}"},
		{"volume:attachment_complete", projectMember, "POST /attachments/{attachment_id}/action (os-complete)"},
	} {
		rules = append(rules, policy.Rule{Name: r.name, Check: r.check, ScopeTypes: []string{"project"},
			Description: r.name, Operations: ops(r.op)})
	}
	rules = append(rules, backupRules()...)
	rules = append(rules, groupRules()...)
	rules = append(rules, qosRules()...)
	rules = append(rules, manageRules()...)
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
