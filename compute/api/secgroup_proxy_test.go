package api_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/api"
	"github.com/gostack/gostack/compute/networkapi"
	computepolicy "github.com/gostack/gostack/compute/policy"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

// The deprecated security group proxy (os-security-groups,
// os-security-group-rules, a server's os-security-groups) over an
// in-memory network service: each token ("tok-<project>") sees its
// project's groups, the admin project's token every group, as Neutron's
// policy does; each project has a default group with neutron's rules.

type memNeutron struct {
	mu     sync.Mutex
	seq    int
	groups []networkapi.SecurityGroup
	ports  []networkapi.Port
	// portIPs are the fixed IPs of ports, by port id.
	portIPs map[string][]string
	// ruleReqs are the rules as the network service got them.
	ruleReqs []networkapi.Rule
	tokens   []string
}

func newMemNeutron() *memNeutron { return &memNeutron{} }

func (m *memNeutron) id() string {
	m.seq++
	return fmt.Sprintf("%08d-0000-4000-8000-%012d", m.seq, 3)
}

func projectOf(token string) string { return strings.TrimPrefix(token, "tok-") }

func (m *memNeutron) sees(token string, g networkapi.SecurityGroup) bool {
	p := projectOf(token)
	return p == adminP || g.TenantID == p
}

// ensureDefault makes the project's default group, with neutron's
// ingress rules from the group itself and its egress rules.
func (m *memNeutron) ensureDefault(project string) {
	for _, g := range m.groups {
		if g.TenantID == project && g.Name == "default" {
			return
		}
	}
	g := networkapi.SecurityGroup{ID: m.id(), Name: "default", Description: "Default security group", TenantID: project, ProjectID: project}
	for _, eth := range []string{"IPv4", "IPv6"} {
		self := g.ID
		g.Rules = append(g.Rules,
			networkapi.Rule{ID: m.id(), SecurityGroupID: g.ID, Direction: "ingress", Ethertype: eth, RemoteGroupID: &self},
			networkapi.Rule{ID: m.id(), SecurityGroupID: g.ID, Direction: "egress", Ethertype: eth})
	}
	m.groups = append(m.groups, g)
}

func (m *memNeutron) group(token, id string) (int, error) {
	for i, g := range m.groups {
		if g.ID == id && m.sees(token, g) {
			return i, nil
		}
	}
	return -1, fault.New(fault.NotFound, "Security group %s does not exist", id)
}

func (m *memNeutron) ListSecurityGroups(_ context.Context, token string, filters url.Values) ([]networkapi.SecurityGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, token)
	m.ensureDefault(projectOf(token))
	out := []networkapi.SecurityGroup{}
	for _, g := range m.groups {
		if !m.sees(token, g) {
			continue
		}
		if t, ok := filters["tenant_id"]; ok && !slices.Contains(t, g.TenantID) {
			continue
		}
		if ids, ok := filters["id"]; ok && !slices.Contains(ids, g.ID) {
			continue
		}
		out = append(out, g)
	}
	return out, nil
}

func (m *memNeutron) ShowSecurityGroup(_ context.Context, token, id string) (networkapi.SecurityGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, token)
	i, err := m.group(token, id)
	if err != nil {
		return networkapi.SecurityGroup{}, err
	}
	return m.groups[i], nil
}

func (m *memNeutron) CreateSecurityGroup(_ context.Context, token, name, description string) (networkapi.SecurityGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, token)
	p := projectOf(token)
	m.ensureDefault(p)
	if name == "default" {
		return networkapi.SecurityGroup{}, fault.New(fault.Conflict, "Default security group already exists.")
	}
	g := networkapi.SecurityGroup{ID: m.id(), Name: name, Description: description, TenantID: p, ProjectID: p}
	for _, eth := range []string{"IPv4", "IPv6"} {
		g.Rules = append(g.Rules, networkapi.Rule{ID: m.id(), SecurityGroupID: g.ID, Direction: "egress", Ethertype: eth})
	}
	m.groups = append(m.groups, g)
	return g, nil
}

func (m *memNeutron) UpdateSecurityGroup(_ context.Context, token, id, name, description string) (networkapi.SecurityGroup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.group(token, id)
	if err != nil {
		return networkapi.SecurityGroup{}, err
	}
	m.groups[i].Name, m.groups[i].Description = name, description
	return m.groups[i], nil
}

