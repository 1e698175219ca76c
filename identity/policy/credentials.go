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
	const one = "/v3/credentials/{credential_id}"
	old := policy.DeprecatedRule{Check: ruleAdminRequired, Since: "S", Reason: credentialDeprecation}
	return []policy.Rule{
		replacing("get_credential", systemReaderOrCredOwner, "Show credentials details.", systemProjectScope, old, "GET "+one),
		replacing("list_credentials", systemReaderOrCredOwner, "List credentials.", systemProjectScope, old, "GET /v3/credentials"),
		replacing("create_credential", systemAdminOrCredOwner, "Create credential.", systemProjectScope, old, "POST /v3/credentials"),
		replacing("update_credential", systemAdminOrCredOwner, "Update credential.", systemProjectScope, old, "PATCH "+one),
		replacing("delete_credential", systemAdminOrCredOwner, "Delete credential.", systemProjectScope, old, "DELETE "+one),
	}
}

// ec2CredentialRules returns the defaults for EC2 credentials (keystone/common/policies/ec2_credential.py).
func ec2CredentialRules() []policy.Rule {
	const (
		all = "/v3/users/{user_id}/credentials/OS-EC2"
		one = all + "/{credential_id}"
	)
	credOwner := policy.DeprecatedRule{Check: ruleAdminOrCredOwner, Since: "T", Reason: ec2CredentialDeprecation}
	owner := policy.DeprecatedRule{Check: ruleAdminOrOwner, Since: "T", Reason: ec2CredentialDeprecation}
	return []policy.Rule{
		replacing("ec2_get_credential", systemReaderOrCredOwner, "Show ec2 credential details.", systemProjectScope, credOwner, "GET "+one),
		replacing("ec2_list_credentials", "("+systemReader+") or rule:owner", "List ec2 credentials.", systemProjectScope, owner, "GET "+all),
		replacing("ec2_create_credential", "("+systemAdmin+") or rule:owner", "Create ec2 credential.", systemProjectScope, owner, "POST "+all),
		replacing("ec2_delete_credential", systemAdminOrCredOwner, "Delete ec2 credential.", systemProjectScope, credOwner, "DELETE "+one),
	}
}
