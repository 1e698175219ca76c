package objects

// Instance action names of the lifecycle actions (nova's
// instance_actions.py).
const (
	ActionCreateImage   = "createImage"
	ActionRebuild       = "rebuild"
	ActionResize        = "resize"
	ActionConfirmResize = "confirmResize"
	ActionRevertResize  = "revertResize"
	ActionShelve        = "shelve"
	ActionShelveOffload = "shelveOffload"
	ActionUnshelve      = "unshelve"
	ActionRescue        = "rescue"
	ActionUnrescue      = "unrescue"
)

// Task states of the lifecycle actions beyond states.go's.
const (
	TaskResizeReverting  = "resize_reverting"
	TaskResizeConfirming = "resize_confirming"
	TaskShelving         = "shelving"
	TaskShelvingOffload  = "shelving_offloading"
	TaskUnshelving       = "unshelving"
	TaskRescuing         = "rescuing"
	TaskUnrescuing       = "unrescuing"
)
