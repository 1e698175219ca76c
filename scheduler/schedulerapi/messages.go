package schedulerapi

import (
	"fmt"
	"strings"
)

// Topic is the RPC topic nova-scheduler serves.
const Topic = "scheduler"

// Method names, as nova's scheduler rpcapi.
const (
	MethodSelectDestinations = "select_destinations"
)

// Resources is what one instance of a flavor uses, as the flavor states it.
type Resources struct {
	VCPUs       int `json:"vcpus"`
	MemoryMB    int `json:"memory_mb"`
	RootGB      int `json:"root_gb"`
	EphemeralGB int `json:"ephemeral_gb"`
	SwapMB      int `json:"swap"` // nova's flavor swap is in MiB
}

// DiskGB is the disk the instance claims on its compute node: root,
// ephemeral and swap (rounded up to whole GiB), as nova's resource
// request does.
func (r Resources) DiskGB() int {
	return r.RootGB + r.EphemeralGB + (r.SwapMB+1023)/1024
}

// RequestSpec describes what to place: nova's RequestSpec reduced to what
// the filters read.
type RequestSpec struct {
	// InstanceUUIDs are the instances to place, one destination each.
	InstanceUUIDs []string `json:"instance_uuids"`
	ProjectID     string   `json:"project_id"`
	UserID        string   `json:"user_id"`
	// FlavorID names the flavor in logs and reasons only.
	FlavorID  string    `json:"flavor_id,omitempty"`
	Resources Resources `json:"resources"`
	// ImageProperties are the image's properties (hw_architecture,
	// img_hv_type, hw_vm_mode, ...), as Glance returns them.
	ImageProperties map[string]string `json:"image_properties,omitempty"`
	// AvailabilityZone is the zone asked for; "" means any.
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// ForceHosts and ForceNodes come from "zone:host:node" (admins only);
	// as upstream, a forced host bypasses the filters (but not the claim).
	ForceHosts []string `json:"force_hosts,omitempty"`
	ForceNodes []string `json:"force_nodes,omitempty"`
	// RequestedHost is nova's requested_destination: only that host is
	// considered and, unlike a forced host, the filters still run (cold
	// migration with a host, 2.56).
	RequestedHost string `json:"requested_host,omitempty"`
	// IgnoreHosts are skipped, e.g. the host a build failed on.
	IgnoreHosts []string `json:"ignore_hosts,omitempty"`
	// NumInstances is len(InstanceUUIDs) when zero.
	NumInstances int `json:"num_instances,omitempty"`
	// InstanceGroup is the instances' server group; nova-scheduler sets
	// it from the instance uuids, callers leave it nil (group.go).
	InstanceGroup *InstanceGroup `json:"instance_group,omitempty"`
	// FlavorExtraSpecs are the extra specs of the instances' flavor, set
	// by nova-scheduler from the first instance like InstanceGroup.
	FlavorExtraSpecs map[string]string `json:"flavor_extra_specs,omitempty"`
}

// Count is the number of instances to place.
func (r RequestSpec) Count() int {
	if r.NumInstances > 0 {
		return r.NumInstances
	}
	return len(r.InstanceUUIDs)
}

// SelectDestinationsArgs are the arguments of select_destinations.
type SelectDestinationsArgs struct {
	Spec RequestSpec `json:"request_spec"`
}

// Selection is one instance's destination, nova's Selection object. The
// resources are claimed on the node when the scheduler answers; whoever
// gives up the placement releases them (placement.Release).
type Selection struct {
	InstanceUUID     string `json:"instance_uuid"`
	ServiceHost      string `json:"service_host"` // the nova-compute host, RPC server of compute.<host>
	Nodename         string `json:"nodename"`     // the hypervisor hostname
	ComputeNodeUUID  string `json:"compute_node_uuid"`
	AvailabilityZone string `json:"availability_zone"`
}

// SelectDestinationsReply answers select_destinations: a destination per
// instance, in the order of RequestSpec.InstanceUUIDs, or NoValidHost set
// (and no destinations, no claims left behind).
type SelectDestinationsReply struct {
	Destinations []Selection  `json:"destinations"`
	NoValidHost  *NoValidHost `json:"no_valid_host,omitempty"`
}

// NoValidHost says why no host fits. Its Error text is the fault message
// the instance gets.
type NoValidHost struct {
	// Reason summarises why, e.g. "There are not enough hosts available."
	Reason string `json:"reason"`
	// Filtered lists, per refused host, the filter that refused it and why.
	Filtered []Refusal `json:"filtered,omitempty"`
}

// Refusal is one host refused by one filter (or by its claim).
type Refusal struct {
	Host   string `json:"host"`
	Filter string `json:"filter"`
	Reason string `json:"reason"`
}

func (e *NoValidHost) Error() string {
	var b strings.Builder
	b.WriteString("No valid host was found. ")
	b.WriteString(e.Reason)
	for i, r := range e.Filtered {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", r.Filter, r.Reason)
		if i == len(e.Filtered)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}
