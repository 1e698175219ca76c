package virt

import "fmt"

// PowerState is a guest's power state with nova's numbers
// (nova/compute/power_state.py), which the API shows as
// OS-EXT-STS:power_state.
type PowerState int

// The power states. The numbers travel over RPC and into the database.
const (
	NoState   PowerState = 0
	Running   PowerState = 1
	Paused    PowerState = 3
	Shutdown  PowerState = 4 // also a guest that is shut off (nova maps both to 4)
	Crashed   PowerState = 6
	Suspended PowerState = 7
)

var powerStateNames = map[PowerState]string{
	NoState:   "pending",
	Running:   "running",
	Paused:    "paused",
	Shutdown:  "shutdown",
	Crashed:   "crashed",
	Suspended: "suspended",
}

// String returns nova's name of the state (power_state.STATE_MAP).
func (p PowerState) String() string {
	if s, ok := powerStateNames[p]; ok {
		return s
	}
	return fmt.Sprintf("power state %d", int(p))
}
