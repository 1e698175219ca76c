package computeapi

import (
	"github.com/gostack/gostack/compute/objects"
)

// Topic is the RPC topic of nova-compute; each host serves its own queue
// "compute.<host>" (rpc.Target{Topic: Topic, Server: host}).
const Topic = "compute"

// Method names, as nova's compute rpcapi.
const (
	MethodBuildAndRunInstance = "build_and_run_instance"
	MethodStopInstance        = "stop_instance"
	MethodStartInstance       = "start_instance"
	MethodRebootInstance      = "reboot_instance"
	MethodPauseInstance       = "pause_instance"
	MethodUnpauseInstance     = "unpause_instance"
	MethodSuspendInstance     = "suspend_instance"
	MethodResumeInstance      = "resume_instance"
	MethodTerminateInstance   = "terminate_instance"
	MethodGetConsoleOutput    = "get_console_output"
	MethodGetHostUptime       = "get_host_uptime"
)

// Reboot types, as the API's reboot action names them.
const (
	RebootSoft = "SOFT"
	RebootHard = "HARD"
)

// BuildAndRunInstanceArgs are the arguments of build_and_run_instance: the
// instance (with Host and Node set to the destination and its flavor copy),
// its image and block device mappings. The instance's resources are already
// claimed on Node by the scheduler; nova-compute releases the claim (through
// the conductor) if the build fails.
type BuildAndRunInstanceArgs struct {
	Instance           objects.Instance             `json:"instance"`
	Image              objects.ImageMeta            `json:"image"`
	BlockDeviceMapping []objects.BlockDeviceMapping `json:"block_device_mapping,omitempty"`
	Node               string                       `json:"node"`
	// AdminPassword is the password to inject, if any; never logged.
	AdminPassword string `json:"admin_password,omitempty"`
	// RequestedNetworks is empty until a network service exists.
	RequestedNetworks []string `json:"requested_networks,omitempty"`
}

// StopInstanceArgs are the arguments of stop_instance.
type StopInstanceArgs struct {
	Instance objects.Instance `json:"instance"`
	// CleanShutdown asks the guest to shut down (ACPI) before forcing it
	// off; the API always sets it, as upstream.
	CleanShutdown bool `json:"clean_shutdown"`
}

// InstanceArgs are the arguments of the actions that need only the
// instance: start, pause, unpause, suspend, resume.
type InstanceArgs struct {
	Instance objects.Instance `json:"instance"`
}

// RebootInstanceArgs are the arguments of reboot_instance.
type RebootInstanceArgs struct {
	Instance   objects.Instance `json:"instance"`
	RebootType string           `json:"reboot_type"` // RebootSoft or RebootHard
}

// TerminateInstanceArgs are the arguments of terminate_instance.
type TerminateInstanceArgs struct {
	Instance objects.Instance             `json:"instance"`
	BDMs     []objects.BlockDeviceMapping `json:"bdms,omitempty"`
}

// GetConsoleOutputArgs are the arguments of get_console_output.
type GetConsoleOutputArgs struct {
	Instance objects.Instance `json:"instance"`
	// TailLength is the number of lines to return from the end; 0 (nova's
	// None) returns the whole log (capped at 100 KiB).
	TailLength int `json:"tail_length,omitempty"`
}

// GetConsoleOutputReply is the reply of get_console_output.
type GetConsoleOutputReply struct {
	Output string `json:"output"`
}

// GetHostUptimeReply is the reply of get_host_uptime: the host's uptime(1)
// line, as os-hypervisors/{id}/uptime shows it.
type GetHostUptimeReply struct {
	Uptime string `json:"uptime"`
}
