package computepolicy

import "github.com/gostack/gostack/services/policy"

// legacyRules are the rules of the deprecated APIs nova still serves at
// low microversions (os-hosts, the usage audit log, extensions, server
// password; nova/policies/hosts.py, instance_usage_audit_log.py,
// extensions.py, server_password.py).
func legacyRules() []policy.Rule {
	var rules []policy.Rule
	add := func(name, check, op string) {
		rules = append(rules, policy.Rule{Name: name, Check: check, ScopeTypes: []string{"project"}, Operations: ops(op)})
	}
	h := "os_compute_api:os-hosts:"
	add(h+"list", Admin, "GET /os-hosts")
	add(h+"show", Admin, "GET /os-hosts/{host_name}")
	add(h+"update", Admin, "PUT /os-hosts/{host_name}")
	add(h+"reboot", Admin, "GET /os-hosts/{host_name}/reboot")
	add(h+"shutdown", Admin, "GET /os-hosts/{host_name}/shutdown")
	add(h+"start", Admin, "GET /os-hosts/{host_name}/startup")
	add("os_compute_api:os-instance-usage-audit-log:list", Admin, "GET /os-instance_usage_audit_log")
	add("os_compute_api:os-instance-usage-audit-log:show", Admin, "GET /os-instance_usage_audit_log/{before_timestamp}")
	add("os_compute_api:extensions", Anyone, "GET /extensions")
	add("os_compute_api:os-server-password:show", ReaderOrAdmin, "GET /servers/{server_id}/os-server-password")
	add("os_compute_api:os-server-password:clear", MemberOrAdmin, "DELETE /servers/{server_id}/os-server-password")
	add("os_compute_api:os-server-diagnostics", Admin, "GET /servers/{server_id}/diagnostics")
	return rules
}
