package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestTokenIssueAndRevoke issues a token with the admin's password, checks
// it validates, revokes it with `openstack token revoke` and checks that
// keystone refuses it at once, both for validation and for logging in
// with it.
func TestTokenIssueAndRevoke(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	tok := adm.obj("token", "issue")
	for _, k := range []string{"id", "expires", "project_id", "user_id"} {
		if str(tok, k) == "" {
			t.Fatalf("token issue: no %s in %v", k, tok)
		}
	}
	checker := adm.obj("token", "issue")
	if got := validate(t, adm.env["OS_AUTH_URL"], str(checker, "id"), str(tok, "id")); got != http.StatusOK {
		t.Fatalf("validate a fresh token: HTTP %d, want 200", got)
	}
	adm.must("token", "revoke", str(tok, "id"))
	if got := validate(t, adm.env["OS_AUTH_URL"], str(checker, "id"), str(tok, "id")); got != http.StatusNotFound {
		t.Errorf("validate a revoked token: HTTP %d, want 404", got)
	}
	withToken := &osc{t: t, env: adm.base()}
	withToken.env["OS_AUTH_TYPE"] = "v3token"
	withToken.env["OS_TOKEN"] = str(tok, "id")
	withToken.env["OS_PROJECT_ID"] = str(tok, "project_id")
	withToken.refused([]string{"401", "404"}, "token", "issue")
	// The token that did the checking is untouched.
	if got := validate(t, adm.env["OS_AUTH_URL"], str(checker, "id"), str(checker, "id")); got != http.StatusOK {
		t.Errorf("validate an unrelated token after a revoke: HTTP %d, want 200", got)
	}
}

// TestCatalogList reads the catalog from the admin's token: the identity
// service answers at the auth URL.
func TestCatalogList(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	rows := adm.list("catalog", "list")
	var identity map[string]any
	for _, r := range rows {
		if str(r, "Type") == "identity" {
			identity = r
		}
	}
	if identity == nil {
		t.Fatalf("catalog list has no identity service: %v", rows)
	}
	// OSC renders the endpoints as one text field, or (newer) as a list.
	eps := ""
	switch v := identity["Endpoints"].(type) {
	case string:
		eps = v
	case []any:
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				eps += str(m, "url") + " " + str(m, "interface") + "\n"
			}
		}
	}
	want := strings.TrimSuffix(strings.TrimRight(adm.env["OS_AUTH_URL"], "/"), "/v3")
	if !strings.Contains(eps, want) || !strings.Contains(eps, "public") {
		t.Errorf("catalog list: identity endpoints %q do not include %s (public)", eps, want)
	}
}

// TestDomainLifecycle: domain create, list, show, set, delete.
func TestDomainLifecycle(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	name := unique("dom")
	d := adm.obj("domain", "create", "--description", "e2e domain", name)
	id := str(d, "id")
	adm.cleanup("domain", "delete", id)
	adm.cleanup("domain", "set", "--disable", id)
	if d["enabled"] != true || str(d, "name") != name {
		t.Errorf("domain create: %v", d)
	}
	if !contains(column(adm.list("domain", "list"), "Name"), name) {
		t.Errorf("domain list does not show %s", name)
	}
	adm.must("domain", "set", "--description", "changed", "--disable", name)
	d = adm.obj("domain", "show", name)
	if str(d, "description") != "changed" || d["enabled"] != false {
		t.Errorf("domain show after set: %v", d)
	}
	adm.must("domain", "delete", name)
	adm.refused([]string{"404"}, "domain", "show", id)
}

// TestProjectLifecycle: project create (in a domain, with a parent), list,
// show, set, delete.
func TestProjectLifecycle(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	name, child := unique("proj"), unique("child")
	p := adm.obj("project", "create", "--domain", "default", "--description", "e2e", "--tag", "e2e", name)
	id := str(p, "id")
	adm.cleanup("project", "delete", id)
	c := adm.obj("project", "create", "--domain", "default", "--parent", id, child)
	adm.cleanup("project", "delete", str(c, "id"))
	if str(c, "parent_id") != id {
		t.Errorf("project create --parent: parent_id %q, want %s", str(c, "parent_id"), id)
	}
	if !contains(column(adm.list("project", "list"), "Name"), name) {
		t.Errorf("project list does not show %s", name)
	}
	if got := column(adm.list("project", "list", "--domain", "default"), "ID"); !contains(got, id) {
		t.Errorf("project list --domain default does not show %s", id)
	}
	adm.must("project", "set", "--description", "changed", "--disable", name)
	p = adm.obj("project", "show", "--domain", "default", name)
	if str(p, "description") != "changed" || p["enabled"] != false {
		t.Errorf("project show after set: %v", p)
	}
	adm.must("project", "delete", str(c, "id"))
	adm.must("project", "delete", id)
	adm.refused([]string{"404"}, "project", "show", id)
}

