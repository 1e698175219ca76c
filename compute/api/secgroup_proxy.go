package api

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/networkapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The deprecated security group proxy (nova's SecurityGroupController,
// SecurityGroupRulesController and ServerSecurityGroupController of
// nova/api/openstack/compute/security_groups.py, over the Neutron
// translation of nova/network/security_group_api.py): /os-security-groups
// and /os-security-group-rules pass the caller's requests on to the
// network service with the caller's token and render its answers in
// nova-network's views. Nova serves them up to 2.35 and answers 404 from
// 2.36 (MAX_PROXY_API_SUPPORT_VERSION). GET
// /servers/{server_id}/os-security-groups lists the groups of the
// server's ports; nova serves it at every microversion.
//
// Neutron errors nova translates are translated here (404 to nova's 404
// with Neutron's message, a group in use to 400, quota to 403); the
// others keep their kind, where nova answers 500.

// NetworkAPI is what the deprecated proxies (security groups, networks)
// and the server list's ip filter ask of the network service's HTTP API
// (*networkapi.Client has it). Every call carries the caller's token.
type NetworkAPI interface {
	ListSecurityGroups(ctx context.Context, token string, filters url.Values) ([]networkapi.SecurityGroup, error)
	ShowSecurityGroup(ctx context.Context, token, id string) (networkapi.SecurityGroup, error)
	CreateSecurityGroup(ctx context.Context, token, name, description string) (networkapi.SecurityGroup, error)
	UpdateSecurityGroup(ctx context.Context, token, id, name, description string) (networkapi.SecurityGroup, error)
	DeleteSecurityGroup(ctx context.Context, token, id string) error
	ShowSecurityGroupRule(ctx context.Context, token, id string) (networkapi.Rule, error)
	CreateSecurityGroupRule(ctx context.Context, token string, r networkapi.Rule) (networkapi.Rule, error)
	DeleteSecurityGroupRule(ctx context.Context, token, id string) error
	ListPorts(ctx context.Context, token, deviceID string) ([]networkapi.Port, error)
	ListNetworks(ctx context.Context, token string) ([]networkapi.Network, error)
	ShowNetwork(ctx context.Context, token, id string) (networkapi.Network, error)
	DevicesByIPSubstring(ctx context.Context, token, substr string) ([]string, error)
}

var _ NetworkAPI = (*networkapi.Client)(nil)

// SetNetworkAPI gives the API the network service's HTTP API, for the
// deprecated proxies and the ip/ip6 list filters.
func (a *API) SetNetworkAPI(n NetworkAPI) { a.netapi = n }

const secGroupProxyMaxMinor = 35

// maxSearchIDs is nova's MAX_SEARCH_IDS: ids per list query.
const maxSearchIDs = 150

func (a *API) secGroupProxyRoutes(r chi.Router) {
	r.Get("/os-security-groups", a.listProxySecGroups)
	r.Post("/os-security-groups", a.createProxySecGroup)
	r.Get("/os-security-groups/{group_id}", a.showProxySecGroup)
	r.Put("/os-security-groups/{group_id}", a.updateProxySecGroup)
	r.Delete("/os-security-groups/{group_id}", a.deleteProxySecGroup)
	r.Post("/os-security-group-rules", a.createProxySecGroupRule)
	r.Delete("/os-security-group-rules/{rule_id}", a.deleteProxySecGroupRule)
	r.Get("/servers/{server_id}/os-security-groups", a.listServerSecGroups)
}

// proxyStart starts every request of the deprecated network-service
// proxies (security groups, networks): 404 from 2.36, the caller, and the
// rule on the caller's project. False when the answer is written.
func (a *API) proxyStart(w http.ResponseWriter, r *http.Request, rule string) (caller, NetworkAPI, bool) {
	if atLeast(r, secGroupProxyMaxMinor+1) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return caller{}, nil, false
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return caller{}, nil, false
	}
	if rule != "" {
		if err := a.can(c, rule, projectTarget(c.ProjectID)); err != nil {
			writeErr(w, r, err)
			return caller{}, nil, false
		}
	}
	n, ok := a.netAPI(w, r)
	return c, n, ok
}

