package api

import (
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/policy"
)

var groupAttrs = names("id", "name", "tenant_id", "project_id", "description", "security_group_rules", "stateful",
	"created_at", "updated_at", "revision_number")

var ruleAttrs = names("id", "tenant_id", "project_id", "security_group_id", "direction", "ethertype", "protocol",
	"port_range_min", "port_range_max", "remote_ip_prefix", "normalized_cidr", "remote_group_id", "description",
	"created_at", "updated_at", "revision_number")

func ruleView(r store.Rule) map[string]any {
	return map[string]any{
		"id": r.ID, "tenant_id": r.ProjectID, "project_id": r.ProjectID, "security_group_id": r.SecurityGroupID,
		"direction": r.Direction, "ethertype": r.Ethertype, "protocol": ptrValue(r.Protocol),
		"port_range_min": intValue(r.PortRangeMin), "port_range_max": intValue(r.PortRangeMax),
		"remote_ip_prefix": ptrValue(r.RemoteIPPrefix), "normalized_cidr": normalizedCIDR(r),
		"remote_group_id": ptrValue(r.RemoteGroupID), "description": r.Description, "created_at": ts(r.CreatedAt), "updated_at": ts(r.UpdatedAt),
		"revision_number": r.Revision,
	}
}

func normalizedCIDR(r store.Rule) any {
	if n := r.NormalizedCIDR(); n != "" {
		return n
	}
	return nil
}

func intValue(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func groupView(g store.SecurityGroup) map[string]any {
	rules := make([]map[string]any, 0, len(g.Rules))
	for _, r := range g.Rules {
		rules = append(rules, ruleView(r))
	}
	return map[string]any{
		"id": g.ID, "name": g.Name, "tenant_id": g.ProjectID, "project_id": g.ProjectID, "description": g.Description,
		"security_group_rules": rules, "stateful": g.Stateful, "created_at": ts(g.CreatedAt),
		"updated_at": ts(g.UpdatedAt), "revision_number": g.Revision,
	}
}

func groupTarget(g store.SecurityGroup) policy.Target {
	return policy.Target{"project_id": g.ProjectID, "tenant_id": g.ProjectID, "id": g.ID}
}

func (a *API) getGroup(r *http.Request, c caller, id string) (store.SecurityGroup, error) {
	g, err := a.st.GetGroup(r.Context(), id)
	if err != nil {
		return g, err
	}
	if !a.allowed(c, "get_security_group", groupTarget(g)) {
		return store.SecurityGroup{}, store.SecurityGroupNotFound(id)
	}
	return g, nil
}

// ensureDefault creates the caller's project's default group on first
// use, as neutron does when a project lists or creates groups or ports.
func (a *API) ensureDefault(r *http.Request, c caller) error {
	if c.project() == "" {
		return nil
	}
	_, err := a.st.EnsureDefaultGroup(r.Context(), c.project())
	return err
}

func (a *API) listGroups(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.ensureDefault(r, c); err != nil {
		writeError(w, r, err)
		return
	}
	groups, err := a.st.ListGroups(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "security_groups"}
	for _, g := range groups {
		if a.allowed(c, "get_security_group", groupTarget(g)) {
			l.items = append(l.items, groupView(g))
		}
	}
	l.write(w, r, groupAttrs)
}

func (a *API) showGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	g, err := a.getGroup(r, c, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "security_group", groupView(g), http.StatusOK)
}

func (a *API) createGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := decode(r, "security_group", "name", "description", "stateful", "project_id", "tenant_id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	g := store.SecurityGroup{}
	if g.ProjectID, err = c.owner(body); err == nil {
		if g.Name, err = body.str("name", 255, ""); err == nil {
			if g.Description, err = body.str("description", 255, ""); err == nil {
				g.Stateful, err = body.boolean("stateful", true)
			}
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "create_security_group", groupTarget(g)); err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := a.st.EnsureDefaultGroup(r.Context(), g.ProjectID); err != nil {
		writeError(w, r, err)
		return
	}
	if strings.EqualFold(g.Name, store.DefaultGroupName) {
		writeError(w, r, store.Errorf("SecurityGroupDefaultAlreadyExists", fault.Conflict, "Default security group already exists."))
		return
	}
	if err := a.checkQuota(r, g.ProjectID, "security_group", 1); err == nil {
		err = a.checkQuota(r, g.ProjectID, "security_group_rule", 2)
		if err != nil {
			writeError(w, r, err)
			return
		}
	} else {
		writeError(w, r, err)
		return
	}
	g, err = a.st.CreateGroup(r.Context(), g)
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "security_group", groupView(g), http.StatusCreated)
}

