package objects

import "time"

// AggregateZoneKey is the metadata key that makes an aggregate an
// availability zone.
const AggregateZoneKey = "availability_zone"

// Aggregate is a host aggregate (nova's Aggregate): a named set of compute
// hosts with metadata; its availability_zone metadata names the zone its
// hosts are in.
type Aggregate struct {
	ID        int64
	UUID      string
	Name      string
	Hosts     []string
	Metadata  map[string]string
	CreatedAt time.Time
	UpdatedAt *time.Time
}

// Zone is the aggregate's availability zone, "" when it is not one.
func (a Aggregate) Zone() string { return a.Metadata[AggregateZoneKey] }