func (m *memNeutron) DeleteSecurityGroup(_ context.Context, token, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, err := m.group(token, id)
	if err != nil {
		return err
	}
	if m.groups[i].Name == "default" {
		return fault.New(fault.Conflict, "Insufficient rights for removing default security group.")
	}
	for _, p := range m.ports {
		if slices.Contains(p.SecurityGroups, id) {
			return fault.New(fault.Conflict, "Security Group %s in use.", id)
		}
	}
	m.groups = slices.Delete(m.groups, i, i+1)
	// Rules from the group go with it, as neutron's ON DELETE CASCADE.
	for j := range m.groups {
		m.groups[j].Rules = slices.DeleteFunc(m.groups[j].Rules, func(r networkapi.Rule) bool {
			return r.RemoteGroupID != nil && *r.RemoteGroupID == id
		})
	}
	return nil
}

func (m *memNeutron) rule(token, id string) (int, int, error) {
	for i, g := range m.groups {
		for j, r := range g.Rules {
			if r.ID == id && m.sees(token, g) {
				return i, j, nil
			}
		}
	}
	return -1, -1, fault.New(fault.NotFound, "Security group rule %s does not exist", id)
}

func (m *memNeutron) ShowSecurityGroupRule(_ context.Context, token, id string) (networkapi.Rule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, j, err := m.rule(token, id)
	if err != nil {
		return networkapi.Rule{}, err
	}
	return m.groups[i].Rules[j], nil
}

func (m *memNeutron) CreateSecurityGroupRule(_ context.Context, token string, r networkapi.Rule) (networkapi.Rule, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ruleReqs = append(m.ruleReqs, r)
	i, err := m.group(token, r.SecurityGroupID)
	if err != nil {
		return networkapi.Rule{}, err
	}
	if r.Protocol != nil {
		p := strings.ToLower(*r.Protocol)
		r.Protocol = &p
	}
	for _, old := range m.groups[i].Rules {
		if old.Direction == r.Direction && fmt.Sprint(deref(old.Protocol), deref(old.PortRangeMin), deref(old.PortRangeMax),
			deref(old.RemoteIPPrefix), deref(old.RemoteGroupID)) == fmt.Sprint(deref(r.Protocol), deref(r.PortRangeMin),
			deref(r.PortRangeMax), deref(r.RemoteIPPrefix), deref(r.RemoteGroupID)) {
			return networkapi.Rule{}, fault.New(fault.Conflict, "Security group rule already exists. Rule id is %s.", old.ID)
		}
	}
	r.ID = m.id()
	m.groups[i].Rules = append(m.groups[i].Rules, r)
	return r, nil
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func (m *memNeutron) DeleteSecurityGroupRule(_ context.Context, token, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i, j, err := m.rule(token, id)
	if err != nil {
		return err
	}
	m.groups[i].Rules = slices.Delete(m.groups[i].Rules, j, j+1)
	return nil
}

func (m *memNeutron) ListPorts(_ context.Context, token, deviceID string) ([]networkapi.Port, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []networkapi.Port
	for _, p := range m.ports {
		if p.DeviceID == deviceID {
			out = append(out, p)
		}
	}
	return out, nil
}

var _ api.NetworkAPI = (*memNeutron)(nil)

// newSecGroupProxyNova is newNova with the in-memory network service.
func newSecGroupProxyNova(t *testing.T, net api.NetworkAPI, rpc ...api.Network) *nova {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, "nova"); err != nil {
		t.Fatal(err)
	}
	enforcer, err := policy.New(computepolicy.Defaults(), nil, policy.Options{DeniedFormat: computepolicy.DeniedFormat, EnforceNewDefaults: true})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	st := store.New(pool)
	svcs := servicegroup.NewStore(pool)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := api.New(api.Deps{Store: st, Services: svcs, Nodes: placement.NewStore(pool), Conductor: rec, Compute: rec,
		Images: images{imgID: {ID: imgID, Name: "tiny", Status: "active", Size: 24 << 20, DiskFormat: "raw", ContainerFormat: "bare"}},
		Policy: enforcer, Log: quiet})
	if net != nil {
		a.SetNetworkAPI(net)
	}
	for _, n := range rpc {
		a.SetNetwork(n)
	}
	srv := httptest.NewServer(a.Handler(httpapi.Config{Logger: quiet}, injectCaller))
	t.Cleanup(srv.Close)
	return &nova{t: t, srv: srv, store: st, svcs: svcs, rec: rec}
}