func (a *API) netAPI(w http.ResponseWriter, r *http.Request) (NetworkAPI, bool) {
	if a.netapi == nil {
		writeErr(w, r, fault.New(fault.NotImplemented, "This cloud's compute API has no network service configured."))
		return nil, false
	}
	return a.netapi, true
}

// validateSecGroupID is nova's validate_id: uuidutils.is_uuid_like.
func validateSecGroupID(id string) error {
	if !uuidLike(id) {
		return invalid("Security group id should be uuid")
	}
	return nil
}

// uuidLike is oslo's is_uuid_like: a UUID with or without dashes, braces
// or a urn:uuid: prefix, in any case.
func uuidLike(s string) bool {
	s = strings.ReplaceAll(s, "urn:", "")
	s = strings.ReplaceAll(s, "uuid:", "")
	s = strings.Trim(s, "{}")
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// secGroupNotFound is nova's SecurityGroupNotFound for a Neutron 404,
// carrying Neutron's message.
func secGroupNotFound(err error) error {
	if fault.KindOf(err) == fault.NotFound {
		return fault.Wrap(err, fault.NotFound, "%s", fault.MessageOf(err))
	}
	return err
}

// novaRule is a rule in nova-network's shape
// (_convert_to_nova_security_group_rule_format).
type novaRule struct {
	ID            string
	ParentGroupID string
	Protocol      *string
	FromPort      *int
	ToPort        *int
	GroupID       string
	CIDR          string
}

// novaGroup is a group in nova-network's shape
// (_convert_to_nova_security_group_format): its ingress rules only.
type novaGroup struct {
	ID, Name, Description, ProjectID string
	Rules                            []novaRule
}

func intp(n int) *int { return &n }

func toNovaRule(r networkapi.Rule) novaRule {
	n := novaRule{ID: r.ID, ParentGroupID: r.SecurityGroupID, Protocol: r.Protocol,
		FromPort: r.PortRangeMin, ToPort: r.PortRangeMax}
	if r.Protocol != nil && *r.Protocol != "" && r.PortRangeMin == nil && r.PortRangeMax == nil {
		switch strings.ToUpper(*r.Protocol) {
		case "TCP", "UDP":
			n.FromPort, n.ToPort = intp(1), intp(65535)
		default:
			n.FromPort, n.ToPort = intp(-1), intp(-1)
		}
	}
	if r.RemoteGroupID != nil {
		n.GroupID = *r.RemoteGroupID
	}
	n.CIDR = "0.0.0.0/0"
	if r.RemoteIPPrefix != nil && *r.RemoteIPPrefix != "" {
		n.CIDR = *r.RemoteIPPrefix
	}
	return n
}

func toNovaGroup(g networkapi.SecurityGroup) novaGroup {
	n := novaGroup{ID: g.ID, Name: g.Name, Description: g.Description, ProjectID: g.Project()}
	for _, r := range g.Rules {
		if r.Direction == "ingress" {
			n.Rules = append(n.Rules, toNovaRule(r))
		}
	}
	return n
}

// groupRef is a rule's source group as nova shows it; nil: not found.
type groupRef map[string]any

func refOf(g novaGroup) groupRef { return groupRef{"name": g.Name, "tenant_id": g.ProjectID} }

// secGroupViews renders groups and rules, looking up each rule's source
// group once (nova's _get_group_rule_data_by_rule_group_id).
type secGroupViews struct {
	ctx   context.Context
	net   NetworkAPI
	token string
	refs  map[string]groupRef
}

func newSecGroupViews(r *http.Request, n NetworkAPI, c caller, known ...novaGroup) *secGroupViews {
	v := &secGroupViews{ctx: r.Context(), net: n, token: c.AuthToken, refs: map[string]groupRef{}}
	for _, g := range known {
		v.refs[g.ID] = refOf(g)
	}
	return v
}

func (v *secGroupViews) ref(id string) (groupRef, error) {
	if ref, ok := v.refs[id]; ok {
		return ref, nil
	}
	g, err := v.net.ShowSecurityGroup(v.ctx, v.token, id)
	switch {
	case err == nil:
		v.refs[id] = refOf(toNovaGroup(g))
	case fault.KindOf(err) == fault.NotFound:
		// Deleted meanwhile: nova leaves the rule out.
		v.refs[id] = nil
	default:
		return nil, err
	}
	return v.refs[id], nil
}

// rule is nova's _format_security_group_rule; false when the rule's
// source group is gone.
func (v *secGroupViews) rule(r novaRule) (map[string]any, bool, error) {
	m := map[string]any{
		"id":              r.ID,
		"parent_group_id": r.ParentGroupID,
		"ip_protocol":     nullString(r.Protocol),
		"from_port":       intValue(r.FromPort),
		"to_port":         intValue(r.ToPort),
		"group":           map[string]any{},
		"ip_range":        map[string]any{},
	}
	if r.GroupID != "" {
		ref, err := v.ref(r.GroupID)
		if err != nil {
			return nil, false, err
		}
		if ref == nil {
			return nil, false, nil
		}
		m["group"] = map[string]any(ref)
	} else {
		m["ip_range"] = map[string]any{"cidr": r.CIDR}
	}
	return m, true, nil
}

func intValue(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

// group is nova's _format_security_group.
func (v *secGroupViews) group(g novaGroup) (map[string]any, error) {
	rules := []map[string]any{}
	for _, r := range g.Rules {
		m, ok, err := v.rule(r)
		if err != nil {
			return nil, err
		}
		if ok {
			rules = append(rules, m)
		}
	}
	return map[string]any{"id": g.ID, "name": g.Name, "description": g.Description, "tenant_id": g.ProjectID,
		"rules": rules}, nil
}

// groups renders a list sorted by (tenant_id, name), as nova.
func (v *secGroupViews) groups(gs []novaGroup) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		m, err := v.group(g)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := out[i]["tenant_id"].(string), out[j]["tenant_id"].(string)
		if ti != tj {
			return ti < tj
		}
		return out[i]["name"].(string) < out[j]["name"].(string)
	})
	return out, nil
}

