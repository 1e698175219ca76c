package objects

// vm_state values (nova/compute/vm_states.py): the stable state of an
// instance, changed only when an action has completed.
const (
	VMActive           = "active"
	VMBuilding         = "building"
	VMPaused           = "paused"
	VMSuspended        = "suspended"
	VMStopped          = "stopped"
	VMRescued          = "rescued"
	VMResized          = "resized"
	VMSoftDeleted      = "soft-delete"
	VMDeleted          = "deleted"
	VMError            = "error"
	VMShelved          = "shelved"
	VMShelvedOffloaded = "shelved_offloaded"
)

// task_state values (nova/compute/task_states.py): what is in progress.
// The empty string is nova's None (no task).
const (
	TaskNone               = ""
	TaskScheduling         = "scheduling"
	TaskBlockDeviceMapping = "block_device_mapping"
	TaskNetworking         = "networking"
	TaskSpawning           = "spawning"
	TaskImageSnapshot      = "image_snapshot"
	TaskImageUploading     = "image_uploading"
	TaskRebooting          = "rebooting"
	TaskRebootPending      = "reboot_pending"
	TaskRebootStarted      = "reboot_started"
	TaskRebootingHard      = "rebooting_hard"
	TaskRebootPendingHard  = "reboot_pending_hard"
	TaskRebootStartedHard  = "reboot_started_hard"
	TaskPausing            = "pausing"
	TaskUnpausing          = "unpausing"
	TaskSuspending         = "suspending"
	TaskResuming           = "resuming"
	TaskPoweringOff        = "powering-off"
	TaskPoweringOn         = "powering-on"
	TaskDeleting           = "deleting"
	TaskMigrating          = "migrating"
	TaskResizePrep         = "resize_prep"
	TaskRebuilding         = "rebuilding"
)

// power_state values (nova/compute/power_state.py), as the integers the API
// shows in OS-EXT-STS:power_state.
const (
	PowerNoState   = 0
	PowerRunning   = 1
	PowerPaused    = 3
	PowerShutdown  = 4
	PowerCrashed   = 6
	PowerSuspended = 7
)

// PowerStateName is the name nova gives a power state.
func PowerStateName(p int) string {
	switch p {
	case PowerRunning:
		return "running"
	case PowerPaused:
		return "paused"
	case PowerShutdown:
		return "shutdown"
	case PowerCrashed:
		return "crashed"
	case PowerSuspended:
		return "suspended"
	}
	return "pending"
}

// Status is the API status of an instance in the vm and task states, as
// nova's api/openstack/common.py status_from_state computes it.
func Status(vmState, taskState string) string {
	switch vmState {
	case VMActive:
		switch taskState {
		case TaskRebooting, TaskRebootPending, TaskRebootStarted:
			return "REBOOT"
		case TaskRebootingHard, TaskRebootPendingHard, TaskRebootStartedHard:
			return "HARD_REBOOT"
		case TaskRebuilding, "rebuild_block_device_mapping", "rebuild_spawning":
			return "REBUILD"
		case TaskMigrating:
			return "MIGRATING"
		case TaskResizePrep, "resize_migrating", "resize_migrated", "resize_finish":
			return "RESIZE"
		case "updating_password":
			return "PASSWORD"
		}
		return "ACTIVE"
	case VMBuilding:
		return "BUILD"
	case VMStopped:
		switch taskState {
		case TaskRebuilding, "rebuild_block_device_mapping", "rebuild_spawning":
			return "REBUILD"
		case TaskResizePrep, "resize_migrating", "resize_migrated", "resize_finish":
			return "RESIZE"
		case TaskMigrating:
			return "MIGRATING"
		}
		return "SHUTOFF"
	case VMResized:
		if taskState == "resize_reverting" {
			return "REVERT_RESIZE"
		}
		return "VERIFY_RESIZE"
	case VMPaused:
		if taskState == TaskMigrating {
			return "MIGRATING"
		}
		return "PAUSED"
	case VMSuspended:
		return "SUSPENDED"
	case VMRescued:
		return "RESCUE"
	case VMError:
		return "ERROR"
	case VMDeleted:
		return "DELETED"
	case VMSoftDeleted:
		return "SOFT_DELETED"
	case VMShelved:
		return "SHELVED"
	case VMShelvedOffloaded:
		return "SHELVED_OFFLOADED"
	}
	return "UNKNOWN"
}