func (a *API) updateGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	body, err := decode(r, "security_group", "name", "description", "stateful", "project_id", "tenant_id")
	if err == nil {
		err = body.readOnly("name", "description", "stateful")
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	old, err := a.getGroup(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "update_security_group", groupTarget(old)); err != nil {
		writeError(w, r, err)
		return
	}
	isDefault, err := a.st.IsDefaultGroup(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	g, err := a.st.UpdateGroup(r.Context(), id, func(g *store.SecurityGroup) error {
		var err error
		name, err := body.str("name", 255, g.Name)
		if err != nil {
			return err
		}
		if isDefault && body.has("name") {
			return store.Errorf("SecurityGroupCannotUpdateDefault", fault.Conflict, "Updating default security group not allowed.")
		}
		if !isDefault && strings.EqualFold(name, store.DefaultGroupName) {
			return store.Errorf("SecurityGroupDefaultAlreadyExists", fault.Conflict, "Default security group already exists.")
		}
		g.Name = name
		if g.Description, err = body.str("description", 255, g.Description); err != nil {
			return err
		}
		g.Stateful, err = body.boolean("stateful", g.Stateful)
		return err
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "security_group", groupView(g), http.StatusOK)
}

func (a *API) deleteGroup(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	g, err := a.getGroup(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "delete_security_group", groupTarget(g)); err != nil {
		writeError(w, r, err)
		return
	}
	isDefault, err := a.st.IsDefaultGroup(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if isDefault && !c.isAdmin() {
		writeError(w, r, store.Errorf("SecurityGroupCannotRemoveDefault", fault.Conflict,
			"Insufficient rights for removing default security group."))
		return
	}
	if err := a.st.DeleteGroup(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func ruleTarget(rule store.Rule, g store.SecurityGroup) policy.Target {
	return policy.Target{"project_id": rule.ProjectID, "tenant_id": rule.ProjectID,
		"security_group:project_id": g.ProjectID, "security_group:tenant_id": g.ProjectID}
}

func (a *API) listRules(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	groups, err := a.st.ListGroups(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "security_group_rules"}
	for _, g := range groups {
		for _, rule := range g.Rules {
			if a.allowed(c, "get_security_group_rule", ruleTarget(rule, g)) {
				l.items = append(l.items, ruleView(rule))
			}
		}
	}
	l.write(w, r, ruleAttrs)
}

func (a *API) getRule(r *http.Request, c caller, id string) (store.Rule, store.SecurityGroup, error) {
	rule, err := a.st.GetRule(r.Context(), id)
	if err != nil {
		return rule, store.SecurityGroup{}, err
	}
	g, err := a.st.GetGroup(r.Context(), rule.SecurityGroupID)
	if err != nil {
		return rule, g, err
	}
	if !a.allowed(c, "get_security_group_rule", ruleTarget(rule, g)) {
		return store.Rule{}, g, store.SecurityGroupRuleNotFound(id)
	}
	return rule, g, nil
}

func (a *API) showRule(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	rule, _, err := a.getRule(r, c, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "security_group_rule", ruleView(rule), http.StatusOK)
}

func (a *API) deleteRule(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := chi.URLParam(r, "id")
	rule, g, err := a.getRule(r, c, id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.enforce(c, "delete_security_group_rule", ruleTarget(rule, g)); err != nil {
		writeError(w, r, err)
		return
	}
	if err := a.st.DeleteRule(r.Context(), id); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) createRule(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := decode(r, "security_group_rule", "security_group_id", "direction", "ethertype", "protocol",
		"port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "description", "project_id", "tenant_id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	rule, err := parseRule(c, body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	g, err := a.getGroup(r, c, rule.SecurityGroupID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if !body.has("project_id") && !body.has("tenant_id") {
		rule.ProjectID = g.ProjectID
	}
	if err := a.enforce(c, "create_security_group_rule", ruleTarget(rule, g)); err != nil {
		writeError(w, r, err)
		return
	}
	if rule.RemoteGroupID != nil {
		if _, err := a.getGroup(r, c, *rule.RemoteGroupID); err != nil {
			writeError(w, r, err)
			return
		}
	}
	if err := a.checkQuota(r, rule.ProjectID, "security_group_rule", 1); err != nil {
		writeError(w, r, err)
		return
	}
	rule, err = a.st.CreateRule(r.Context(), rule)
	if err != nil {
		writeError(w, r, err)
		return
	}
	showOne(w, r, "security_group_rule", ruleView(rule), http.StatusCreated)
}

// protocols are the names neutron accepts (neutron_lib constants
// IP_PROTOCOL_MAP), besides the numbers 0 to 255.
var protocols = []string{"ah", "dccp", "egp", "esp", "gre", "hopopt", "icmp", "igmp", "ip", "ipip", "ipv6-encap",
	"ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts", "ipv6-route", "ospf", "pgm", "rsvp", "sctp",
	"tcp", "udp", "udplite", "vrrp"}

// portProtocols carry port ranges.
var portProtocols = []string{"tcp", "udp", "dccp", "sctp", "udplite", "6", "17", "33", "132", "136"}
var icmpProtocols = []string{"icmp", "icmpv6", "ipv6-icmp", "1", "58"}

// parseRule validates a rule with neutron's checks and messages.
func parseRule(c caller, body attrs) (store.Rule, error) {
	var rule store.Rule
	var err error
	if rule.ProjectID, err = c.owner(body); err != nil {
		return rule, err
	}
	if rule.SecurityGroupID, err = body.str("security_group_id", 36, ""); err != nil {
		return rule, err
	}
	if rule.SecurityGroupID == "" {
		return rule, invalid("Failed to parse request. Required attribute 'security_group_id' not specified")
	}
	if rule.Description, err = body.str("description", 255, ""); err != nil {
		return rule, err
	}
	if !body.has("direction") {
		return rule, invalid("Failed to parse request. Required attribute 'direction' not specified")
	}
	if rule.Direction, err = body.str("direction", 0, ""); err != nil {
		return rule, err
	}
	if rule.Direction != "ingress" && rule.Direction != "egress" {
		return rule, invalid("Invalid input for direction. Reason: %s is not in ['ingress', 'egress'].", rule.Direction)
	}
	if rule.Ethertype, err = body.str("ethertype", 0, "IPv4"); err != nil {
		return rule, err
	}
	switch strings.ToLower(rule.Ethertype) {
	case "ipv4":
		rule.Ethertype = "IPv4"
	case "ipv6":
		rule.Ethertype = "IPv6"
	default:
		return rule, invalid("Invalid input for ethertype. Reason: %s is not in ['IPv4', 'IPv6'].", rule.Ethertype)
	}
	if rule.Protocol, err = parseProtocol(body); err != nil {
		return rule, err
	}
	if rule.PortRangeMin, err = body.integer("port_range_min"); err != nil {
		return rule, err
	}
	if rule.PortRangeMax, err = body.integer("port_range_max"); err != nil {
		return rule, err
	}
	if err := checkPorts(&rule); err != nil {
		return rule, err
	}
	if rule.RemoteGroupID, err = body.optStr("remote_group_id", 36); err != nil {
		return rule, err
	}
	prefix, err := body.optStr("remote_ip_prefix", 64)
	if err != nil {
		return rule, err
	}
	if prefix != nil {
		if rule.RemoteGroupID != nil {
			return rule, store.Errorf("SecurityGroupRemoteGroupAndRemoteIpPrefix", fault.Invalid,
				"Only remote_ip_prefix or remote_group_id may be provided.")
		}
		s := *prefix
		if !strings.Contains(s, "/") {
			if a, err := netip.ParseAddr(s); err == nil {
				s = s + "/" + strconv.Itoa(a.BitLen())
			}
		}
		p, perr := netip.ParsePrefix(s)
		if perr != nil {
			return rule, invalid("Invalid input for remote_ip_prefix. Reason: '%s' is not a valid IP subnet.", *prefix)
		}
		if (p.Addr().Is4() && rule.Ethertype != "IPv4") || (p.Addr().Is6() && rule.Ethertype != "IPv6") {
			return rule, store.Errorf("SecurityGroupRuleParameterConflict", fault.Invalid,
				"Conflicting value ethertype %s for CIDR %s", rule.Ethertype, *prefix)
		}
		// kept as given, as neutron (normalized_cidr is the masked one)
		given := p.String()
		rule.RemoteIPPrefix = &given
	}
	return rule, nil
}

func parseProtocol(body attrs) (*string, error) {
	v, ok := body["protocol"]
	if !ok || v == nil {
		return nil, nil
	}
	var s string
	switch x := v.(type) {
	case string:
		s = strings.ToLower(x)
	default:
		s = pyValue(v)
	}
	if s == "" || s == "any" {
		return nil, nil
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > 255 {
			return nil, protocolError(s)
		}
		return &s, nil
	}
	if !slices.Contains(protocols, s) {
		return nil, protocolError(s)
	}
	return &s, nil
}

func protocolError(p string) error {
	quoted := make([]string, len(protocols))
	for i, n := range protocols {
		quoted[i] = "'" + n + "'"
	}
	return store.Errorf("SecurityGroupRuleInvalidProtocol", fault.Invalid,
		"Security group rule protocol %s not supported. Only protocol values [None, %s] and integer representations [0 to 255] are supported.",
		p, strings.Join(quoted, ", "))
}

// checkPorts is neutron's _validate_port_range.
func checkPorts(rule *store.Rule) error {
	lo, hi := rule.PortRangeMin, rule.PortRangeMax
	if lo == nil && hi == nil {
		return nil
	}
	if rule.Protocol == nil {
		return store.Errorf("SecurityGroupProtocolRequiredWithPorts", fault.Invalid,
			"Must also specify protocol if port range is given.")
	}
	p := *rule.Protocol
	switch {
	case slices.Contains(portProtocols, p):
		if lo != nil && hi == nil {
			hi = lo
			rule.PortRangeMax = hi
		}
		if lo == nil {
			return store.Errorf("SecurityGroupInvalidPortRange", fault.Invalid,
				"For TCP/UDP protocols, port_range_min must be <= port_range_max")
		}
		for _, v := range []int{*lo, *hi} {
			if v < 1 || v > 65535 {
				return store.Errorf("SecurityGroupInvalidPortValue", fault.Invalid, "Invalid value for port %d", v)
			}
		}
		if *lo > *hi {
			return store.Errorf("SecurityGroupInvalidPortRange", fault.Invalid,
				"For TCP/UDP protocols, port_range_min must be <= port_range_max")
		}
	case slices.Contains(icmpProtocols, p):
		if lo == nil {
			return store.Errorf("SecurityGroupMissingIcmpType", fault.Invalid,
				"ICMP code (port-range-max) %d is provided but ICMP type (port-range-min) is missing.", *hi)
		}
		for _, f := range []struct {
			field, attr string
			v           *int
		}{{"type", "port_range_min", lo}, {"code", "port_range_max", hi}} {
			if f.v != nil && (*f.v < 0 || *f.v > 255) {
				return store.Errorf("SecurityGroupInvalidIcmpValue", fault.Invalid,
					"Invalid value for ICMP %s (%s) %d. It must be 0 to 255.", f.field, f.attr, *f.v)
			}
		}
	default:
		return store.Errorf("SecurityGroupInvalidProtocolForPortRange", fault.Invalid,
			"Invalid protocol %s for port range, only supported for TCP, UDP, UDPLITE, SCTP and DCCP.", p)
	}
	return nil
}
