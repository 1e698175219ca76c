// Package identitypolicy is keystone's default policy, as of Zed, written
// as data for services/policy: the helper rules of
// keystone/common/policies/base.py (admin_required, service_role,
// service_or_admin, owner, admin_or_owner, token_subject, ...) and the
// identity:* rules of the APIs this keystone serves. It is named
// identitypolicy, not policy, so that handlers can import it beside
// services/policy without renaming.
//
// Check strings, scope types, deprecated defaults, descriptions and
// operations are keystone's, verbatim, so an operator's policy.yaml
// written for keystone means the same here.
//
// # What the defaults allow in Zed
//
// Zed runs with [oslo_policy] enforce_scope = False and
// enforce_new_defaults = False, so each rule is its new default OR its
// deprecated one (the pre-Stein check, mostly rule:admin_required or
// rule:admin_or_owner; services/policy does the OR). In effect:
//
//   - A user with the admin role, on any project, domain or the system,
//     may do everything the old admin_required allowed: manage domains,
//     projects, users, groups, roles, grants, the catalog. Scope is not
//     checked.
//   - A system reader (reader on the system) reads everything; a domain
//     reader or admin reads or manages users, groups, projects and grants
//     in its domain.
//   - A user reads itself (identity:get_user), its own projects
//     (list_user_projects), its groups, its application credentials, and
//     validates or revokes its own tokens; a project member reads its own
//     project and its tags. Readers never write.
//   - Limits and registered limits have no deprecated default: only a
//     system admin creates, updates or deletes them, and everyone may list
//     them. The same holds for identity:create_application_credential,
//     which is "user_id:%(user_id)s": not even an admin creates one for
//     someone else.
//
// With enforce_new_defaults = True only the new defaults apply: a project
// admin loses the system-wide APIs (list_users, create_domain, ...) unless
// it also holds a system role assignment.
//
// Role checks read the token's roles, which keystone expands through
// implied roles (admin implies member implies reader), so "role:reader"
// also matches a member or an admin.
//
// # Targets
//
// The rules read the target that keystone's RBACEnforcer.enforce_call
// builds (keystone/common/rbac_enforcer/enforcer.py), flattened to dotted
// keys: the URL's path parameters at the top (user_id, project_id,
// group_id, domain_id, role_id), the request body merged at the top too,
// the resource acted on under "target" (target.user.id,
// target.user.domain_id, target.project.id, target.project.domain_id,
// target.domain.id, target.group.domain_id, target.role.domain_id,
// target.limit.*), the subject token of /v3/auth/tokens as
// target.token.user_id, and list filters (target.domain_id). Handlers
// must build the same keys for the same operation.
//
// # What is left out
//
// Rules of APIs we do not serve: trusts, OAuth1 consumers and tokens,
// access rules, federation (identity providers, mappings, protocols,
// service providers), domain configs, policy associations, revoke events.
// identity:list_projects_for_user and list_domains_for_user (user.py, the
// OS-FEDERATION listings) are kept with the user rules.
//
// There is no identity:change_password: keystone Zed does not enforce
// policy on POST /v3/users/{user_id}/password (it is @unenforced_api; the
// original password authorizes it). Nor is there admin_and_matching_domain_id:
// it belonged to the old policy.v3cloudsample.json, not to keystone's
// defaults.
package identitypolicy