// TestUserLifecycle: user create, list, show, set (including a password
// change the user then logs in with), delete.
func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	userID, projectID, pw, c := member(t, adm)
	tok := c.obj("token", "issue")
	if str(tok, "user_id") != userID || str(tok, "project_id") != projectID {
		t.Errorf("member token issue: %v", tok)
	}
	u := adm.obj("user", "show", userID)
	if str(u, "default_project_id") != projectID || u["enabled"] != true {
		t.Errorf("user show: %v", u)
	}
	if !contains(column(adm.list("user", "list"), "ID"), userID) {
		t.Errorf("user list does not show %s", userID)
	}
	if !contains(column(adm.list("user", "list", "--project", projectID), "ID"), userID) {
		t.Errorf("user list --project does not show %s", userID)
	}
	newPW := pw + "-2"
	adm.must("user", "set", "--email", "e2e@example.org", "--password", newPW, userID)
	if u = adm.obj("user", "show", userID); str(u, "email") != "e2e@example.org" {
		t.Errorf("user show after set --email: %v", u)
	}
	// The old token was revoked by the password change; the new password works.
	if got := validate(t, adm.env["OS_AUTH_URL"], str(adm.obj("token", "issue"), "id"), str(tok, "id")); got != http.StatusNotFound {
		t.Errorf("validate a token issued before a password change: HTTP %d, want 404", got)
	}
	c.refused([]string{"401"}, "token", "issue")
	c.env["OS_PASSWORD"] = newPW
	c.must("token", "issue")
	adm.must("user", "set", "--disable", userID)
	c.refused([]string{"401"}, "token", "issue")
	adm.must("user", "delete", userID)
	adm.refused([]string{"404"}, "user", "show", userID)
}

// TestGroupLifecycle: group create, list, show, set, membership, delete.
func TestGroupLifecycle(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	userID, _, _, _ := member(t, adm)
	name := unique("grp")
	g := adm.obj("group", "create", "--domain", "default", "--description", "e2e", name)
	id := str(g, "id")
	adm.cleanup("group", "delete", id)
	if !contains(column(adm.list("group", "list"), "Name"), name) {
		t.Errorf("group list does not show %s", name)
	}
	adm.must("group", "set", "--description", "changed", id)
	if g = adm.obj("group", "show", id); str(g, "description") != "changed" {
		t.Errorf("group show after set: %v", g)
	}
	adm.must("group", "add", "user", id, userID)
	if !contains(column(adm.list("user", "list", "--group", id), "ID"), userID) {
		t.Errorf("user list --group does not show the member")
	}
	adm.must("group", "contains", "user", id, userID)
	adm.must("group", "remove", "user", id, userID)
	if got := adm.list("user", "list", "--group", id); len(got) != 0 {
		t.Errorf("user list --group after remove: %v", got)
	}
	adm.must("group", "delete", id)
	adm.refused([]string{"404"}, "group", "show", id)
}

// TestRoleLifecycle: role create, list, show, set, delete, and a
// domain-specific role.
func TestRoleLifecycle(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	name := unique("role")
	r := adm.obj("role", "create", "--description", "e2e", name)
	id := str(r, "id")
	adm.cleanup("role", "delete", id)
	if !contains(column(adm.list("role", "list"), "Name"), name) {
		t.Errorf("role list does not show %s", name)
	}
	renamed := name + "-x"
	adm.must("role", "set", "--name", renamed, "--description", "changed", id)
	if r = adm.obj("role", "show", renamed); str(r, "id") != id || str(r, "description") != "changed" {
		t.Errorf("role show after set: %v", r)
	}
	adm.must("role", "delete", renamed)
	adm.refused([]string{"404"}, "role", "show", id)

	dr := adm.obj("role", "create", "--domain", "default", unique("drole"))
	adm.cleanup("role", "delete", str(dr, "id"))
	if str(dr, "domain_id") != "default" {
		t.Errorf("role create --domain: %v", dr)
	}
	if !contains(column(adm.list("role", "list", "--domain", "default"), "ID"), str(dr, "id")) {
		t.Errorf("role list --domain default does not show the domain role")
	}
}

