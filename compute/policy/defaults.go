package computepolicy

import (
	"strings"

	"github.com/gostack/gostack/services/policy"
)

// DeniedFormat is nova's PolicyNotAuthorized message.
const DeniedFormat = "Policy doesn't allow %s to be performed."

// Base rules of nova/policies/base.py.
const (
	Admin          = "rule:context_is_admin"
	ProjectMember  = "rule:project_member_api"
	ProjectReader  = "rule:project_reader_api"
	MemberOrAdmin  = "rule:project_member_or_admin"
	ReaderOrAdmin  = "rule:project_reader_or_admin"
	Anyone         = "@"
	OwnerUserAdmin = "(rule:context_is_admin) or user_id:%(user_id)s"
)

// Defaults returns the rules.
func Defaults() []policy.Rule {
	rules := []policy.Rule{
		{Name: "context_is_admin", Check: "role:admin", Description: "Decides what is required for the 'is_admin:True' check to succeed."},
		{Name: "admin_or_owner", Check: "is_admin:True or project_id:%(project_id)s", Description: "Default rule for most non-Admin APIs."},
		{Name: "admin_api", Check: "is_admin:True", Description: "Default rule for most Admin APIs."},
		{Name: "project_member_api", Check: "role:member and project_id:%(project_id)s", Description: "Default rule for Project level non admin APIs."},
		{Name: "project_reader_api", Check: "role:reader and project_id:%(project_id)s", Description: "Default rule for Project level read only APIs."},
		{Name: "project_member_or_admin", Check: "rule:project_member_api or rule:context_is_admin", Description: "Default rule for Project Member or admin APIs."},
		{Name: "project_reader_or_admin", Check: "rule:project_reader_api or rule:context_is_admin", Description: "Default rule for Project reader or admin APIs."},
	}
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	s := "os_compute_api:servers:"
	add(s+"index", ReaderOrAdmin, "GET /servers")
	add(s+"detail", ReaderOrAdmin, "GET /servers/detail")
	add(s+"index:get_all_tenants", Admin, "GET /servers")
	add(s+"detail:get_all_tenants", Admin, "GET /servers/detail")
	add(s+"allow_all_filters", Admin, "GET /servers")
	add(s+"show", ReaderOrAdmin, "GET /servers/{server_id}")
	add(s+"show:flavor-extra-specs", ReaderOrAdmin, "GET /servers/{server_id}")
	add(s+"create:zero_disk_flavor", Admin, "POST /servers")
	add(s+"show:host_status", Admin, "GET /servers/{server_id}")
	add(s+"show:host_status:unknown-only", Admin, "GET /servers/{server_id}")
	add(s+"create", MemberOrAdmin, "POST /servers")
	add(s+"create:forced_host", Admin, "POST /servers")
	add(s+"create:requested_destination", Admin, "POST /servers")
	add(s+"create:attach_volume", MemberOrAdmin, "POST /servers")
	add(s+"create:attach_network", MemberOrAdmin, "POST /servers")
	add(s+"create:trusted_certs", MemberOrAdmin, "POST /servers")
	add(s+"update", MemberOrAdmin, "PUT /servers/{server_id}")
	add(s+"delete", MemberOrAdmin, "DELETE /servers/{server_id}")
	add(s+"start", MemberOrAdmin, "POST /servers/{server_id}/action (os-start)")
	add(s+"stop", MemberOrAdmin, "POST /servers/{server_id}/action (os-stop)")
	add(s+"reboot", MemberOrAdmin, "POST /servers/{server_id}/action (reboot)")
	add("os_compute_api:os-pause-server:pause", MemberOrAdmin, "POST /servers/{server_id}/action (pause)")
	add("os_compute_api:os-pause-server:unpause", MemberOrAdmin, "POST /servers/{server_id}/action (unpause)")
	add("os_compute_api:os-suspend-server:suspend", MemberOrAdmin, "POST /servers/{server_id}/action (suspend)")
	add("os_compute_api:os-suspend-server:resume", MemberOrAdmin, "POST /servers/{server_id}/action (resume)")
	add("os_compute_api:os-lock-server:lock", MemberOrAdmin, "POST /servers/{server_id}/action (lock)")
	add("os_compute_api:os-lock-server:unlock", MemberOrAdmin, "POST /servers/{server_id}/action (unlock)")
	add("os_compute_api:os-lock-server:unlock:unlock_override", Admin, "POST /servers/{server_id}/action (unlock)")
	add("os_compute_api:os-deferred-delete:restore", MemberOrAdmin, "POST /servers/{server_id}/action (restore)")
	add("os_compute_api:os-deferred-delete:force", MemberOrAdmin, "POST /servers/{server_id}/action (forceDelete)")
	add("os_compute_api:os-admin-actions:reset_state", Admin, "POST /servers/{server_id}/action (os-resetState)")
	add("os_compute_api:os-console-output", MemberOrAdmin, "POST /servers/{server_id}/action (os-getConsoleOutput)")
	add("os_compute_api:os-remote-consoles", MemberOrAdmin, "POST /servers/{server_id}/remote-consoles")
	add("os_compute_api:os-console-auth-tokens", Admin, "GET /os-console-auth-tokens/{console_token}")
	add("os_compute_api:os-extended-server-attributes", Admin, "GET /servers/{server_id}")
	add("os_compute_api:ips:index", ReaderOrAdmin, "GET /servers/{server_id}/ips")
	add("os_compute_api:ips:show", ReaderOrAdmin, "GET /servers/{server_id}/ips/{network_label}")
	add("os_compute_api:server-metadata:index", ReaderOrAdmin, "GET /servers/{server_id}/metadata")
	add("os_compute_api:server-metadata:show", ReaderOrAdmin, "GET /servers/{server_id}/metadata/{key}")
	add("os_compute_api:server-metadata:create", MemberOrAdmin, "POST /servers/{server_id}/metadata")
	add("os_compute_api:server-metadata:update_all", MemberOrAdmin, "PUT /servers/{server_id}/metadata")
	add("os_compute_api:server-metadata:update", MemberOrAdmin, "PUT /servers/{server_id}/metadata/{key}")
	add("os_compute_api:server-metadata:delete", MemberOrAdmin, "DELETE /servers/{server_id}/metadata/{key}")
	add("os_compute_api:os-server-tags:index", ReaderOrAdmin, "GET /servers/{server_id}/tags")
	add("os_compute_api:os-server-tags:show", ReaderOrAdmin, "GET /servers/{server_id}/tags/{tag}")
	add("os_compute_api:os-server-tags:update", MemberOrAdmin, "PUT /servers/{server_id}/tags/{tag}")
	add("os_compute_api:os-server-tags:update_all", MemberOrAdmin, "PUT /servers/{server_id}/tags")
	add("os_compute_api:os-server-tags:delete", MemberOrAdmin, "DELETE /servers/{server_id}/tags/{tag}")
	add("os_compute_api:os-server-tags:delete_all", MemberOrAdmin, "DELETE /servers/{server_id}/tags")
	add("os_compute_api:os-instance-actions:list", ReaderOrAdmin, "GET /servers/{server_id}/os-instance-actions")
	add("os_compute_api:os-instance-actions:show", ReaderOrAdmin, "GET /servers/{server_id}/os-instance-actions/{request_id}")
	add("os_compute_api:os-instance-actions:events", Admin, "GET /servers/{server_id}/os-instance-actions/{request_id}")
	add("os_compute_api:os-instance-actions:events:details", Admin, "GET /servers/{server_id}/os-instance-actions/{request_id}")
	add("os_compute_api:os-flavor-manage:create", Admin, "POST /flavors")
	add("os_compute_api:os-flavor-manage:update", Admin, "PUT /flavors/{flavor_id}")
	add("os_compute_api:os-flavor-manage:delete", Admin, "DELETE /flavors/{flavor_id}")
	add("os_compute_api:os-flavor-extra-specs:index", ReaderOrAdmin, "GET /flavors/{flavor_id}/os-extra_specs")
	add("os_compute_api:os-flavor-extra-specs:show", ReaderOrAdmin, "GET /flavors/{flavor_id}/os-extra_specs/{key}")
	add("os_compute_api:os-flavor-extra-specs:create", Admin, "POST /flavors/{flavor_id}/os-extra_specs")
	add("os_compute_api:os-flavor-extra-specs:update", Admin, "PUT /flavors/{flavor_id}/os-extra_specs/{key}")
	add("os_compute_api:os-flavor-extra-specs:delete", Admin, "DELETE /flavors/{flavor_id}/os-extra_specs/{key}")
	add("os_compute_api:os-flavor-access", Admin, "GET /flavors/{flavor_id}/os-flavor-access")
	add("os_compute_api:os-flavor-access:add_tenant_access", Admin, "POST /flavors/{flavor_id}/action (addTenantAccess)")
	add("os_compute_api:os-flavor-access:remove_tenant_access", Admin, "POST /flavors/{flavor_id}/action (removeTenantAccess)")
	add("os_compute_api:os-keypairs:index", OwnerUserAdmin, "GET /os-keypairs")
	add("os_compute_api:os-keypairs:create", OwnerUserAdmin, "POST /os-keypairs")
	add("os_compute_api:os-keypairs:show", OwnerUserAdmin, "GET /os-keypairs/{keypair_name}")
	add("os_compute_api:os-keypairs:delete", OwnerUserAdmin, "DELETE /os-keypairs/{keypair_name}")
	add("os_compute_api:os-hypervisors:list", Admin, "GET /os-hypervisors")
	add("os_compute_api:os-hypervisors:list-detail", Admin, "GET /os-hypervisors/detail")
	add("os_compute_api:os-hypervisors:show", Admin, "GET /os-hypervisors/{hypervisor_id}")
	add("os_compute_api:os-hypervisors:statistics", Admin, "GET /os-hypervisors/statistics")
	add("os_compute_api:os-hypervisors:search", Admin, "GET /os-hypervisors/{hypervisor_hostname_pattern}/search")
	add("os_compute_api:os-hypervisors:servers", Admin, "GET /os-hypervisors/{hypervisor_hostname_pattern}/servers")
	add("os_compute_api:os-hypervisors:uptime", Admin, "GET /os-hypervisors/{hypervisor_id}/uptime")
	add("os_compute_api:os-aggregates:index", Admin, "GET /os-aggregates")
	add("os_compute_api:os-server-groups:index", MemberOrAdmin, "GET /os-server-groups")
	add("os_compute_api:os-services:list", Admin, "GET /os-services")
	add("os_compute_api:os-services:update", Admin, "PUT /os-services/{service_id}")
	add("os_compute_api:os-services:delete", Admin, "DELETE /os-services/{service_id}")
	add("os_compute_api:os-availability-zone:list", Anyone, "GET /os-availability-zone")
	add("os_compute_api:os-availability-zone:detail", Admin, "GET /os-availability-zone/detail")
	add("os_compute_api:limits", Anyone, "GET /limits")
	add("os_compute_api:limits:other_project", Admin, "GET /limits")
	add("os_compute_api:os-quota-sets:show", ReaderOrAdmin, "GET /os-quota-sets/{tenant_id}")
	add("os_compute_api:os-quota-sets:update", Admin, "PUT /os-quota-sets/{tenant_id}")
	add("os_compute_api:os-quota-sets:defaults", Anyone, "GET /os-quota-sets/{tenant_id}/defaults")
	add("os_compute_api:os-quota-sets:delete", Admin, "DELETE /os-quota-sets/{tenant_id}")
	add("os_compute_api:os-quota-sets:detail", ReaderOrAdmin, "GET /os-quota-sets/{tenant_id}/detail")
	add("os_compute_api:os-quota-class-sets:show", "(rule:context_is_admin) or quota_class:%(quota_class)s", "GET /os-quota-class-sets/{quota_class}")
	add("os_compute_api:os-quota-class-sets:update", Admin, "PUT /os-quota-class-sets/{quota_class}")
	add("os_compute_api:os-simple-tenant-usage:show", ReaderOrAdmin, "GET /os-simple-tenant-usage/{tenant_id}")
	add("os_compute_api:os-simple-tenant-usage:list", Admin, "GET /os-simple-tenant-usage")
	rules = append(rules, groupRules()...)
	rules = append(rules, lifecycleRules()...)
	rules = append(rules, legacyRules()...)
	rules = append(rules, volumeRules()...)
	rules = append(rules, volumeProxyRules()...)
	rules = append(rules, secGroupProxyRules()...)
	rules = append(rules, networkProxyRules()...)
	rules = append(rules, moveRules()...)
	rules = append(rules, interfaceRules()...)
	return rules
}

func ops(spec string) []policy.Operation {
	method, path, _ := strings.Cut(spec, " ")
	return []policy.Operation{{Method: method, Path: path}}
}