// Tempest's response schemas (api_schema/response/compute/v2_1/
// security_groups.py): exactly these keys, with these types.
func checkSecGroupRuleView(t *testing.T, r map[string]any) {
	t.Helper()
	if got, want := strings.Join(keysOf(r), ","), "from_port,group,id,ip_protocol,ip_range,parent_group_id,to_port"; got != want {
		t.Errorf("rule keys %s, want %s", got, want)
	}
	for _, k := range []string{"from_port", "to_port"} {
		if n, ok := r[k].(float64); r[k] != nil && (!ok || n != float64(int(n))) {
			t.Errorf("rule %s %v is not an integer or null", k, r[k])
		}
	}
	if !stringOrNull(r["ip_protocol"]) || !stringOrNull(r["parent_group_id"]) {
		t.Errorf("rule ip_protocol %v or parent_group_id %v", r["ip_protocol"], r["parent_group_id"])
	}
	if _, ok := r["id"].(string); !ok {
		t.Errorf("rule id %v", r["id"])
	}
	g, ok := r["group"].(map[string]any)
	if !ok {
		t.Fatalf("rule group %v is not an object", r["group"])
	}
	for k, v := range g {
		if _, isStr := v.(string); !isStr || (k != "name" && k != "tenant_id") {
			t.Errorf("rule group has %s: %v", k, v)
		}
	}
	ipr, ok := r["ip_range"].(map[string]any)
	if !ok {
		t.Fatalf("rule ip_range %v is not an object", r["ip_range"])
	}
	for k, v := range ipr {
		if _, isStr := v.(string); !isStr || k != "cidr" {
			t.Errorf("rule ip_range has %s: %v", k, v)
		}
	}
}

func checkSecGroupView(t *testing.T, g map[string]any) {
	t.Helper()
	if got, want := strings.Join(keysOf(g), ","), "description,id,name,rules,tenant_id"; got != want {
		t.Errorf("group keys %s, want %s", got, want)
	}
	for _, k := range []string{"id", "name", "tenant_id", "description"} {
		if _, ok := g[k].(string); !ok {
			t.Errorf("group %s %v is not a string", k, g[k])
		}
	}
	rules, ok := g["rules"].([]any)
	if !ok {
		t.Fatalf("group rules %v is not an array", g["rules"])
	}
	for _, r := range rules {
		checkSecGroupRuleView(t, r.(map[string]any))
	}
}

func createSecGroup(t *testing.T, n *nova, project, name string) map[string]any {
	t.Helper()
	r := n.do(project, memberR, "2.1", "POST", "/v2.1/os-security-groups", map[string]any{"security_group": map[string]any{
		"name": name, "description": "about " + name}})
	want(t, "create "+name, r, 200)
	g := obj(t, r.body, "security_group")
	checkSecGroupView(t, g)
	return g
}

