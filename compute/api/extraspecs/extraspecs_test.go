package extraspecs

import (
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestValidate(t *testing.T) {
	unknown := func(k string) string {
		return "Validation failed; extra spec '" + k + "' does not appear to be a valid extra spec."
	}
	for _, c := range []struct {
		key, value string
		want       string // "" for valid
	}{
		// Known keys with good values, namespace by namespace.
		{"accel:device_profile", "my-profile", ""},
		{"aggregate_instance_extra_specs:ssd", "<in> true", ""},
		{"capabilities:hypervisor_type", "s== QEMU", ""},
		{"capabilities:cpu_info:arch", "x86_64", ""},
		{"capabilities:stats", "anything", ""},
		{"hw:cpu_policy", "dedicated", ""},
		{"hw:cpu_thread_policy", "isolate", ""},
		{"hw:cpu_realtime", "yes", ""},
		{"hw:cpu_realtime_mask", "^0-1", ""},
		{"hw:mem_page_size", "2MiB", ""},
		{"hw:mem_page_size", "large", ""},
		{"hw:numa_nodes", "2", ""},
		{"hw:numa_cpus.0", "0-3,^2", ""},
		{"hw:numa_mem.1", "2048", ""},
		{"hw:pmem", "SMALL,MEDIUM", ""},
		{"hw:serial_port_count", "0", ""},
		{"hw:tpm_version", "2.0", ""},
		{"hw:watchdog_action", "reset", ""},
		{"hw:viommu_model", "auto", ""},
		{"hw:ephemeral_encryption_format", "luksv2", ""},
		{"hw:boot_menu", " True ", ""},
		{"hw_rng:allowed", "False", ""},
		{"hw_rng:rate_bytes", "1_024", ""},
		{"hw_video:ram_max_mb", "64", ""},
		{"group_policy", "isolate", ""},
		{"hide_hypervisor_id", "on", ""},
		{"os:secure_boot", "required", ""},
		{"os:monitors", "8", ""},
		{"os:vram", "128", ""},
		{"pci_passthrough:alias", "a1:2, a2:1", ""},
		{"quota:cpu_quota", "-1", ""},
		{"quota:disk_read_iops_sec", "+500", ""},
		{"quota:vif_outbound_burst", "100", ""},
		{"quota:memory_shares_level", "custom", ""},
		{"resources:VCPU", "2", ""},
		{"resources1:VCPU", "1", ""},
		{"resources_ssd:DISK_GB", "10", ""},
		{"resources:CUSTOM_MAGIC", "1", ""},
		{"resources:NET_PACKET_RATE_KILOPACKET_PER_SEC", "1000", ""},
		{"trait:HW_CPU_X86_AVX", "required", ""},
		{"trait2:COMPUTE_STATUS_DISABLED", "forbidden", ""},
		{"trait:CUSTOM_GOLD", "required", ""},
		{"vmware:hw_version", "vmx-13", ""},

		// Unknown keys in known namespaces.
		{"hw:cpu_polcy", "dedicated", unknown("hw:cpu_polcy")},
		{"hw:numa_cpus.x", "0", unknown("hw:numa_cpus.x")},
		{"hw_rng:rate", "1", unknown("hw_rng:rate")},
		{"os:foo", "1", unknown("os:foo")},
		{"quota:cpu_limits", "1", unknown("quota:cpu_limits")},
		{"capabilities:cpu_info_x", "1", unknown("capabilities:cpu_info_x")},
		{"resources:VCPUS", "1", unknown("resources:VCPUS")},
		{"resources1:custom_x", "1", unknown("resources1:custom_x")},
		{"trait:HW_CPU_X86_NOPE", "required", unknown("trait:HW_CPU_X86_NOPE")},
		{"accel:foo", "x", unknown("accel:foo")},
		{"vmware:foo", "x", unknown("vmware:foo")},
		{"pci_passthrough:aliases", "a:1", unknown("pci_passthrough:aliases")},

		// Bad enums.
		{"hw:cpu_policy", "exclusive", "Validation failed; 'exclusive' is not one of: dedicated, shared, mixed."},
		{"group_policy", "all", "Validation failed; 'all' is not one of: isolate, none."},
		{"os:vram", "100", "Validation failed; '100' is not one of: 64, 128, 256, 512, 1024."},
		{"trait:HW_CPU_X86_AVX", "yes", "Validation failed; 'yes' is not one of: required, forbidden."},

		// Bad integers and ranges.
		{"hw:numa_nodes", "0", "Validation failed; '0' is less than the min value of '1'."},
		{"hw:numa_nodes", "two", "Validation failed; 'two' is not a valid integer value."},
		{"hw:numa_nodes", "1.5", "Validation failed; '1.5' is not a valid integer value."},
		{"hw:numa_nodes", "1__0", "Validation failed; '1__0' is not a valid integer value."},
		{"os:monitors", "9", "Validation failed; '9' is greater than the max value of '8'."},
		{"os:monitors", "0", "Validation failed; '0' is less than the min value of '1'."},
		{"os:monitors", "09", "Validation failed; '9' is greater than the max value of '8'."},
		{"quota:cpu_shares", "-1", "Validation failed; '-1' is less than the min value of '0'."},
		{"resources1:VCPU", "a lot", "Validation failed; 'a lot' is not a valid integer value."},
		{"hw:numa_mem.0", "0", "Validation failed; '0' is less than the min value of '1'."},

		// Bad booleans.
		{"hw:cpu_realtime", "maybe", "Validation failed; 'maybe' is not a valid boolean-like value."},
		{"hw_rng:allowed", "2", "Validation failed; '2' is not a valid boolean-like value."},
		{"hide_hypervisor_id", "", "Validation failed; '' is not a valid boolean-like value."},

		// Bad patterns.
		{"hw:numa_cpus.0", "0-3,a", `Validation failed; '0-3,a' is not of the format '\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*'.`},
		{"hw:mem_page_size", "huge", `Validation failed; 'huge' is not of the format '(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)'.`},
		{"pci_passthrough:alias", "a1", `Validation failed; 'a1' is not of the format '[^:]+:\d+(?:\s*,\s*[^:]+:\d+)*'.`},

		// Unknown namespaces, and keys without a namespace, pass.
		{"foo:bar", "anything", ""},
		{"powervm:proc_units", "whatever", ""},
		{"hw_foo:bar", "x", ""},
		{"multiattach", "<is> True", ""},
		{"role", "web", ""},
	} {
		err := Validate(c.key, c.value)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s=%q: %v", c.key, c.value, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s=%q: accepted, want %q", c.key, c.value, c.want)
			continue
		}
		if fault.KindOf(err) != fault.Invalid || fault.MessageOf(err) != c.want {
			t.Errorf("%s=%q:\n got %s %q\nwant %q", c.key, c.value, fault.KindOf(err), fault.MessageOf(err), c.want)
		}
	}
}

