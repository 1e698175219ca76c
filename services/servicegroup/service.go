package servicegroup

import "time"

// Defaults of the upstream options `[DEFAULT] report_interval` and
// `[DEFAULT] service_down_time`.
const (
	DefaultReportInterval  = 10 * time.Second
	DefaultServiceDownTime = 60 * time.Second
)

// Service is one daemon on one host, a row of the services table.
type Service struct {
	ID             int64
	UUID           string
	Binary         string // e.g. nova-compute, cinder-volume
	Host           string // cinder-volume: host@backend
	Topic          string // the RPC topic it listens on, e.g. compute
	Zone           string // availability zone; "" when not set
	Disabled       bool   // the scheduler skips disabled services
	DisabledReason string
	ForcedDown     bool      // an operator (or fencing) declared it down
	ReportCount    int64     // heartbeats since it was created
	LastSeenUp     time.Time // the last heartbeat; zero before the first
	CreatedAt      time.Time
	UpdatedAt      time.Time // zero if never updated
}

// IsUp reports whether svc counts as alive at now: it is not forced down
// and its last heartbeat (its creation time if it never beat) is at most
// serviceDownTime away from now. As in nova the distance is absolute, so a
// heartbeat slightly in the future of a reader's clock still counts.
func IsUp(svc Service, now time.Time, serviceDownTime time.Duration) bool {
	if svc.ForcedDown {
		return false
	}
	last := svc.LastSeenUp
	if last.IsZero() {
		last = svc.CreatedAt
	}
	elapsed := now.Sub(last)
	if elapsed < 0 {
		elapsed = -elapsed
	}
	return elapsed <= serviceDownTime
}
