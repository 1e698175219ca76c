package filter

import (
	"slices"
	"strings"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// ImageProperties passes hosts that can run the image's architecture,
// hypervisor type and vm mode (nova's ImagePropertiesFilter over the
// node's supported instances): image properties hw_architecture (or the
// older architecture), img_hv_type (or hypervisor_type) and hw_vm_mode (or
// vm_mode). An image naming none of them passes every host.
type ImageProperties struct{}

// Name is the filter's nova class name.
func (ImageProperties) Name() string { return "ImagePropertiesFilter" }

// canonical names, as nova's obj_fields canonicalize.
var (
	archAliases = map[string]string{"amd64": "x86_64", "x64": "x86_64", "i386": "i686", "i486": "i686", "i586": "i686", "x86_32": "i686", "arm64": "aarch64"}
	hvAliases   = map[string]string{"xapi": "xen"}
	modeAliases = map[string]string{"hv": "hvm", "pv": "xen", "baremetal": "hvm"}
)

func canon(v string, aliases map[string]string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if a, ok := aliases[v]; ok {
		return a
	}
	return v
}

func prop(props map[string]string, names ...string) string {
	for _, n := range names {
		if v := props[n]; v != "" {
			return v
		}
	}
	return ""
}

// Check looks for a supported instance matching every property the image sets.
func (ImageProperties) Check(h *hoststate.Host, spec *schedulerapi.RequestSpec) string {
	arch := canon(prop(spec.ImageProperties, "hw_architecture", "architecture"), archAliases)
	hv := canon(prop(spec.ImageProperties, "img_hv_type", "hypervisor_type"), hvAliases)
	mode := canon(prop(spec.ImageProperties, "hw_vm_mode", "vm_mode"), modeAliases)
	if arch == "" && hv == "" && mode == "" {
		return ""
	}
	if len(h.SupportedInstances) == 0 {
		return h.Hostname + " reports no supported instance types"
	}
	for _, s := range h.SupportedInstances {
		if (arch == "" || arch == canon(s[0], archAliases)) &&
			(hv == "" || hv == canon(s[1], hvAliases)) &&
			(mode == "" || mode == canon(s[2], modeAliases)) {
			return ""
		}
	}
	var want []string
	for k, v := range map[string]string{"hw_architecture": arch, "img_hv_type": hv, "hw_vm_mode": mode} {
		if v != "" {
			want = append(want, k+"="+v)
		}
	}
	slices.Sort(want)
	return h.Hostname + " cannot run an image with " + strings.Join(want, ", ")
}