// TestRegistry checks the table's shape: every name and value expression
// compiles, names are unique, and the namespaces are nova's.
func TestRegistry(t *testing.T) {
	tab := registry()
	if len(tab.byName) != len(tab.ordered) {
		t.Errorf("%d names, %d in order", len(tab.byName), len(tab.ordered))
	}
	if len(standardTraits) != 345 || len(resourceClasses) != 21 {
		t.Errorf("%d traits, %d resource classes", len(standardTraits), len(resourceClasses))
	}
	var ns []string
	for _, re := range tab.namespaces {
		ns = append(ns, re.String())
	}
	want := []string{
		"^(?:accel)$", "^(?:aggregate_instance_extra_specs)$", "^(?:capabilities)$", "^(?:hw)$", "^(?:hw_rng)$", "^(?:hw_video)$",
		"^(?:os)$", "^(?:pci_passthrough)$", "^(?:quota)$",
		"^(?:resources(?P<group>" + groupPattern + "))$", "^(?:trait(?P<group>" + groupPattern + "))$", "^(?:vmware)$",
	}
	if len(ns) != len(want) {
		t.Fatalf("namespaces %q", ns)
	}
	for i := range want {
		if ns[i] != want[i] {
			t.Errorf("namespace %d: %s, want %s", i, ns[i], want[i])
		}
	}
	for _, c := range tab.ordered {
		if c.kind != integer && (c.min != nil || c.max != nil) {
			t.Errorf("%s: bounds on a non-integer", c.name)
		}
		if c.pattern != "" && c.enum != nil {
			t.Errorf("%s: both a pattern and an enum", c.name)
		}
	}
}
