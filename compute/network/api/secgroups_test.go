package api_test

import (
	"testing"
)

func TestSecurityGroups(t *testing.T) {
	n := newNeutron(t, "", "")
	// First use makes the project's default group with neutron's rules.
	r := n.do(alice, "member", "GET", "/v2.0/security-groups", nil)
	want(t, "list", r, 200)
	groups := list(r, "security_groups")
	if len(groups) != 1 || groups[0]["name"] != "default" || groups[0]["description"] != "Default security group" {
		t.Fatalf("default group: %s", r.raw)
	}
	def := groups[0]["id"].(string)
	var ingress, egress int
	for _, v := range groups[0]["security_group_rules"].([]any) {
		rule := v.(map[string]any)
		switch rule["direction"] {
		case "ingress":
			ingress++
			if rule["remote_group_id"] != def {
				t.Errorf("default ingress rule not from the group: %v", rule)
			}
		case "egress":
			egress++
			if rule["remote_group_id"] != nil || rule["remote_ip_prefix"] != nil || rule["protocol"] != nil {
				t.Errorf("default egress rule not open: %v", rule)
			}
		}
	}
	if ingress != 2 || egress != 2 {
		t.Errorf("default rules: %d ingress, %d egress", ingress, egress)
	}
	if r := n.do(alice, "member", "GET", "/v2.0/security-groups", nil); len(list(r, "security_groups")) != 1 {
		t.Errorf("a second default group: %s", r.raw)
	}
	wantError(t, "another default", n.do(alice, "member", "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "default"}}),
		409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
	r = n.do(alice, "member", "POST", "/v2.0/security-groups", map[string]any{"security_group": map[string]any{"name": "web", "description": "w"}})
	want(t, "create", r, 201)
	web := obj(r, "security_group")
	webID := web["id"].(string)
	if len(web["security_group_rules"].([]any)) != 2 || web["stateful"] != true {
		t.Errorf("new group rules: %s", r.raw)
	}
	rule := func(project, roles string, body map[string]any) resp {
		if _, ok := body["security_group_id"]; !ok {
			body["security_group_id"] = webID
		}
		if _, ok := body["direction"]; !ok {
			body["direction"] = "ingress"
		}
		return n.do(project, roles, "POST", "/v2.0/security-group-rules", map[string]any{"security_group_rule": body})
	}
	r = rule(alice, "member", map[string]any{"protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0", "ethertype": "IPv4"})
	want(t, "ssh rule", r, 201)
	ssh := obj(r, "security_group_rule")
	if ssh["protocol"] != "tcp" || ssh["port_range_min"] != float64(22) || ssh["remote_ip_prefix"] != "0.0.0.0/0" || ssh["project_id"] != alice {
		t.Errorf("ssh rule: %s", r.raw)
	}
	wantError(t, "duplicate", rule(alice, "member", map[string]any{"protocol": "tcp", "port_range_min": 22, "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"}),
		409, "SecurityGroupRuleExists", "Rule id is "+ssh["id"].(string)+".")
	for _, c := range []struct {
		name string
		body map[string]any
		typ  string
		msg  string
	}{
		{"direction", map[string]any{"direction": "sideways"}, "HTTPBadRequest", "Invalid input for direction"},
		{"protocol", map[string]any{"protocol": "foo"}, "SecurityGroupRuleInvalidProtocol", "Security group rule protocol foo not supported"},
		{"range", map[string]any{"protocol": "tcp", "port_range_min": 100, "port_range_max": 90}, "SecurityGroupInvalidPortRange", "port_range_min must be <= port_range_max"},
		{"port 0", map[string]any{"protocol": "udp", "port_range_min": 0, "port_range_max": 10}, "SecurityGroupInvalidPortValue", "Invalid value for port 0"},
		{"ports need protocol", map[string]any{"port_range_min": 22}, "SecurityGroupProtocolRequiredWithPorts", "Must also specify protocol"},
		{"icmp type", map[string]any{"protocol": "icmp", "port_range_min": 300}, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP type (port_range_min) 300"},
		{"remote both", map[string]any{"remote_ip_prefix": "10.0.0.0/8", "remote_group_id": webID}, "SecurityGroupRemoteGroupAndRemoteIpPrefix", "Only remote_ip_prefix or remote_group_id"},
		{"ethertype", map[string]any{"ethertype": "IPv6", "remote_ip_prefix": "10.0.0.0/8"}, "SecurityGroupRuleParameterConflict", "Conflicting value ethertype IPv6 for CIDR 10.0.0.0/8"},
		{"prefix", map[string]any{"remote_ip_prefix": "10.0.0/8"}, "HTTPBadRequest", "is not a valid IP subnet"},
	} {
		wantError(t, c.name, rule(alice, "member", c.body), 400, c.typ, c.msg)
	}
	r = rule(alice, "member", map[string]any{"protocol": "icmp", "remote_group_id": def})
	want(t, "icmp from default", r, 201)
	r = rule(alice, "member", map[string]any{"protocol": "udp", "port_range_min": 53, "remote_ip_prefix": "10.1.2.3"})
	want(t, "udp single port", r, 201)
	if got := obj(r, "security_group_rule"); got["port_range_max"] != float64(53) || got["remote_ip_prefix"] != "10.1.2.3/32" {
		t.Errorf("udp rule: %s", r.raw)
	}
	// A prefix with host bits is kept as given, as neutron; normalized_cidr
	// is the network (tempest's test_security_group_rules_create_with_optional_cidr).
	r = rule(alice, "member", map[string]any{"protocol": "tcp", "port_range_min": 8080, "port_range_max": 8080, "remote_ip_prefix": "10.2.3.124/24"})
	want(t, "host bits", r, 201)
	if got := obj(r, "security_group_rule"); got["remote_ip_prefix"] != "10.2.3.124/24" || got["normalized_cidr"] != "10.2.3.0/24" {
		t.Errorf("prefix with host bits: %s", r.raw)
	}
	// Isolation and roles.
	wantError(t, "bob sees", n.do(bob, "member", "GET", "/v2.0/security-groups/"+webID, nil), 404, "SecurityGroupNotFound", "does not exist")
	wantError(t, "bob adds", rule(bob, "member", map[string]any{"protocol": "tcp"}), 404, "SecurityGroupNotFound", webID)
	wantError(t, "reader adds", rule(alice, "reader", map[string]any{"protocol": "tcp", "port_range_min": 80}), 403, "PolicyNotAuthorized", "create_security_group_rule")
	r = n.do(alice, "reader", "GET", "/v2.0/security-group-rules?security_group_id="+webID+"&direction=ingress", nil)
	want(t, "list rules", r, 200)
	if got := list(r, "security_group_rules"); len(got) != 4 {
		t.Errorf("ingress rules of web: %d", len(got))
	}
	if r := n.do(bob, "member", "GET", "/v2.0/security-group-rules?security_group_id="+webID, nil); len(list(r, "security_group_rules")) != 0 {
		t.Errorf("bob lists alice's rules: %s", r.raw)
	}
	want(t, "show rule", n.do(alice, "reader", "GET", "/v2.0/security-group-rules/"+ssh["id"].(string), nil), 200)
	want(t, "delete rule", n.do(alice, "member", "DELETE", "/v2.0/security-group-rules/"+ssh["id"].(string), nil), 204)
	wantError(t, "rule gone", n.do(alice, "member", "DELETE", "/v2.0/security-group-rules/"+ssh["id"].(string), nil), 404, "SecurityGroupRuleNotFound", "does not exist")
	// A group ports use cannot go; the default group cannot be renamed or
	// deleted by its project.
	r = n.do(alice, "member", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": n.net, "security_groups": []any{webID}}})
	want(t, "port in web", r, 201)
	port := obj(r, "port")["id"].(string)
	wantError(t, "in use", n.do(alice, "member", "DELETE", "/v2.0/security-groups/"+webID, nil), 409, "SecurityGroupInUse", "in use")
	wantError(t, "rename default", n.do(alice, "member", "PUT", "/v2.0/security-groups/"+def, map[string]any{"security_group": map[string]any{"name": "x"}}),
		409, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.")
	wantError(t, "delete default", n.do(alice, "member", "DELETE", "/v2.0/security-groups/"+def, nil), 409, "SecurityGroupCannotRemoveDefault", "Insufficient rights")
	r = n.do(alice, "member", "PUT", "/v2.0/ports/"+port, map[string]any{"port": map[string]any{"security_groups": []any{def}}})
	want(t, "move port", r, 200)
	if sgs := obj(r, "port")["security_groups"].([]any); len(sgs) != 1 || sgs[0] != def {
		t.Errorf("port groups: %s", r.raw)
	}
	wantError(t, "rename to default", n.do(alice, "member", "PUT", "/v2.0/security-groups/"+webID, map[string]any{"security_group": map[string]any{"name": "Default"}}),
		409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.")
	r = n.do(alice, "member", "PUT", "/v2.0/security-groups/"+webID, map[string]any{"security_group": map[string]any{"name": "web2"}})
	want(t, "rename", r, 200)
	want(t, "delete", n.do(alice, "member", "DELETE", "/v2.0/security-groups/"+webID, nil), 204)
}

func TestQuotas(t *testing.T) {
	n := newNeutron(t, "", "")
	r := n.do(alice, "reader", "GET", "/v2.0/quotas/"+alice, nil)
	want(t, "show", r, 200)
	q := obj(r, "quota")
	if q["network"] != float64(100) || q["port"] != float64(500) || q["security_group"] != float64(10) || q["subnetpool"] != float64(-1) {
		t.Errorf("show: %s", r.raw)
	}
	wantError(t, "bob reads alice", n.do(bob, "reader", "GET", "/v2.0/quotas/"+alice, nil), 403, "PolicyNotAuthorized", "get_quota")
	wantError(t, "member sets", n.do(alice, "member", "PUT", "/v2.0/quotas/"+alice, map[string]any{"quota": map[string]any{"port": 1}}),
		403, "PolicyNotAuthorized", "update_quota")
	r = n.do(admin, "admin", "PUT", "/v2.0/quotas/"+alice, map[string]any{"quota": map[string]any{"port": 1, "security_group": 2}})
	want(t, "update", r, 200)
	if q := obj(r, "quota"); q["port"] != float64(1) || q["network"] != float64(100) {
		t.Errorf("update: %s", r.raw)
	}
	wantError(t, "unknown resource", n.do(admin, "admin", "PUT", "/v2.0/quotas/"+alice, map[string]any{"quota": map[string]any{"widgets": 1}}),
		404, "QuotaResourceUnknown", "widgets")
	want(t, "port 1", n.do(alice, "member", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": n.net}}), 201)
	wantError(t, "port 2", n.do(alice, "member", "POST", "/v2.0/ports", map[string]any{"port": map[string]any{"network_id": n.net}}),
		409, "OverQuota", "Quota exceeded for resources: ['port'].")
	r = n.do(alice, "reader", "GET", "/v2.0/quotas/"+alice+"/details.json", nil)
	want(t, "details", r, 200)
	if d := obj(r, "quota")["port"].(map[string]any); d["used"] != float64(1) || d["limit"] != float64(1) || d["reserved"] != float64(0) {
		t.Errorf("details: %s", r.raw)
	}
	if d := obj(r, "quota")["security_group"].(map[string]any); d["used"] != float64(1) {
		t.Errorf("default group not counted: %s", r.raw)
	}
	r = n.do(admin, "admin", "GET", "/v2.0/quotas", nil)
	want(t, "list", r, 200)
	if qs := list(r, "quotas"); len(qs) != 1 || qs[0]["project_id"] != alice {
		t.Errorf("list: %s", r.raw)
	}
	r = n.do(alice, "reader", "GET", "/v2.0/quotas/"+alice+"/default", nil)
	if obj(r, "quota")["port"] != float64(500) {
		t.Errorf("default: %s", r.raw)
	}
	want(t, "delete", n.do(admin, "admin", "DELETE", "/v2.0/quotas/"+alice, nil), 204)
	if r := n.do(alice, "reader", "GET", "/v2.0/quotas/"+alice, nil); obj(r, "quota")["port"] != float64(500) {
		t.Errorf("after delete: %s", r.raw)
	}
}
