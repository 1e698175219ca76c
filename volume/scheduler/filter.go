package scheduler

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/volume/rpcapi"
)

// Backend is one candidate: its last capabilities and service state.
type Backend struct {
	Caps     rpcapi.Capabilities
	Up       bool
	Disabled bool
}

// Reasons why a backend was filtered out (constant strings for logs).
const (
	ReasonDown       = "service is down or disabled"
	ReasonAZ         = "availability zone does not match"
	ReasonBackend    = "volume_backend_name does not match"
	ReasonCapacity   = "insufficient free capacity"
	ReasonSourceHost = "not the backend of the source"
)

// Filter returns the backends that can take spec, best first, and why each
// other one was rejected.
func Filter(backends []Backend, spec rpcapi.RequestSpec) ([]Backend, map[string]string) {
	var ok []Backend
	why := map[string]string{}
	for _, b := range backends {
		if r := reject(b, spec); r != "" {
			why[b.Caps.Host] = r
			continue
		}
		ok = append(ok, b)
	}
	sort.SliceStable(ok, func(i, j int) bool { return free(ok[i].Caps) > free(ok[j].Caps) })
	return ok, why
}

func free(c rpcapi.Capabilities) float64 {
	return c.FreeCapacityGB - c.TotalCapacityGB*float64(c.ReservedPercentage)/100
}

func reject(b Backend, spec rpcapi.RequestSpec) string {
	c := b.Caps
	if !b.Up || b.Disabled {
		return ReasonDown
	}
	if spec.SourceHost != "" && rpcapi.BackendOf(spec.SourceHost) != c.Host {
		return ReasonSourceHost
	}
	if spec.AvailabilityZone != "" && c.AvailabilityZone != spec.AvailabilityZone {
		return ReasonAZ
	}
	if !satisfies(c, spec.ExtraSpecs) {
		return ReasonBackend
	}
	if spec.SourceHost == "" && float64(spec.Size) > free(c)*max(c.MaxOverSubRatio, 1) {
		// thin provisioning: RBD allocates on write, so over-subscription
		// applies as upstream's CapacityFilter with thin_provisioning_support.
		return ReasonCapacity
	}
	return ""
}

// satisfies is the CapabilitiesFilter: every extra spec that is unscoped
// or in the "capabilities:" scope names a capability the backend reports
// and matches it; other scopes (RESKEY:, ...) are not the filter's.
func satisfies(c rpcapi.Capabilities, specs map[string]string) bool {
	if len(specs) == 0 {
		return true
	}
	caps := map[string]any{}
	b, _ := json.Marshal(c)
	_ = json.Unmarshal(b, &caps)
	for key, want := range specs {
		if i := strings.IndexByte(key, ':'); i >= 0 {
			if key[:i] != "capabilities" {
				continue
			}
			key = key[i+1:]
		}
		have, ok := caps[key]
		if !ok || have == nil {
			return false
		}
		if !matchSpec(want, fmt.Sprint(have)) {
			return false
		}
	}
	return true
}

// matchSpec is the extra-spec operator syntax of the CapabilitiesFilter
// for the forms that make sense on a name: "<in> a", "<or> a <or> b",
// "s== a", or plain equality.
func matchSpec(want, have string) bool {
	f := strings.Fields(want)
	if len(f) >= 2 {
		num := func(op string) bool {
			a, err1 := strconv.ParseFloat(have, 64)
			b, err2 := strconv.ParseFloat(f[1], 64)
			if err1 != nil || err2 != nil {
				return false
			}
			switch op {
			case "=":
				return a >= b // cinder's "=" means at least
			case "==":
				return a == b
			case "!=":
				return a != b
			case ">=":
				return a >= b
			case "<=":
				return a <= b
			}
			return false
		}
		switch f[0] {
		case "<is>":
			hb, err1 := strconv.ParseBool(have)
			wb, err2 := strconv.ParseBool(f[1])
			return err1 == nil && err2 == nil && hb == wb
		case "=", "!=", ">=", "<=":
			return num(f[0])
		case "s!=":
			return strings.Join(f[1:], " ") != have
		case "<in>":
			return strings.Contains(have, strings.Join(f[1:], " "))
		case "<or>":
			for i := 1; i < len(f); i += 2 {
				if f[i] == have {
					return true
				}
			}
			return false
		case "s==":
			return strings.Join(f[1:], " ") == have
		case "==":
			return num("==") || strings.Join(f[1:], " ") == have
		}
	}
	return want == have
}

// describe renders the rejection reasons for a log line.
func describe(why map[string]string) string {
	var parts []string
	for h, r := range why {
		parts = append(parts, fmt.Sprintf("%s: %s", h, r))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}