// listProxySecGroups is api-ref "List Security Groups": the caller's
// project's groups, every project's for an admin asking all_tenants.
func (a *API) listProxySecGroups(w http.ResponseWriter, r *http.Request) {
	if atLeast(r, secGroupProxyMaxMinor+1) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	if collectionWithSlash(r) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	// The query schema (limit, offset) is checked before the policy.
	if _, _, err := a.limitedRange(r, 0); err != nil {
		writeErr(w, r, err)
		return
	}
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:get")
	if !ok {
		return
	}
	filters := url.Values{}
	if _, all := r.URL.Query()["all_tenants"]; !all || !c.IsAdmin {
		filters.Set("tenant_id", c.ProjectID)
	}
	raw, err := n.ListSecurityGroups(r.Context(), c.AuthToken, filters)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	all := make([]novaGroup, 0, len(raw))
	for _, g := range raw {
		all = append(all, toNovaGroup(g))
	}
	start, end, _ := a.limitedRange(r, len(all))
	out, err := newSecGroupViews(r, n, c, all...).groups(all[start:end])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"security_groups": out})
}

// proxySecGroup validates the URL's id and fetches the group (400, 404).
func proxySecGroup(r *http.Request, n NetworkAPI, c caller) (novaGroup, error) {
	id := chi.URLParam(r, "group_id")
	if err := validateSecGroupID(id); err != nil {
		return novaGroup{}, err
	}
	g, err := n.ShowSecurityGroup(r.Context(), c.AuthToken, id)
	if err != nil {
		return novaGroup{}, secGroupNotFound(err)
	}
	return toNovaGroup(g), nil
}

