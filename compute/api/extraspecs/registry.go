package extraspecs

// The registry: the extra specs nova Zed (26.x) registers, namespace by
// namespace in the order nova loads them (its entry points: accel,
// aggregate_instance_extra_specs, capabilities, hw, hw_rng, hw_video,
// null, os, pci_passthrough, quota, resources, traits, vmware). Zed has
// no powervm validators (the PowerVM driver was removed in Zed), so
// "powervm:" keys are an unknown namespace and pass unchecked.

// groupPattern is the request group suffix of resources{group} and
// trait{group}: empty, or up to 64 letters, digits, '_' and '-'.
const groupPattern = `([a-zA-Z0-9_-]{1,64})?`

// cpuSetPattern is nova's CPU set expression ("0-3,^2", "1,3") of
// hw:numa_cpus.{num} and hw:cpu_dedicated_mask.
const cpuSetPattern = `\^?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*`

func registered() []spec {
	var all []spec
	for _, ns := range [][]spec{
		accelSpecs(), aggregateSpecs(), capabilitySpecs(), hwSpecs(), hwRNGSpecs(), hwVideoSpecs(),
		unnamespacedSpecs(), osSpecs(), pciSpecs(), quotaSpecs(), resourceSpecs(), traitSpecs(), vmwareSpecs(),
	} {
		all = append(all, ns...)
	}
	return all
}

// accelSpecs: the Cyborg device profile.
func accelSpecs() []spec {
	return []spec{anyString("accel:device_profile")}
}

// aggregateSpecs: AggregateInstanceExtraSpecsFilter's keys; any key, any
// value (an operator and operand, or a plain value).
func aggregateSpecs() []spec {
	return []spec{anyString("aggregate_instance_extra_specs:{key}").with("key", `.+`)}
}

// capabilitySpecs: ComputeCapabilitiesFilter's keys, the compute node's
// and host state's attributes; the nested ones may name a sub-key
// (capabilities:cpu_info:arch). Values are free (operator and operand).
func capabilitySpecs() []spec {
	var out []spec
	for _, c := range []string{
		"id", "uuid", "service_id", "host", "vcpus", "memory_mb", "local_gb",
		"vcpus_used", "memory_mb_used", "local_gb_used",
		"hypervisor_type", "hypervisor_version", "hypervisor_hostname",
		"free_ram_mb", "free_disk_gb", "current_workload", "running_vms",
		"disk_available_least", "host_ip", "mapped",
		"cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio",
		"total_usable_ram_mb", "total_usable_disk_gb", "disk_mb_used",
		"free_disk_mb", "vcpus_total", "num_instances",
		"num_io_ops", "failed_builds", "aggregates", "cell_uuid", "updated",
	} {
		out = append(out, anyString("capabilities:"+c))
	}
	for _, c := range []string{
		"cpu_info", "metrics", "stats", "numa_topology", "supported_hv_specs",
		"pci_device_pools", "nodename", "pci_stats", "supported_instances", "limits", "instances",
	} {
		out = append(out, anyString("capabilities:"+c+"{filter}").with("filter", `(:\w+)*`))
	}
	return out
}

// hwSpecs: the libvirt driver's guest hardware.
func hwSpecs() []spec {
	return []spec{
		// realtime
		boolSpec("hw:cpu_realtime"),
		matching("hw:cpu_realtime_mask", `(\^)?\d+((-\d+)?(,\^?\d+(-\d+)?)?)*`),
		boolSpec("hw:hide_hypervisor_id"),
		// CPU policies
		oneOf("hw:cpu_policy", "dedicated", "shared", "mixed"),
		oneOf("hw:cpu_thread_policy", "prefer", "isolate", "require"),
		oneOf("hw:emulator_threads_policy", "isolate", "share"),
		matching("hw:cpu_dedicated_mask", cpuSetPattern),
		// memory pages
		matching("hw:mem_page_size", `(large|small|any|\d+([kKMGT]i?)?(b|bit|B)?)`),
		boolSpec("hw:locked_memory"),
		// NUMA
		integerSpec("hw:numa_nodes").atLeast(1),
		matching("hw:numa_cpus.{num}", cpuSetPattern).with("num", `\d+`),
		integerSpec("hw:numa_mem.{num}").atLeast(1).with("num", `\d+`),
		oneOf("hw:pci_numa_affinity_policy", "required", "preferred", "legacy", "socket"),
		// CPU topology
		integerSpec("hw:cpu_sockets").atLeast(1),
		integerSpec("hw:cpu_cores").atLeast(1),
		integerSpec("hw:cpu_threads").atLeast(1),
		integerSpec("hw:max_cpu_sockets").atLeast(1),
		integerSpec("hw:max_cpu_cores").atLeast(1),
		integerSpec("hw:max_cpu_threads").atLeast(1),
		// features
		boolSpec("hw:boot_menu"),
		boolSpec("hw:vif_multiqueue_enabled"),
		boolSpec("hw:mem_encryption"),
		matching("hw:pmem", `([a-zA-Z0-9_]+(,)?)+`),
		boolSpec("hw:pmu"),
		integerSpec("hw:serial_port_count").atLeast(0),
		oneOf("hw:tpm_model", "tpm-tis", "tpm-crb"),
		oneOf("hw:tpm_version", "1.2", "2.0"),
		oneOf("hw:watchdog_action", "none", "pause", "poweroff", "reset", "disabled"),
		oneOf("hw:viommu_model", "intel", "smmuv3", "virtio", "auto"),
		// ephemeral encryption
		boolSpec("hw:ephemeral_encryption"),
		oneOf("hw:ephemeral_encryption_format", "plain", "luks", "luksv2"),
	}
}

