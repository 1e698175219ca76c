package api

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/networkapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The rules of the deprecated security group proxy (nova's
// SecurityGroupRulesController): ingress rules from a CIDR or a source
// group, checked as nova's _new_ingress_rule does before Neutron sees
// them.

// newIngressRule is the rule nova builds (_new_ingress_rule): the
// protocol and ports are set only when all three are given.
type newIngressRule struct {
	GroupID  string // source group; "" for a CIDR rule
	CIDR     string // "" for a group rule
	Protocol *string
	FromPort *int64
	ToPort   *int64
}

var errNoRule = errors.New("not enough parameters")

// portInt is Python's int() of a port: integers, numbers truncated,
// strings of an integer.
func portInt(v any) (int64, bool) {
	switch t := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			return n, true
		} else if errors.Is(err, strconv.ErrRange) {
			return clampInt(t.String()), true
		}
		f, err := t.Float64()
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		return int64(math.Max(math.Min(math.Trunc(f), math.MaxInt64), math.MinInt64)), true
	case string:
		s := strings.TrimSpace(t)
		n, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return n, true
		}
		if errors.Is(err, strconv.ErrRange) {
			return clampInt(s), true
		}
		return 0, false
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

func clampInt(s string) int64 {
	if strings.HasPrefix(s, "-") {
		return math.MinInt64
	}
	return math.MaxInt64
}

// buildIngressRule is nova's _new_ingress_rule.
func buildIngressRule(protocol, from, to any, groupID, cidr string) (newIngressRule, error) {
	rule := newIngressRule{GroupID: groupID}
	if groupID != "" {
		upper := ""
		if pyTruthy(protocol) {
			upper = strings.ToUpper(pyStr(protocol))
		}
		if from == nil && to == nil {
			switch upper {
			case "ICMP":
				from, to = json.Number("-1"), json.Number("-1")
			case "TCP", "UDP":
				from, to = json.Number("1"), json.Number("65535")
			}
		}
	} else if cidr != "" {
		rule.CIDR = cidr
	}
	if !pyTruthy(protocol) || from == nil || to == nil {
		if cidr != "" && groupID == "" {
			return rule, errNoRule
		}
		return rule, nil
	}
	proto := pyStr(protocol)
	upper := strings.ToUpper(proto)
	lo, ok1 := portInt(from)
	hi, ok2 := portInt(to)
	if !ok1 || !ok2 {
		if upper == "ICMP" {
			return rule, invalid("Invalid input received: Type and Code must be integers for ICMP protocol type")
		}
		return rule, invalid("Invalid input received: To and From ports must be integers")
	}
	if upper != "TCP" && upper != "UDP" && upper != "ICMP" {
		return rule, invalid("Invalid IP protocol %s.", proto)
	}
	if (upper == "TCP" || upper == "UDP") && lo > hi {
		return rule, invalid("Invalid port range %d:%d. Former value cannot be greater than the later", lo, hi)
	}
	if (upper == "TCP" || upper == "UDP") && (lo < 1 || hi > 65535) {
		return rule, invalid("Invalid port range %d:%d. Valid %s ports should be between 1-65535", lo, hi, upper)
	}
	if upper == "ICMP" && (lo < -1 || lo > 255 || hi < -1 || hi > 255) {
		return rule, invalid("Invalid port range %d:%d. For ICMP, the type:code must be valid", lo, hi)
	}
	rule.Protocol, rule.FromPort, rule.ToPort = &proto, &lo, &hi
	return rule, nil
}

// exists is nova's _rule_exists: a rule of the group with the same
// source group, CIDR, ports and protocol.
func (n newIngressRule) exists(g novaGroup) bool {
	eqInt := func(a *int, b *int64) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return int64(*a) == *b
	}
	for _, r := range g.Rules {
		if r.GroupID != n.GroupID || n.CIDR == "" || r.CIDR != n.CIDR {
			// A new group rule has no CIDR, which every converted
			// rule has.
			continue
		}
		if !eqInt(r.FromPort, n.FromPort) || !eqInt(r.ToPort, n.ToPort) {
			continue
		}
		if (r.Protocol == nil) != (n.Protocol == nil) || (r.Protocol != nil && *r.Protocol != *n.Protocol) {
			continue
		}
		return true
	}
	return false
}