// showProxySecGroup is api-ref "Show Security Group Details".
func (a *API) showProxySecGroup(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:show")
	if !ok {
		return
	}
	g, err := proxySecGroup(r, n, c)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeSecGroup(w, r, n, c, g)
}

func (a *API) writeSecGroup(w http.ResponseWriter, r *http.Request, n NetworkAPI, c caller, g novaGroup) {
	view, err := newSecGroupViews(r, n, c).group(g)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"security_group": view})
}

// deleteProxySecGroup is api-ref "Delete Security Group": 202; a group
// in use (or the default group) is Neutron's 409, nova's 400.
func (a *API) deleteProxySecGroup(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:delete")
	if !ok {
		return
	}
	g, err := proxySecGroup(r, n, c)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := n.DeleteSecurityGroup(r.Context(), c.AuthToken, g.ID); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			err = fault.Wrap(err, fault.Invalid, "%s", fault.MessageOf(err))
		}
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// proxyBodyValue is nova's _from_body: the request's object under key.
func proxyBodyValue(r *http.Request, key string) (body, error) {
	b, err := decodeBody(r, "")
	if errors.Is(err, httpapi.ErrNoBody) {
		return nil, invalid("The request body can't be empty")
	}
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, invalid("The request body can't be empty")
	}
	v, ok := b[key]
	if !ok || v == nil {
		return nil, invalid("Missing parameter %s", key)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalid("Invalid input for field/attribute %s. Value: %s. %s is not of type 'object'", key, repr(v), repr(v))
	}
	return body(m), nil
}

// secGroupProperty is nova's validate_property (check_string_length, 0
// to 255 characters).
func secGroupProperty(b body, name string) (string, error) {
	s, ok := b[name].(string)
	if !ok {
		return "", invalid("%s is not a string or unicode", name)
	}
	if n := utf8.RuneCountInString(s); n > 255 {
		return "", invalid("%s has %d characters, more than 255.", name, n)
	}
	return s, nil
}

func secGroupNameDescription(b body) (string, string, error) {
	name, err := secGroupProperty(b, "name")
	if err != nil {
		return "", "", err
	}
	desc, err := secGroupProperty(b, "description")
	return name, desc, err
}

