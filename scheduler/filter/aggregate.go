package filter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// AggregateInstanceExtraSpecs passes hosts whose aggregates' metadata
// match the flavor's extra specs scoped "aggregate_instance_extra_specs:"
// (nova's AggregateInstanceExtraSpecsFilter; unscoped keys with a ':' are
// other filters' and ignored, unscoped keys without one are matched too,
// as nova does).
type AggregateInstanceExtraSpecs struct{}

// Name is the filter's nova class name.
func (AggregateInstanceExtraSpecs) Name() string { return "AggregateInstanceExtraSpecsFilter" }

const aggregateScope = "aggregate_instance_extra_specs"

// Check compares each extra spec with the host's aggregate metadata.
func (AggregateInstanceExtraSpecs) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	for key, want := range spec.FlavorExtraSpecs {
		scope, k, scoped := strings.Cut(key, ":")
		if scoped {
			if scope != aggregateScope {
				continue
			}
		} else {
			k = key
		}
		have, ok := h.Aggregates[k]
		if !ok {
			return fmt.Sprintf("%s has no aggregate metadata %s (the flavor asks %s=%s)", h.Host, k, key, want)
		}
		if !extraSpecMatches(want, have) {
			return fmt.Sprintf("%s's aggregates give %s=%v, the flavor asks %s", h.Host, k, have, want)
		}
	}
	return ""
}

// extraSpecMatches is nova's extra_specs_ops.match for the plain and
// "<in>"/"<or>"/"s==" forms the scheduler docs show: a value without an
// operator must equal one of the host's values.
func extraSpecMatches(want string, have []string) bool {
	fields := strings.Fields(want)
	if len(fields) >= 2 {
		switch fields[0] {
		case "<in>":
			sub := strings.TrimSpace(strings.TrimPrefix(want, "<in>"))
			return slices.ContainsFunc(have, func(v string) bool { return strings.Contains(v, sub) })
		case "<or>":
			var opts []string
			for _, f := range fields {
				if f != "<or>" {
					opts = append(opts, f)
				}
			}
			return slices.ContainsFunc(have, func(v string) bool { return slices.Contains(opts, v) })
		case "s==", "=", "==":
			return slices.Contains(have, strings.TrimSpace(strings.TrimPrefix(want, fields[0])))
		case "s!=":
			return !slices.Contains(have, strings.TrimSpace(strings.TrimPrefix(want, fields[0])))
		}
	}
	return slices.Contains(have, want)
}