// neutron is nova's _make_neutron_security_group_rules_list: an ingress
// rule, IPv4 unless the CIDR is IPv6, ports -1 left out.
func (n newIngressRule) neutron(parent string) networkapi.Rule {
	r := networkapi.Rule{SecurityGroupID: parent, Direction: "ingress", Ethertype: "IPv4", Protocol: n.Protocol}
	if n.CIDR != "" {
		cidr := n.CIDR
		r.RemoteIPPrefix = &cidr
		if ip, _, ok := cidrParts(n.CIDR); ok && ip.Is6() {
			r.Ethertype = "IPv6"
		}
	}
	if n.GroupID != "" {
		g := n.GroupID
		r.RemoteGroupID = &g
	}
	port := func(p *int64) *int {
		if p == nil || *p == -1 {
			return nil
		}
		v := int(*p)
		return &v
	}
	r.PortRangeMin, r.PortRangeMax = port(n.FromPort), port(n.ToPort)
	return r
}

// createProxySecGroupRule is api-ref "Create Security Group Rule": 200.
func (a *API) createProxySecGroupRule(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:rule:create")
	if !ok {
		return
	}
	b, err := proxyBodyValue(r, "security_group_rule")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ctx := r.Context()
	parentID, _ := b["parent_group_id"].(string)
	if err := validateSecGroupID(parentID); err != nil {
		writeErr(w, r, err)
		return
	}
	pg, err := n.ShowSecurityGroup(ctx, c.AuthToken, parentID)
	if err != nil {
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	parent := toNovaGroup(pg)
	var source *novaGroup
	groupID := ""
	if v, given := b["group_id"]; given && v != nil {
		groupID, _ = v.(string)
		if err := validateSecGroupID(groupID); err != nil {
			writeErr(w, r, err)
			return
		}
		sg, err := n.ShowSecurityGroup(ctx, c.AuthToken, groupID)
		if err != nil {
			writeErr(w, r, secGroupNotFound(err))
			return
		}
		g := toNovaGroup(sg)
		source = &g
	}
	cidr := ""
	if source == nil {
		if cidr, err = parseSecGroupCIDR(b["cidr"]); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	rule, err := buildIngressRule(b["ip_protocol"], b["from_port"], b["to_port"], groupID, cidr)
	if errors.Is(err, errNoRule) {
		err = invalid("Not enough parameters to build a valid rule.")
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if rule.CIDR != "" {
		if ip, bits, ok := cidrParts(rule.CIDR); ok && bits == 0 && ip.String() != "0.0.0.0" && ip.String() != "::" {
			writeErr(w, r, invalid("Bad prefix for network in cidr %s", rule.CIDR))
			return
		}
	}
	if rule.exists(parent) {
		writeErr(w, r, invalid("This rule already exists in group %s", parent.ID))
		return
	}
	created, err := n.CreateSecurityGroupRule(ctx, c.AuthToken, rule.neutron(parent.ID))
	if err != nil {
		switch fault.KindOf(err) {
		case fault.Conflict, fault.OverLimit:
			err = fault.Wrap(err, fault.Forbidden, "%s", fault.MessageOf(err))
		}
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	views := newSecGroupViews(r, n, c)
	if source != nil {
		views.refs[source.ID] = refOf(*source)
	}
	view, ok, err := views.rule(toNovaRule(created))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var out any = view
	if !ok {
		out = nil
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"security_group_rule": out})
}

// deleteProxySecGroupRule is api-ref "Delete Security Group Rule": 202.
func (a *API) deleteProxySecGroupRule(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:rule:delete")
	if !ok {
		return
	}
	id := chi.URLParam(r, "rule_id")
	if err := validateSecGroupID(id); err != nil {
		writeErr(w, r, err)
		return
	}
	ctx := r.Context()
	rule, err := n.ShowSecurityGroupRule(ctx, c.AuthToken, id)
	if err != nil {
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	if _, err := n.ShowSecurityGroup(ctx, c.AuthToken, rule.SecurityGroupID); err != nil {
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	if err := n.DeleteSecurityGroupRule(ctx, c.AuthToken, rule.ID); err != nil {
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