// TestRoleAssignments: role add and remove for a user and a group, on a
// project and a domain, shown by `role assignment list --names`.
func TestRoleAssignments(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	userID, projectID, _, _ := member(t, adm)
	u, p := adm.obj("user", "show", userID), adm.obj("project", "show", projectID)
	g := adm.obj("group", "create", unique("grp"))
	adm.cleanup("group", "delete", str(g, "id"))
	adm.must("role", "add", "--project", str(p, "name"), "--project-domain", "Default", "--group", str(g, "name"), "--group-domain", "Default", "reader")
	adm.must("role", "add", "--domain", "default", "--user", userID, "reader")
	adm.cleanup("role", "remove", "--domain", "default", "--user", userID, "reader")

	rows := adm.list("role", "assignment", "list", "--project", projectID, "--names")
	want := map[string]bool{
		"member " + str(u, "name") + "@Default":       false,
		"reader group:" + str(g, "name") + "@Default": false,
	}
	for _, r := range rows {
		if str(r, "Project") != str(p, "name")+"@Default" {
			t.Errorf("role assignment list --project: row for another project: %v", r)
		}
		key := str(r, "Role") + " " + str(r, "User")
		if str(r, "Group") != "" {
			key = str(r, "Role") + " group:" + str(r, "Group")
		}
		if _, ok := want[key]; ok {
			want[key] = true
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("role assignment list --names: no %q in %v", k, rows)
		}
	}
	rows = adm.list("role", "assignment", "list", "--user", userID, "--names")
	var onDomain bool
	for _, r := range rows {
		if str(r, "Role") == "reader" && str(r, "Domain") == "Default" {
			onDomain = true
		}
	}
	if !onDomain {
		t.Errorf("role assignment list --user --names: no reader on domain Default in %v", rows)
	}
	// --effective expands the group's role to the member.
	rows = adm.list("role", "assignment", "list", "--project", projectID, "--user", userID, "--effective", "--names")
	if roles := column(rows, "Role"); !contains(roles, "member") {
		t.Errorf("role assignment list --effective: %v", rows)
	}

	adm.must("role", "remove", "--project", projectID, "--user", userID, "member")
	adm.must("role", "remove", "--project", projectID, "--group", str(g, "id"), "reader")
	if rows = adm.list("role", "assignment", "list", "--project", projectID); len(rows) != 0 {
		t.Errorf("role assignment list after role remove: %v", rows)
	}
}

// TestCatalogAdmin: region, service and endpoint create, list, delete.
func TestCatalogAdmin(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	region := unique("region")
	r := adm.obj("region", "create", "--description", "e2e", region)
	adm.cleanup("region", "delete", region)
	if str(r, "region") != region {
		t.Errorf("region create: %v", r)
	}
	if !contains(column(adm.list("region", "list"), "Region"), region) {
		t.Errorf("region list does not show %s", region)
	}
	svcName, svcType := unique("svc"), unique("type")
	s := adm.obj("service", "create", "--name", svcName, "--description", "e2e", svcType)
	sid := str(s, "id")
	adm.cleanup("service", "delete", sid)
	if !contains(column(adm.list("service", "list"), "ID"), sid) {
		t.Errorf("service list does not show %s", sid)
	}
	var eids []string
	for _, iface := range []string{"public", "internal", "admin"} {
		e := adm.obj("endpoint", "create", "--region", region, sid, iface, "http://127.0.0.1:1/"+iface)
		eids = append(eids, str(e, "id"))
		adm.cleanup("endpoint", "delete", str(e, "id"))
		if str(e, "service_id") != sid || str(e, "interface") != iface || str(e, "region") != region {
			t.Errorf("endpoint create: %v", e)
		}
	}
	rows := adm.list("endpoint", "list", "--service", sid)
	if got := column(rows, "ID"); len(got) != 3 {
		t.Errorf("endpoint list --service: %v", rows)
	}
	for _, r := range rows {
		if str(r, "Service Name") != svcName || str(r, "Region") != region {
			t.Errorf("endpoint list row: %v", r)
		}
	}
	if rows = adm.list("endpoint", "list", "--region", region, "--interface", "internal"); len(rows) != 1 {
		t.Errorf("endpoint list --region --interface internal: %v", rows)
	}
	adm.must("endpoint", "delete", eids[0], eids[1], eids[2])
	adm.must("service", "delete", sid)
	adm.must("region", "delete", region)
	if contains(column(adm.list("region", "list"), "Region"), region) {
		t.Errorf("region list still shows deleted %s", region)
	}
	adm.refused([]string{"404"}, "service", "show", sid)
}

