package conductorapi

import (
	"time"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/servicegroup"
)

// Topic is the conductor's RPC topic.
const Topic = "conductor"

// Method names.
const (
	MethodBuildInstances      = "build_instances"
	MethodInstanceUpdate      = "instance_update"
	MethodInstanceGet         = "instance_get_by_uuids"
	MethodInstancesOnHost     = "instance_get_all_by_host"
	MethodInstanceDestroy     = "instance_destroy"
	MethodActionEventStart    = "action_event_start"
	MethodActionEventFinish   = "action_event_finish"
	MethodInstanceFaultCreate = "instance_fault_create"
	MethodComputeNodeReport   = "compute_node_report"
	MethodServiceRegister     = "service_register"
	MethodServiceReport       = "service_report"
)

// BuildInstances is the build_instances cast from nova-api: the instances
// (already in the database, vm_state building, task_state scheduling), what
// the scheduler and the compute host need to build them, and the placement
// constraints the user gave.
type BuildInstances struct {
	Instances []objects.Instance `json:"instances"`
	Image     objects.ImageMeta  `json:"image"` // zero for boot from volume
	// BlockDeviceMappings per instance uuid.
	BlockDeviceMappings map[string][]objects.BlockDeviceMapping `json:"block_device_mappings"`
	// AvailabilityZone the user asked for ("" for any).
	AvailabilityZone string `json:"availability_zone,omitempty"`
	// ForceHost and ForceNode come from an admin's "zone:host[:node]".
	ForceHost string `json:"force_host,omitempty"`
	ForceNode string `json:"force_node,omitempty"`
	// RequestID is the API request's id; action events are recorded under it.
	RequestID string `json:"request_id"`
}

// InstanceUpdate changes an instance. Only the non-nil fields of Updates
// change. When ExpectedTaskState is not nil the update happens only if the
// instance's task_state is one of its values ("" meaning None), otherwise
// it fails with fault.Conflict (nova's UnexpectedTaskStateError); the same
// for ExpectedVMState. A deleted instance fails with fault.NotFound.
type InstanceUpdate struct {
	UUID              string   `json:"uuid"`
	Updates           Updates  `json:"updates"`
	ExpectedTaskState []string `json:"expected_task_state,omitempty"`
	ExpectedVMState   []string `json:"expected_vm_state,omitempty"`
}

// Updates are the instance fields a compute host may change. A pointer to
// "" sets task_state to None.
type Updates struct {
	VMState        *string    `json:"vm_state,omitempty"`
	TaskState      *string    `json:"task_state,omitempty"`
	PowerState     *int       `json:"power_state,omitempty"`
	Host           *string    `json:"host,omitempty"`
	Node           *string    `json:"node,omitempty"`
	LaunchedAt     *time.Time `json:"launched_at,omitempty"`
	TerminatedAt   *time.Time `json:"terminated_at,omitempty"`
	Progress       *int       `json:"progress,omitempty"`
	RootDeviceName *string    `json:"root_device_name,omitempty"`
	Cleaned        *bool      `json:"cleaned,omitempty"`
}

// InstanceGet asks for instances by uuid. With ReadDeleted, deleted
// instances are returned too (their DeletedAt set); unknown uuids are
// simply missing from the answer.
type InstanceGet struct {
	UUIDs       []string `json:"uuids"`
	ReadDeleted bool     `json:"read_deleted,omitempty"`
}

// InstancesOnHost asks for the live (not deleted) instances whose host is
// Host; Node, when set, narrows to one node.
type InstancesOnHost struct {
	Host string `json:"host"`
	Node string `json:"node,omitempty"`
}

// InstanceDestroy marks a terminated instance deleted (vm_state deleted,
// deleted_at now, terminated_at) and frees its resource claims. Repeating
// it is harmless.
type InstanceDestroy struct {
	UUID string `json:"uuid"`
	Host string `json:"host,omitempty"` // the host that cleaned it up
}

// ActionEvent starts or finishes one event of the action recorded under
// RequestID for the instance (nova's action_event_start/finish). Result is
// objects.EventSuccess or objects.EventError (finish only); an error marks
// the action's message "Error".
type ActionEvent struct {
	InstanceUUID string `json:"instance_uuid"`
	RequestID    string `json:"request_id"`
	Event        string `json:"event"` // e.g. compute_build_and_run_instance
	Host         string `json:"host,omitempty"`
	Result       string `json:"result,omitempty"`
	Traceback    string `json:"traceback,omitempty"`
	Details      string `json:"details,omitempty"`
}

// ComputeNodeReport is a compute host's inventory of one node (nova's
// ComputeNode update from the resource tracker). The conductor stores it
// for the scheduler and os-hypervisors.
type ComputeNodeReport struct {
	Host                string  `json:"host"`
	Node                string  `json:"hypervisor_hostname"`
	UUID                string  `json:"uuid,omitempty"` // stable node uuid, if the host keeps one
	HypervisorType      string  `json:"hypervisor_type"`
	HypervisorVersion   int64   `json:"hypervisor_version"`
	HostIP              string  `json:"host_ip"`
	VCPUs               int     `json:"vcpus"`
	MemoryMB            int     `json:"memory_mb"`
	LocalGB             int     `json:"local_gb"`
	FreeRAMMB           int     `json:"free_ram_mb,omitempty"`  // as the hypervisor sees it
	FreeDiskGB          int     `json:"free_disk_gb,omitempty"` // as the storage sees it
	DiskAvailableLeast  int     `json:"disk_available_least,omitempty"`
	CPUInfo             string  `json:"cpu_info,omitempty"` // JSON, as nova's
	CPUAllocationRatio  float64 `json:"cpu_allocation_ratio,omitempty"`
	RAMAllocationRatio  float64 `json:"ram_allocation_ratio,omitempty"`
	DiskAllocationRatio float64 `json:"disk_allocation_ratio,omitempty"`
	RunningVMs          int     `json:"running_vms"`
}

// ServiceRegister registers a daemon (nova-compute) in the services table.
type ServiceRegister struct {
	Registration servicegroup.Registration `json:"registration"`
}

// ServiceReport is one heartbeat of the service with the id.
type ServiceReport struct {
	ID int64 `json:"id"`
}

// Empty is the reply of calls that return nothing.
type Empty struct{}
