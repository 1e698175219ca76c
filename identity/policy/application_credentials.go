package identitypolicy

import "github.com/gostack/gostack/services/policy"

const applicationCredentialDeprecation = "The application credential API is now aware of system scope and default roles."

// applicationCredentialRules returns the defaults for application credentials (keystone/common/policies/application_credential.py).
func applicationCredentialRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_application_credential",
			Check:       "(role:reader and system_scope:all) or rule:owner",
			Description: "Show application credential details.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/users/{user_id}/application_credentials/{application_credential_id}", "HEAD /v3/users/{user_id}/application_credentials/{application_credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: applicationCredentialDeprecation},
		},
		{
			Name:        "identity:list_application_credentials",
			Check:       "(role:reader and system_scope:all) or rule:owner",
			Description: "List application credentials for a user.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/users/{user_id}/application_credentials", "HEAD /v3/users/{user_id}/application_credentials"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: applicationCredentialDeprecation},
		},
		{
			Name:        "identity:create_application_credential",
			Check:       "user_id:%(user_id)s",
			Description: "Create an application credential.",
			ScopeTypes:  []string{"project"},
			Operations:  ops("POST /v3/users/{user_id}/application_credentials"),
		},
		{
			Name:        "identity:delete_application_credential",
			Check:       "(role:admin and system_scope:all) or rule:owner",
			Description: "Delete an application credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("DELETE /v3/users/{user_id}/application_credentials/{application_credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: applicationCredentialDeprecation},
		},
	}
}
