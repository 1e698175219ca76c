package scheduler

import (
	"fmt"
	"sort"
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
	if want, ok := spec.ExtraSpecs["volume_backend_name"]; ok && !matchSpec(want, c.VolumeBackendName) {
		return ReasonBackend
	}
	if spec.SourceHost == "" && float64(spec.Size) > free(c)*max(c.MaxOverSubRatio, 1) {
		// thin provisioning: RBD allocates on write, so over-subscription
		// applies as upstream's CapacityFilter with thin_provisioning_support.
		return ReasonCapacity
	}
	return ""
}

// matchSpec is the extra-spec operator syntax of the CapabilitiesFilter
// for the forms that make sense on a name: "<in> a", "<or> a <or> b",
// "s== a", or plain equality.
func matchSpec(want, have string) bool {
	f := strings.Fields(want)
	if len(f) >= 2 {
		switch f[0] {
		case "<in>":
			return strings.Contains(have, strings.Join(f[1:], " "))
		case "<or>":
			for i := 1; i < len(f); i += 2 {
				if f[i] == have {
					return true
				}
			}
			return false
		case "s==", "==", "<is>":
			return strings.Join(f[1:], " ") == have
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
