package policy

import (
	"github.com/gostack/gostack/services/config"
)

// DeniedFormat is keystone's 403 message for a failed check
// (keystone/exception.py ForbiddenAction); %s is the rule name.
const DeniedFormat = "You are not authorized to perform the requested action: %s."

// Options steer an Enforcer. The zero value is oslo.policy's default
// before 2023.2, which keystone Zed runs with.
type Options struct {
	// EnforceScope refuses tokens whose scope is not among a rule's
	// ScopeTypes ([oslo_policy] enforce_scope).
	EnforceScope bool
	// EnforceNewDefaults drops the deprecated check strings that are
	// otherwise OR'ed with the new defaults ([oslo_policy]
	// enforce_new_defaults).
	EnforceNewDefaults bool
	// DeniedFormat is the user-facing message of a refusal, with one %s
	// for the rule name; empty means DeniedFormat (keystone's). Nova and
	// cinder say "Policy doesn't allow %s to be performed."
	DeniedFormat string
}

// The [oslo_policy] options, as oslo.policy names them.
var (
	PolicyFile = config.String("oslo_policy", "policy_file", "policy.yaml",
		"The file of rule overrides (YAML, or JSON), relative to the directory of a config file or absolute. "+
			"Rules not in it keep their defaults; a missing file at the default name means no overrides.")
	EnforceScope = config.Bool("oslo_policy", "enforce_scope", false,
		"Refuse a token whose scope (system, domain, project) is not among the scope_types of the rule being checked.")
	EnforceNewDefaults = config.Bool("oslo_policy", "enforce_new_defaults", false,
		"Check only the new default rules. When false, a rule's deprecated default also allows the request.")
)

// Opts returns the options this package reads, for config.Load.
func Opts() []config.Option {
	return []config.Option{PolicyFile, EnforceScope, EnforceNewDefaults}
}

// OptionsFrom reads the enforcement options from a loaded config.
func OptionsFrom(c *config.Config) Options {
	return Options{
		EnforceScope:       EnforceScope.Get(c),
		EnforceNewDefaults: EnforceNewDefaults.Get(c),
	}
}

// FromConfig builds a service's enforcer the way its daemon is configured:
// the defaults, the `[oslo_policy] policy_file` overrides and options, and
// the service's refusal message (deniedFormat; "" for keystone's).
func FromConfig(c *config.Config, defaults []Rule, deniedFormat string) (*Enforcer, error) {
	overrides, err := OverridesFrom(c)
	if err != nil {
		return nil, err
	}
	opts := OptionsFrom(c)
	opts.DeniedFormat = deniedFormat
	return New(defaults, overrides, opts)
}
