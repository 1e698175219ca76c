package identitypolicy

import (
	"slices"

	"github.com/gostack/gostack/services/policy"
)

// DeniedFormat is keystone's message for a refused request, for
// policy.Options.DeniedFormat.
const DeniedFormat = policy.DeniedFormat

// Defaults returns keystone Zed's default rules for the APIs we serve,
// in keystone's order (keystone/common/policies/__init__.py). Each call
// returns fresh slices.
func Defaults() []policy.Rule {
	return slices.Concat(
		baseRules(),
		applicationCredentialRules(),
		authRules(),
		credentialRules(),
		domainRules(),
		ec2CredentialRules(),
		endpointRules(),
		endpointGroupRules(),
		grantRules(),
		groupRules(),
		impliedRoleRules(),
		limitRules(),
		policyRules(),
		projectRules(),
		projectEndpointRules(),
		regionRules(),
		registeredLimitRules(),
		roleRules(),
		roleAssignmentRules(),
		serviceRules(),
		tokenRules(),
		userRules(),
	)
}
