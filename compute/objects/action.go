package objects

import "time"

// Instance action names (nova/compute/instance_actions.py), recorded for
// each user request on an instance.
const (
	ActionCreate     = "create"
	ActionDelete     = "delete"
	ActionStart      = "start"
	ActionStop       = "stop"
	ActionReboot     = "reboot"
	ActionPause      = "pause"
	ActionUnpause    = "unpause"
	ActionSuspend    = "suspend"
	ActionResume     = "resume"
	ActionLock       = "lock"
	ActionUnlock     = "unlock"
	ActionResetState = "resetState" // not an upstream action; upstream records none
)

// Event results, as nova writes them.
const (
	EventSuccess = "Success"
	EventError   = "Error"
)

// InstanceAction is one request on an instance (nova's instance_actions
// row), found again by its request id.
type InstanceAction struct {
	ID           int64                 `json:"id,omitempty"`
	Action       string                `json:"action"`
	InstanceUUID string                `json:"instance_uuid"`
	RequestID    string                `json:"request_id"`
	UserID       string                `json:"user_id"`
	ProjectID    string                `json:"project_id"`
	StartTime    time.Time             `json:"start_time"`
	FinishTime   *time.Time            `json:"finish_time,omitempty"`
	Message      string                `json:"message,omitempty"` // "Error" once an event failed
	UpdatedAt    *time.Time            `json:"updated_at,omitempty"`
	Events       []InstanceActionEvent `json:"events,omitempty"`
}

// InstanceActionEvent is one step of an action (e.g.
// "compute_build_and_run_instance"), with its result.
type InstanceActionEvent struct {
	Event      string     `json:"event"`
	StartTime  time.Time  `json:"start_time"`
	FinishTime *time.Time `json:"finish_time,omitempty"`
	Result     string     `json:"result,omitempty"` // Success, Error; "" while running
	Traceback  string     `json:"traceback,omitempty"`
	Host       string     `json:"host,omitempty"`
	HostID     string     `json:"host_id,omitempty"`
	Details    string     `json:"details,omitempty"`
}
