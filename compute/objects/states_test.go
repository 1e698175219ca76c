package objects

import "testing"

func TestStatus(t *testing.T) {
	for _, tt := range []struct{ vm, task, want string }{
		{VMActive, TaskNone, "ACTIVE"},
		{VMActive, TaskRebooting, "REBOOT"},
		{VMActive, TaskRebootingHard, "HARD_REBOOT"},
		{VMActive, TaskPoweringOff, "ACTIVE"},
		{VMActive, TaskDeleting, "ACTIVE"},
		{VMBuilding, TaskScheduling, "BUILD"},
		{VMStopped, TaskNone, "SHUTOFF"},
		{VMStopped, TaskPoweringOn, "SHUTOFF"},
		{VMPaused, TaskNone, "PAUSED"},
		{VMSuspended, TaskResuming, "SUSPENDED"},
		{VMError, TaskNone, "ERROR"},
		{VMDeleted, TaskNone, "DELETED"},
		{"bogus", TaskNone, "UNKNOWN"},
	} {
		if got := Status(tt.vm, tt.task); got != tt.want {
			t.Errorf("Status(%q, %q) = %q, want %q", tt.vm, tt.task, got, tt.want)
		}
	}
}