// createProxySecGroup is api-ref "Create Security Group": 200.
func (a *API) createProxySecGroup(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:create")
	if !ok {
		return
	}
	b, err := proxyBodyValue(r, "security_group")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	name, desc, err := secGroupNameDescription(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	g, err := n.CreateSecurityGroup(r.Context(), c.AuthToken, name, desc)
	if err != nil {
		writeErr(w, r, secGroupWriteError(err))
		return
	}
	a.writeSecGroup(w, r, n, c, toNovaGroup(g))
}

// secGroupWriteError is nova's translation of Neutron's answer to a
// create: 400 stays, 409 (quota, the default group's name) is
// SecurityGroupLimitExceeded's 403, 401 is a bare 400.
func secGroupWriteError(err error) error {
	switch fault.KindOf(err) {
	case fault.Conflict, fault.OverLimit:
		return fault.Wrap(err, fault.Forbidden, "%s", fault.MessageOf(err))
	case fault.Unauthorized:
		return fault.Wrap(err, fault.Invalid, "The server could not comply with the request since it is either malformed or otherwise incorrect.")
	}
	return secGroupNotFound(err)
}

// updateProxySecGroup is api-ref "Update Security Group": nova sends
// both the name and the description.
func (a *API) updateProxySecGroup(w http.ResponseWriter, r *http.Request) {
	c, n, ok := a.proxyStart(w, r, "os_compute_api:os-security-groups:update")
	if !ok {
		return
	}
	g, err := proxySecGroup(r, n, c)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := proxyBodyValue(r, "security_group")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	name, desc, err := secGroupNameDescription(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ng, err := n.UpdateSecurityGroup(r.Context(), c.AuthToken, g.ID, name, desc)
	if err != nil {
		if fault.KindOf(err) == fault.Unauthorized {
			err = secGroupWriteError(err)
		}
		writeErr(w, r, secGroupNotFound(err))
		return
	}
	a.writeSecGroup(w, r, n, c, toNovaGroup(ng))
}

// listServerSecGroups is api-ref "List Security Groups By Server": the
// groups of the server's ports, once per port, as nova's
// get_instance_security_groups.
func (a *API) listServerSecGroups(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-security-groups:list")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	n, ok := a.netAPI(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	ports, err := n.ListPorts(ctx, c.AuthToken, in.UUID)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		writeErr(w, r, err)
		return
	}
	var ids []string
	seen := map[string]bool{}
	for _, p := range ports {
		for _, id := range p.SecurityGroups {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	found := map[string]novaGroup{}
	for start := 0; start < len(ids); start += maxSearchIDs {
		chunk := ids[start:min(start+maxSearchIDs, len(ids))]
		gs, err := n.ListSecurityGroups(ctx, c.AuthToken, url.Values{"id": chunk})
		if err != nil {
			writeErr(w, r, err)
			return
		}
		for _, g := range gs {
			found[g.ID] = toNovaGroup(g)
		}
	}
	var groups []novaGroup
	for _, p := range ports {
		if p.DeviceID != "" && p.DeviceID != in.UUID {
			continue
		}
		for _, id := range p.SecurityGroups {
			// A group the caller cannot see is left out.
			if g, ok := found[id]; ok {
				groups = append(groups, g)
			}
		}
	}
	out, err := newSecGroupViews(r, n, c, groups...).groups(groups)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"security_groups": out})
}

// parseSecGroupCIDR is nova's parse_cidr: empty is 0.0.0.0/0; otherwise
// URL-unquoted and a valid CIDR with an explicit prefix.
func parseSecGroupCIDR(v any) (string, error) {
	if !pyTruthy(v) {
		return "0.0.0.0/0", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", invalid("%s is not a valid IP network.", pyStr(v))
	}
	if u, err := url.PathUnescape(s); err == nil {
		s = u
	}
	if _, _, ok := cidrParts(s); !ok {
		return "", invalid("%s is not a valid IP network.", s)
	}
	return s, nil
}

// cidrParts reads address/prefix (the prefix a length or, for IPv4, a
// netmask) as netaddr.IPNetwork does; the address is as given.
func cidrParts(s string) (netip.Addr, int, bool) {
	addr, pfx, ok := strings.Cut(s, "/")
	if !ok || pfx == "" {
		return netip.Addr{}, 0, false
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, 0, false
	}
	if n, err := strconv.Atoi(pfx); err == nil {
		if n < 0 || n > ip.BitLen() || strings.HasPrefix(pfx, "+") || strings.HasPrefix(pfx, "-") {
			return netip.Addr{}, 0, false
		}
		return ip, n, true
	}
	if ip.Is4() {
		if m, err := netip.ParseAddr(pfx); err == nil && m.Is4() {
			b := m.As4()
			bits := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			n := 0
			for bits&0x80000000 != 0 {
				n++
				bits <<= 1
			}
			if bits == 0 {
				return ip, n, true
			}
		}
	}
	return netip.Addr{}, 0, false
}

// pyTruthy is Python's truth of a JSON value.
func pyTruthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case map[string]any:
		return len(t) > 0
	default:
		f, err := strconv.ParseFloat(repr(v), 64)
		return err != nil || f != 0
	}
}

// pyStr is Python's str() of a JSON value.
func pyStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		if t {
			return "True"
		}
		return "False"
	}
	return repr(v)
}
