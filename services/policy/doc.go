// Package policy is oslo.policy for every service: the rule language,
// default rules declared in code, the operator's override file
// ([oslo_policy] policy_file), and an Enforcer that answers "may these
// credentials perform this rule on this target?".
//
// # The rule language
//
// A check string combines checks with "not" (binds tightest), "and", "or"
// and parentheses; the keywords are case-insensitive. A check is one of:
//
//	@ or ""                always allowed
//	!                      never allowed
//	rule:NAME              the named rule
//	role:NAME              the credentials hold the role (case-insensitive)
//	KIND:MATCH             a generic check, below
//
// In a generic check, KIND is either a Python literal ('member', "member",
// True, False, None, an integer), compared with MATCH, or a dotted path into
// the credentials (user_id, project_id, system_scope, token.domain.id, ...;
// a list on the path matches if any element does). MATCH is a literal or
// contains %(key)s substitutions from the target. Values compare as the
// strings Python's str() gives: True, False, None, 42. A credential
// attribute or target key that does not exist makes the check false.
//
// These are oslo.policy's semantics (oslo_policy/_parser.py and
// _checks.py): RoleCheck lowercases both sides, GenericCheck tries
// ast.literal_eval on the kind and otherwise walks the credentials, and a
// failed %(key)s substitution is false, never an error. Credentials carry
// the values oslo.context's to_policy_values gives (present even when
// unset, as None), plus keystone's rendered token under "token".
//
// # Deliberate differences from oslo.policy
//
//   - A check string that does not parse is an error naming the rule, when
//     New builds the Enforcer; oslo logs it and makes the rule deny all. So
//     is a rule:NAME naming no rule, and a cycle of rule references (oslo
//     warns). A daemon refuses to start with a broken policy file rather
//     than deny requests one by one.
//   - http: and https: checks (oslo's remote HTTP checks) are rejected:
//     nothing here calls out over the network to authorize a request.
//   - The old list-of-lists rule syntax of pre-Newton JSON files is
//     rejected; rule values must be strings. So is a null value: oslo
//     parses None as the empty rule and allows everyone, and in YAML an
//     unquoted "identity:delete_user: !" is null, so upstream opens the
//     rule its author meant to close.
//   - Enforce on a rule name that no default or override defines is a bug
//     in the caller: it returns a fault.Internal wrapping ErrUnknownRule.
//     oslo's Enforcer.enforce would fall back to [oslo_policy]
//     policy_default_rule ("default") and otherwise deny; its authorize,
//     which nova, cinder and glance use, raises PolicyNotRegistered (500);
//     keystone's RBACEnforcer answers 403 with "Internal RBAC enforcement
//     error". We follow authorize: no default-rule fallback, and Check on an
//     unknown name is false. Services check their rule names at start-up
//     with Enforcer.Has.
//   - The policy file is read once when the Enforcer is built; oslo
//     re-reads it when its mtime changes, and merges policy.d directories
//     ([oslo_policy] policy_dirs), which we do not read.
//
// # Deprecated defaults and scope
//
// A default may carry the check string it replaced (Rule.Deprecated). With
// [oslo_policy] enforce_new_defaults = False, oslo.policy's default until
// 2023.2 and so keystone Zed's, the effective rule is "new or deprecated"
// (oslo_policy/policy.py _handle_deprecated_rule), unless the policy file
// overrides the rule. With enforce_new_defaults = True only the new check
// string applies.
//
// Rule.ScopeTypes lists the token scopes ("system", "domain", "project") a
// rule is meant for. With [oslo_policy] enforce_scope = True a token of
// another scope is refused before the check string is evaluated (oslo's
// InvalidScope, which keystone turns into the same 403 as a failed check);
// with False, the Zed default, scope_types are documentation only. A token
// is system-scoped if Credentials.System is set, domain-scoped if DomainID
// is set, and project-scoped otherwise, as oslo's _enforce_scope decides.
//
// # Errors
//
// Enforce returns a *fault.Error of kind fault.Forbidden whose message is
// Options.DeniedFormat with the rule name, by default keystone's
// "You are not authorized to perform the requested action: identity:get_user."
// (keystone/exception.py ForbiddenAction).
package policy
