package servicegroup_test

import (
	"testing"
	"time"

	"github.com/gostack/gostack/services/servicegroup"
)

func TestIsUp(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	down := servicegroup.DefaultServiceDownTime
	tests := []struct {
		name string
		svc  servicegroup.Service
		want bool
	}{
		{"fresh heartbeat", servicegroup.Service{LastSeenUp: now.Add(-5 * time.Second)}, true},
		{"exactly service_down_time ago", servicegroup.Service{LastSeenUp: now.Add(-down)}, true},
		{"just past service_down_time", servicegroup.Service{LastSeenUp: now.Add(-down - time.Nanosecond)}, false},
		{"long silent", servicegroup.Service{LastSeenUp: now.Add(-time.Hour)}, false},
		{"forced down despite a fresh heartbeat", servicegroup.Service{LastSeenUp: now, ForcedDown: true}, false},
		{"heartbeat slightly in the future (clock skew)", servicegroup.Service{LastSeenUp: now.Add(2 * time.Second)}, true},
		{"heartbeat far in the future", servicegroup.Service{LastSeenUp: now.Add(down + time.Second)}, false},
		{"never beat, just created", servicegroup.Service{CreatedAt: now.Add(-time.Second)}, true},
		{"never beat, created long ago", servicegroup.Service{CreatedAt: now.Add(-2 * down)}, false},
		{"nothing known", servicegroup.Service{}, false},
	}
	for _, tt := range tests {
		if got := servicegroup.IsUp(tt.svc, now, down); got != tt.want {
			t.Errorf("%s: IsUp = %v; want %v", tt.name, got, tt.want)
		}
	}
}