func TestSecGroupProxyGroups(t *testing.T) {
	neutron := newMemNeutron()
	n := newSecGroupProxyNova(t, neutron)
	const v = "2.35"
	sgs := "/v2.1/os-security-groups"

	// Create, show, as tempest's test_security_group_create_get_delete.
	g := createSecGroup(t, n, alice, " web group ")
	id := g["id"].(string)
	if g["name"] != " web group " || g["description"] != "about  web group " || g["tenant_id"] != alice || len(g["rules"].([]any)) != 0 {
		t.Errorf("create view: %v", g)
	}
	r := n.do(alice, "reader", v, "GET", sgs+"/"+id, nil)
	want(t, "show", r, 200)
	if shown := obj(t, r.body, "security_group"); fmt.Sprint(shown) != fmt.Sprint(g) {
		t.Errorf("show %v, create %v", shown, g)
	}
	if !slices.Contains(neutron.tokens, "tok-"+alice) || slices.ContainsFunc(neutron.tokens, func(s string) bool { return s != "tok-"+alice }) {
		t.Errorf("network service called with tokens %v, want the caller's", neutron.tokens)
	}

	// List: the project's groups (its default one too, with neutron's
	// ingress rules from itself), sorted by tenant and name.
	createSecGroup(t, n, alice, "app")
	createSecGroup(t, n, bob, "bobs")
	r = n.do(alice, "reader", v, "GET", sgs, nil)
	want(t, "list", r, 200)
	list := listOf(t, r, "security_groups")
	var names []string
	for _, x := range list {
		checkSecGroupView(t, x)
		names = append(names, x["name"].(string))
	}
	if strings.Join(names, "|") != " web group |app|default" {
		t.Errorf("list names %q", names)
	}
	def := list[2]
	if rules := def["rules"].([]any); len(rules) != 2 {
		t.Errorf("default group rules (ingress only): %v", rules)
	} else {
		rule := rules[0].(map[string]any)
		grp := rule["group"].(map[string]any)
		if grp["name"] != "default" || grp["tenant_id"] != alice || len(rule["ip_range"].(map[string]any)) != 0 ||
			rule["ip_protocol"] != nil || rule["from_port"] != nil || rule["parent_group_id"] != def["id"] {
			t.Errorf("default group's rule: %v", rule)
		}
	}
	// limit and offset, as nova's common.limited, before the sort.
	if l := listOf(t, n.do(alice, "reader", v, "GET", sgs+"?limit=1&offset=1", nil), "security_groups"); len(l) != 1 || l[0]["name"] != " web group " {
		t.Errorf("limit=1&offset=1: %v", l)
	}
	wantError(t, "limit=-1", n.do(alice, "reader", v, "GET", sgs+"?limit=-1", nil), 400, "badRequest",
		"Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'")
	// all_tenants: every project's for an admin, ignored for others.
	createSecGroup(t, n, adminP, "adm")
	ids := idsOf(listOf(t, n.do(adminP, adminR, v, "GET", sgs+"?all_tenants=true", nil), "security_groups"))
	if !slices.Contains(ids, id) || len(ids) < 7 {
		t.Errorf("admin all_tenants: %v", ids)
	}
	if l := listOf(t, n.do(adminP, adminR, v, "GET", sgs, nil), "security_groups"); len(l) != 2 {
		t.Errorf("admin without all_tenants sees its project's: %v", l)
	}
	if l := listOf(t, n.do(bob, memberR, v, "GET", sgs+"?all_tenants=1", nil), "security_groups"); len(l) != 2 {
		t.Errorf("all_tenants for a member: %v", l)
	}

	// Update: name and description both.
	r = n.do(alice, memberR, v, "PUT", sgs+"/"+id, map[string]any{"security_group": map[string]any{"name": "web2", "description": "d2"}})
	want(t, "update", r, 200)
	if u := obj(t, r.body, "security_group"); u["name"] != "web2" || u["description"] != "d2" {
		t.Errorf("update: %s", r.raw)
	}
	wantError(t, "update without description", n.do(alice, memberR, v, "PUT", sgs+"/"+id,
		map[string]any{"security_group": map[string]any{"name": "web3"}}), 400, "badRequest", "description is not a string or unicode")

	// nova's 400s.
	for _, c := range []struct {
		what string
		body any
		msg  string
	}{
		{"missing name", map[string]any{"security_group": map[string]any{"description": "x"}}, "name is not a string or unicode"},
		{"long name", map[string]any{"security_group": map[string]any{"name": strings.Repeat("n", 256), "description": "x"}},
			"name has 256 characters, more than 255."},
		{"long description", map[string]any{"security_group": map[string]any{"name": "x", "description": strings.Repeat("é", 260)}},
			"description has 260 characters, more than 255."},
		{"no security_group", map[string]any{"group": map[string]any{}}, "Missing parameter security_group"},
		{"empty body", map[string]any{}, "The request body can't be empty"},
	} {
		wantError(t, c.what, n.do(alice, memberR, v, "POST", sgs, c.body), 400, "badRequest", c.msg)
	}
	wantError(t, "show a non-uuid", n.do(alice, memberR, v, "GET", sgs+"/web", nil), 400, "badRequest", "Security group id should be uuid")
	wantError(t, "delete a non-uuid", n.do(alice, memberR, v, "DELETE", sgs+"/12", nil), 400, "badRequest", "Security group id should be uuid")
	// The default group's name is Neutron's 409, nova's 403.
	want(t, "create default", n.do(alice, memberR, v, "POST", sgs, map[string]any{"security_group": map[string]any{"name": "default", "description": ""}}), 403)

	// 404s: unknown, another project's, the collection with a slash.
	missing := "99999999-0000-4000-8000-000000000000"
	wantError(t, "show unknown", n.do(alice, memberR, v, "GET", sgs+"/"+missing, nil), 404, "itemNotFound",
		"Security group "+missing+" does not exist")
	want(t, "bob shows alice's", n.do(bob, memberR, v, "GET", sgs+"/"+id, nil), 404)
	want(t, "bob updates alice's", n.do(bob, memberR, v, "PUT", sgs+"/"+id, map[string]any{"security_group": map[string]any{"name": "x", "description": ""}}), 404)
	want(t, "bob deletes alice's", n.do(bob, memberR, v, "DELETE", sgs+"/"+id, nil), 404)
	want(t, "delete without an id", n.do(alice, memberR, v, "DELETE", sgs+"/", nil), 404)
	want(t, "list with a slash", n.do(alice, memberR, v, "GET", sgs+"/", nil), 404)

	// Policy: readers do not write.
	want(t, "reader creates", n.do(alice, "reader", v, "POST", sgs, map[string]any{"security_group": map[string]any{"name": "r", "description": ""}}), 403)
	want(t, "reader deletes", n.do(alice, "reader", v, "DELETE", sgs+"/"+id, nil), 403)

	// Delete: the default group (Neutron's 409) and a group in use are
	// nova's 400; then 202 and gone.
	wantError(t, "delete default", n.do(alice, memberR, v, "DELETE", sgs+"/"+def["id"].(string), nil), 400, "badRequest",
		"Insufficient rights for removing default security group.")
	neutron.ports = append(neutron.ports, networkapi.Port{ID: "p1", DeviceID: "x", SecurityGroups: []string{id}})
	want(t, "delete in use", n.do(alice, memberR, v, "DELETE", sgs+"/"+id, nil), 400)
	neutron.ports = nil
	r = n.do(alice, memberR, v, "DELETE", sgs+"/"+id, nil)
	want(t, "delete", r, 202)
	if len(r.raw) != 0 {
		t.Errorf("delete body: %s", r.raw)
	}
	want(t, "show deleted", n.do(alice, memberR, v, "GET", sgs+"/"+id, nil), 404)

	// From 2.36 the proxy is gone.
	for _, c := range []struct{ method, path string }{
		{"GET", sgs}, {"POST", sgs}, {"GET", sgs + "/" + id}, {"PUT", sgs + "/" + id}, {"DELETE", sgs + "/" + id},
		{"POST", "/v2.1/os-security-group-rules"}, {"DELETE", "/v2.1/os-security-group-rules/" + id},
	} {
		wantError(t, c.method+" "+c.path+" at 2.36", n.do(alice, memberR, "2.36", c.method, c.path,
			map[string]any{"security_group": map[string]any{"name": "x", "description": ""}}), 404, "itemNotFound", httpapi.MsgNotFound)
	}
}