// hwRNGSpecs: the guest's random number generator.
func hwRNGSpecs() []spec {
	return []spec{
		boolSpec("hw_rng:allowed"),
		integerSpec("hw_rng:rate_bytes").atLeast(0),
		integerSpec("hw_rng:rate_period").atLeast(0),
	}
}

// hwVideoSpecs: the guest's video memory cap.
func hwVideoSpecs() []spec {
	return []spec{integerSpec("hw_video:ram_max_mb").atLeast(0)}
}

// unnamespacedSpecs: the two keys nova registers without a namespace;
// they are checked, but an unknown key without a namespace passes.
func unnamespacedSpecs() []spec {
	return []spec{
		boolSpec("hide_hypervisor_id"), // deprecated for hw:hide_hypervisor_id
		oneOf("group_policy", "isolate", "none"),
	}
}

// osSpecs: secure boot (libvirt, Hyper-V) and Hyper-V's display.
func osSpecs() []spec {
	return []spec{
		oneOf("os:secure_boot", "disabled", "required"),
		oneOf("os:resolution", "1024x768", "1280x1024", "1600x1200", "1920x1200", "2560x1600", "3840x2160"),
		integerSpec("os:monitors").atLeast(1).atMost(8),
		oneOf("os:vram", "64", "128", "256", "512", "1024"),
	}
}

// pciSpecs: PCI passthrough aliases, "$alias:$count[,...]".
func pciSpecs() []spec {
	return []spec{matching("pci_passthrough:alias", `[^:]+:\d+(?:\s*,\s*[^:]+:\d+)*`)}
}

// quotaSpecs: VMware's CPU, memory, disk IO and VIF allocations and
// libvirt's CPU, disk and VIF tuning.
func quotaSpecs() []spec {
	var out []spec
	for _, k := range []string{"cpu", "memory", "disk_io", "vif"} {
		out = append(out,
			integerSpec("quota:"+k+"_limit").atLeast(0),
			integerSpec("quota:"+k+"_reservation"),
			oneOf("quota:"+k+"_shares_level", "custom", "high", "normal", "low"),
			integerSpec("quota:"+k+"_shares_share").atLeast(0),
		)
	}
	out = append(out,
		integerSpec("quota:cpu_shares").atLeast(0),
		integerSpec("quota:cpu_period").atLeast(0),
		integerSpec("quota:cpu_quota"),
	)
	for _, stat := range []string{"read", "write", "total"} {
		for _, metric := range []string{"bytes", "iops"} {
			out = append(out, integerSpec("quota:disk_"+stat+"_"+metric+"_sec").atLeast(0))
		}
	}
	for _, dir := range []string{"inbound", "outbound"} {
		for _, metric := range []string{"average", "peak", "burst"} {
			out = append(out, integerSpec("quota:vif_"+dir+"_"+metric).atLeast(0))
		}
	}
	return out
}

// resourceSpecs: placement resource amounts, unsuffixed or in a numbered
// or named request group. Any integer (nova sets no bounds).
func resourceSpecs() []spec {
	var out []spec
	for _, rc := range resourceClasses {
		out = append(out, integerSpec("resources{group}:"+rc).with("group", groupPattern))
	}
	return append(out, integerSpec("resources{group}:CUSTOM_{resource}").with("group", groupPattern).with("resource", `[A-Z0-9_]+`))
}

// traitSpecs: required or forbidden placement traits, unsuffixed or in a
// request group.
func traitSpecs() []spec {
	var out []spec
	for _, tr := range standardTraits {
		out = append(out, oneOf("trait{group}:"+tr, "required", "forbidden").with("group", groupPattern))
	}
	return append(out, oneOf("trait{group}:CUSTOM_{trait}", "required", "forbidden").with("group", groupPattern).with("trait", `[A-Z0-9_]+`))
}

// vmwareSpecs: the VMware driver's hardware version and storage policy.
func vmwareSpecs() []spec {
	return []spec{anyString("vmware:hw_version"), anyString("vmware:storage_policy")}
}
