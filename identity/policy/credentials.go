package identitypolicy

import "github.com/gostack/gostack/services/policy"

const (
	credentialDeprecation    = "The credential API is now aware of system scope and default roles."
	ec2CredentialDeprecation = "The EC2 credential API is now aware of system scope and default roles."

	// systemReaderOrCredOwner and systemAdminOrCredOwner are base.py's
	// SYSTEM_READER_OR_CRED_OWNER and SYSTEM_ADMIN_OR_CRED_OWNER.
	systemReaderOrCredOwner = "(" + systemReader + ") or user_id:%(target.credential.user_id)s"
	systemAdminOrCredOwner  = "(" + systemAdmin + ") or user_id:%(target.credential.user_id)s"
	// ruleAdminOrCredOwner is base.py's RULE_ADMIN_OR_CREDENTIAL_OWNER.
	ruleAdminOrCredOwner = "rule:admin_required or (rule:owner and user_id:%(target.credential.user_id)s)"
)

// credentialRules returns the defaults for credentials (keystone/common/policies/credential.py).
func credentialRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:get_credential",
			Check:       systemReaderOrCredOwner,
			Description: "Show credentials details.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/credentials/{credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation},
		},
		{
			Name:        "identity:list_credentials",
			Check:       systemReaderOrCredOwner,
			Description: "List credentials.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/credentials"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation},
		},
		{
			Name:        "identity:create_credential",
			Check:       systemAdminOrCredOwner,
			Description: "Create credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("POST /v3/credentials"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation},
		},
		{
			Name:        "identity:update_credential",
			Check:       systemAdminOrCredOwner,
			Description: "Update credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("PATCH /v3/credentials/{credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation},
		},
		{
			Name:        "identity:delete_credential",
			Check:       systemAdminOrCredOwner,
			Description: "Delete credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("DELETE /v3/credentials/{credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation},
		},
	}
}

// ec2CredentialRules returns the defaults for EC2 credentials (keystone/common/policies/ec2_credential.py).
func ec2CredentialRules() []policy.Rule {
	return []policy.Rule{
		{
			Name:        "identity:ec2_get_credential",
			Check:       systemReaderOrCredOwner,
			Description: "Show ec2 credential details.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/users/{user_id}/credentials/OS-EC2/{credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrCredOwner, Since: "T", Reason: ec2CredentialDeprecation},
		},
		{
			Name:        "identity:ec2_list_credentials",
			Check:       "(" + systemReader + ") or rule:owner",
			Description: "List ec2 credentials.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("GET /v3/users/{user_id}/credentials/OS-EC2"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: ec2CredentialDeprecation},
		},
		{
			Name:        "identity:ec2_create_credential",
			Check:       "(" + systemAdmin + ") or rule:owner",
			Description: "Create ec2 credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("POST /v3/users/{user_id}/credentials/OS-EC2"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: ec2CredentialDeprecation},
		},
		{
			Name:        "identity:ec2_delete_credential",
			Check:       systemAdminOrCredOwner,
			Description: "Delete ec2 credential.",
			ScopeTypes:  []string{"system", "project"},
			Operations:  ops("DELETE /v3/users/{user_id}/credentials/OS-EC2/{credential_id}"),
			Deprecated:  &policy.DeprecatedRule{Check: ruleAdminOrCredOwner, Since: "T", Reason: ec2CredentialDeprecation},
		},
	}
}