func TestSecGroupProxyRules(t *testing.T) {
	neutron := newMemNeutron()
	n := newSecGroupProxyNova(t, neutron)
	const v = "2.35"
	rules := "/v2.1/os-security-group-rules"
	parent := createSecGroup(t, n, alice, "web")["id"].(string)
	source := createSecGroup(t, n, alice, "peers")["id"].(string)
	create := func(extra map[string]any) resp {
		t.Helper()
		b := map[string]any{"parent_group_id": parent}
		for k, x := range extra {
			b[k] = x
		}
		return n.do(alice, memberR, v, "POST", rules, map[string]any{"security_group_rule": b})
	}
	ruleOf := func(r resp) map[string]any {
		t.Helper()
		want(t, "create rule", r, 200)
		if keys := keysOf(r.body); len(keys) != 1 {
			t.Errorf("body keys %v", keys)
		}
		m := obj(t, r.body, "security_group_rule")
		checkSecGroupRuleView(t, m)
		return m
	}

	// As tempest's test_security_group_rules_create: no cidr is 0.0.0.0/0.
	rule := ruleOf(create(map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 22}))
	if rule["parent_group_id"] != parent || rule["ip_protocol"] != "tcp" || rule["from_port"] != 22.0 || rule["to_port"] != 22.0 ||
		fmt.Sprint(rule["ip_range"]) != "map[cidr:0.0.0.0/0]" || len(rule["group"].(map[string]any)) != 0 {
		t.Errorf("tcp rule: %v", rule)
	}
	tcpID := rule["id"].(string)
	got := neutron.ruleReqs[0]
	if got.Direction != "ingress" || got.Ethertype != "IPv4" || *got.Protocol != "tcp" || *got.PortRangeMin != 22 ||
		*got.PortRangeMax != 22 || *got.RemoteIPPrefix != "0.0.0.0/0" || got.RemoteGroupID != nil || got.SecurityGroupID != parent {
		t.Errorf("network service got %+v", got)
	}
	// A cidr, ports given as strings; an IPv6 cidr makes an IPv6 rule.
	rule = ruleOf(create(map[string]any{"ip_protocol": "udp", "from_port": "53", "to_port": "53", "cidr": "10.2.3.0/24"}))
	if fmt.Sprint(rule["ip_range"]) != "map[cidr:10.2.3.0/24]" || rule["from_port"] != 53.0 {
		t.Errorf("cidr rule: %v", rule)
	}
	ruleOf(create(map[string]any{"ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr": "2001:db8::%2F64"}))
	if got := neutron.ruleReqs[len(neutron.ruleReqs)-1]; got.Ethertype != "IPv6" || *got.RemoteIPPrefix != "2001:db8::/64" {
		t.Errorf("IPv6 rule sent as %+v", got)
	}
	// ICMP -1/-1: no port range sent; nova shows -1.
	rule = ruleOf(create(map[string]any{"ip_protocol": "icmp", "from_port": -1, "to_port": -1}))
	if got := neutron.ruleReqs[len(neutron.ruleReqs)-1]; got.PortRangeMin != nil || got.PortRangeMax != nil {
		t.Errorf("icmp rule sent with ports %+v", got)
	}
	if rule["from_port"] != -1.0 || rule["to_port"] != -1.0 || rule["ip_protocol"] != "icmp" {
		t.Errorf("icmp rule: %v", rule)
	}
	// A source group: group {name, tenant_id}, no ip_range; TCP without
	// ports opens them all.
	rule = ruleOf(create(map[string]any{"ip_protocol": "tcp", "group_id": source}))
	if fmt.Sprint(rule["group"]) != "map[name:peers tenant_id:"+alice+"]" || len(rule["ip_range"].(map[string]any)) != 0 ||
		rule["from_port"] != 1.0 || rule["to_port"] != 65535.0 {
		t.Errorf("group rule: %v", rule)
	}
	if got := neutron.ruleReqs[len(neutron.ruleReqs)-1]; got.RemoteIPPrefix != nil || *got.RemoteGroupID != source || got.Ethertype != "IPv4" {
		t.Errorf("group rule sent as %+v", got)
	}
	// The group shows its ingress rules.
	r := n.do(alice, "reader", v, "GET", "/v2.1/os-security-groups/"+parent, nil)
	g := obj(t, r.body, "security_group")
	checkSecGroupView(t, g)
	if l := g["rules"].([]any); len(l) != 5 {
		t.Errorf("group rules: %s", r.raw)
	}

	// nova's 400s, before the network service sees the rule.
	sent := len(neutron.ruleReqs)
	for _, c := range []struct {
		what  string
		extra map[string]any
		msg   string
	}{
		{"duplicate", map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 22}, "This rule already exists in group " + parent},
		{"bad protocol", map[string]any{"ip_protocol": "999-x", "from_port": 22, "to_port": 22}, "Invalid IP protocol 999-x."},
		{"from > to", map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 21},
			"Invalid port range 22:21. Former value cannot be greater than the later"},
		{"from out of range", map[string]any{"ip_protocol": "tcp", "from_port": 65536, "to_port": 65536},
			"Invalid port range 65536:65536. Valid TCP ports should be between 1-65535"},
		{"to out of range", map[string]any{"ip_protocol": "udp", "from_port": 22, "to_port": 70000},
			"Invalid port range 22:70000. Valid UDP ports should be between 1-65535"},
		{"icmp range", map[string]any{"ip_protocol": "icmp", "from_port": 256, "to_port": 0},
			"Invalid port range 256:0. For ICMP, the type:code must be valid"},
		{"ports not integers", map[string]any{"ip_protocol": "tcp", "from_port": "a", "to_port": 22},
			"Invalid input received: To and From ports must be integers"},
		{"icmp not integers", map[string]any{"ip_protocol": "icmp", "from_port": "a", "to_port": 0},
			"Invalid input received: Type and Code must be integers for ICMP protocol type"},
		{"bad cidr", map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.300/24"},
			"10.0.0.300/24 is not a valid IP network."},
		{"cidr without prefix", map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.1"},
			"10.0.0.1 is not a valid IP network."},
		{"bad prefix", map[string]any{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "10.0.0.0/0"},
			"Bad prefix for network in cidr 10.0.0.0/0"},
		{"no protocol", map[string]any{"from_port": 22, "to_port": 22}, "Not enough parameters to build a valid rule."},
		{"non-uuid parent", map[string]any{"parent_group_id": "non_int_id", "ip_protocol": "tcp"}, "Security group id should be uuid"},
		{"no parent", map[string]any{"parent_group_id": nil, "ip_protocol": "tcp"}, "Security group id should be uuid"},
		{"non-uuid group", map[string]any{"group_id": "abc", "ip_protocol": "tcp"}, "Security group id should be uuid"},
	} {
		wantError(t, c.what, create(c.extra), 400, "badRequest", c.msg)
	}
	if len(neutron.ruleReqs) != sent {
		t.Errorf("rules refused by nova reached the network service: %+v", neutron.ruleReqs[sent:])
	}
	wantError(t, "missing body key", n.do(alice, memberR, v, "POST", rules, map[string]any{"rule": map[string]any{}}), 400,
		"badRequest", "Missing parameter security_group_rule")

	// 404s: an unknown parent or source group.
	missing := "99999999-0000-4000-8000-000000000000"
	wantError(t, "unknown parent", create(map[string]any{"parent_group_id": missing, "ip_protocol": "tcp", "from_port": 22, "to_port": 22}),
		404, "itemNotFound", "Security group "+missing+" does not exist")
	want(t, "unknown source", create(map[string]any{"group_id": missing, "ip_protocol": "tcp"}), 404)
	want(t, "bob's rule in alice's group", n.do(bob, memberR, v, "POST", rules, map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": parent, "ip_protocol": "tcp", "from_port": 1, "to_port": 2}}), 404)
	want(t, "reader creates", n.do(alice, "reader", v, "POST", rules, map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": parent, "ip_protocol": "tcp", "from_port": 1, "to_port": 2}}), 403)

	// Delete: 202, then 404; a non-uuid is 400.
	want(t, "bob deletes alice's rule", n.do(bob, memberR, v, "DELETE", rules+"/"+tcpID, nil), 404)
	r = n.do(alice, memberR, v, "DELETE", rules+"/"+tcpID, nil)
	want(t, "delete rule", r, 202)
	if len(r.raw) != 0 {
		t.Errorf("delete body: %s", r.raw)
	}
	want(t, "delete rule again", n.do(alice, memberR, v, "DELETE", rules+"/"+tcpID, nil), 404)
	wantError(t, "delete non-uuid rule", n.do(alice, memberR, v, "DELETE", rules+"/x", nil), 400, "badRequest", "Security group id should be uuid")

	// Deleting the source group takes its rules along
	// (test_security_group_rules_delete_when_peer_group_deleted).
	want(t, "delete source", n.do(alice, memberR, v, "DELETE", "/v2.1/os-security-groups/"+source, nil), 202)
	g = obj(t, n.do(alice, "reader", v, "GET", "/v2.1/os-security-groups/"+parent, nil).body, "security_group")
	for _, x := range g["rules"].([]any) {
		if len(x.(map[string]any)["group"].(map[string]any)) != 0 {
			t.Errorf("a rule from the deleted group is left: %v", x)
		}
	}
}

func TestSecGroupProxyServerGroups(t *testing.T) {
	neutron := newMemNeutron()
	n := newSecGroupProxyNova(t, neutron)
	f := createFlavor(t, n, "sgf", 128, 1, true)
	r := n.do(alice, memberR, "2.37", "POST", "/v2.1/servers", serverBody(f, imgID, nil))
	want(t, "create server", r, 202)
	id := obj(t, r.body, "server")["id"].(string)
	path := "/v2.1/servers/" + id + "/os-security-groups"

	// No ports: no groups.
	r = n.do(alice, "reader", "2.1", "GET", path, nil)
	want(t, "server groups", r, 200)
	if l := listOf(t, r, "security_groups"); len(l) != 0 {
		t.Errorf("groups of a server without ports: %s", r.raw)
	}

	web := createSecGroup(t, n, alice, "web")["id"].(string)
	app := createSecGroup(t, n, alice, "app")["id"].(string)
	r = n.do(alice, memberR, "2.1", "POST", "/v2.1/os-security-group-rules", map[string]any{"security_group_rule": map[string]any{
		"parent_group_id": web, "group_id": app, "ip_protocol": "tcp", "from_port": 80, "to_port": 80}})
	want(t, "rule from app", r, 200)
	neutron.ports = []networkapi.Port{
		{ID: "p1", DeviceID: id, SecurityGroups: []string{web, app}},
		{ID: "p2", DeviceID: "another", SecurityGroups: []string{web}},
	}
	for _, v := range []string{"2.1", "2.35", "2.36"} {
		r = n.do(alice, "reader", v, "GET", path, nil)
		want(t, "server groups at "+v, r, 200)
		l := listOf(t, r, "security_groups")
		for _, g := range l {
			checkSecGroupView(t, g)
		}
		if len(l) != 2 || l[0]["name"] != "app" || l[1]["name"] != "web" {
			t.Fatalf("server groups at %s: %s", v, r.raw)
		}
		rules := l[1]["rules"].([]any)
		if len(rules) != 1 || fmt.Sprint(rules[0].(map[string]any)["group"]) != "map[name:app tenant_id:"+alice+"]" {
			t.Errorf("web's rules: %v", rules)
		}
	}
	want(t, "bob lists alice's server's groups", n.do(bob, memberR, "2.1", "GET", path, nil), 404)
	want(t, "unknown server", n.do(alice, memberR, "2.1", "GET", "/v2.1/servers/99999999-0000-4000-8000-000000000000/os-security-groups", nil), 404)
}

// TestSecGroupProxyWithoutNetworkService: without a network service the
// proxy answers 501, and still 404 from 2.36.
func TestSecGroupProxyWithoutNetworkService(t *testing.T) {
	n := newSecGroupProxyNova(t, nil)
	want(t, "list", n.do(alice, memberR, "2.35", "GET", "/v2.1/os-security-groups", nil), 501)
	want(t, "list at 2.36", n.do(alice, memberR, "2.36", "GET", "/v2.1/os-security-groups", nil), 404)
}

// The networks the in-memory network service has: a shared one everyone
// sees and one of alice's.
var memNetworks = []struct {
	networkapi.Network
	project string
}{
	{networkapi.Network{ID: "5e0e1d57-0000-4000-8000-000000000001", Name: "public"}, ""},
	{networkapi.Network{ID: "5e0e1d57-0000-4000-8000-000000000002", Name: "alice-net"}, alice},
}

func (m *memNeutron) ListNetworks(_ context.Context, token string) ([]networkapi.Network, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens = append(m.tokens, token)
	out := []networkapi.Network{}
	for _, n := range memNetworks {
		if n.project == "" || n.project == projectOf(token) || projectOf(token) == adminP {
			out = append(out, n.Network)
		}
	}
	return out, nil
}

func (m *memNeutron) ShowNetwork(ctx context.Context, token, id string) (networkapi.Network, error) {
	nets, _ := m.ListNetworks(ctx, token)
	for _, n := range nets {
		if n.ID == id {
			return n, nil
		}
	}
	return networkapi.Network{}, fault.New(fault.NotFound, "Network %s could not be found.", id)
}

func (m *memNeutron) DevicesByIPSubstring(_ context.Context, token, substr string) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, p := range m.ports {
		for _, ip := range m.portIPs[p.ID] {
			if strings.Contains(ip, substr) {
				out = append(out, p.DeviceID)
			}
		}
	}
	return out, nil
}