// TestApplicationCredential: a member creates an application credential,
// logs in with it (v3applicationcredential), and after its deletion can
// no longer.
func TestApplicationCredential(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	userID, projectID, _, c := member(t, adm)
	name := unique("appcred")
	ac := c.obj("application", "credential", "create", "--description", "e2e", name)
	id, secret := str(ac, "id"), str(ac, "secret")
	if id == "" || secret == "" || str(ac, "project_id") != projectID {
		t.Fatalf("application credential create: %v", ac)
	}
	c.cleanup("application", "credential", "delete", id)
	if !contains(column(c.list("application", "credential", "list"), "ID"), id) {
		t.Errorf("application credential list does not show %s", id)
	}
	if got := c.obj("application", "credential", "show", name); str(got, "id") != id {
		t.Errorf("application credential show: %v", got)
	}
	app := &osc{t: t, env: adm.base()}
	// The secret goes after "=": a generated one may start with "-",
	// which the client's argument parser would take for an option.
	login := []string{"--os-auth-type", "v3applicationcredential",
		"--os-application-credential-id", id, "--os-application-credential-secret=" + secret}
	tok := app.obj(append(login, "token", "issue")...)
	if str(tok, "user_id") != userID || str(tok, "project_id") != projectID {
		t.Errorf("token issue with the application credential: %v", tok)
	}
	app.must(append(login, "catalog", "list")...)
	bad := []string{"--os-auth-type", "v3applicationcredential",
		"--os-application-credential-id", id, "--os-application-credential-secret", "wrong"}
	app.refused([]string{"401"}, append(bad, "token", "issue")...)
	c.must("application", "credential", "delete", id)
	if got := validate(t, adm.env["OS_AUTH_URL"], str(adm.obj("token", "issue"), "id"), str(tok, "id")); got != http.StatusNotFound {
		t.Errorf("validate a token of a deleted application credential: HTTP %d, want 404", got)
	}
	app.refused([]string{"401"}, append(login, "token", "issue")...)
}

// TestMemberIsRefusedAdminActions: a user with the member role on one
// project sees only that project and is refused (403) what needs admin.
func TestMemberIsRefusedAdminActions(t *testing.T) {
	t.Parallel()
	adm := admin(t)
	_, projectID, _, c := member(t, adm)
	other := adm.obj("project", "create", unique("other"))
	adm.cleanup("project", "delete", str(other, "id"))

	if got := column(c.list("project", "list"), "ID"); len(got) != 1 || got[0] != projectID {
		t.Errorf("member project list: %v, want only %s", got, projectID)
	}
	c.refused([]string{"403", "404"}, "project", "show", str(other, "id"))
	c.refused([]string{"403"}, "user", "create", unique("intruder"))
	c.refused([]string{"403"}, "project", "create", unique("intruder"))
	c.refused([]string{"403"}, "domain", "create", unique("intruder"))
	c.refused([]string{"403"}, "role", "create", unique("intruder"))
	c.refused([]string{"403"}, "role", "add", "--project", str(other, "id"), "--user", adm.env["OS_USERNAME"], "member")
	c.refused([]string{"403"}, "user", "list")
	c.refused([]string{"403"}, "service", "create", "--name", unique("svc"), unique("type"))
	// A member still reads what is its own.
	if p := c.obj("project", "show", projectID); str(p, "id") != projectID {
		t.Errorf("member project show of its own project: %v", p)
	}
	c.must("catalog", "list")
}
