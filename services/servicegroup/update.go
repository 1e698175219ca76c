package servicegroup

import (
	"context"
	"fmt"
	"strings"
)

// Patch changes a service's administrative state; nil fields stay as
// they are. Enabling a service clears its disabled reason.
type Patch struct {
	Disabled       *bool
	DisabledReason *string
	ForcedDown     *bool
}

// Update applies p to the service with the id and returns the result.
func (s *Store) Update(ctx context.Context, id int64, p Patch) (Service, error) {
	set := []string{"updated_at = now()"}
	args := []any{id}
	add := func(assign string, v any) {
		args = append(args, v)
		set = append(set, fmt.Sprintf(assign, len(args)))
	}
	if p.Disabled != nil {
		add("disabled = $%d", *p.Disabled)
		if !*p.Disabled && p.DisabledReason == nil {
			set = append(set, "disabled_reason = NULL")
		}
	}
	if p.DisabledReason != nil {
		add("disabled_reason = nullif($%d, '')", *p.DisabledReason)
	}
	if p.ForcedDown != nil {
		add("forced_down = $%d", *p.ForcedDown)
	}
	row := s.q.QueryRow(ctx, `UPDATE services SET `+strings.Join(set, ", ")+`
		WHERE id = $1 AND deleted_at IS NULL RETURNING `+columns, args...)
	return oneByID(row, id)
}

// Disable stops the scheduler from choosing the service, saying why.
func (s *Store) Disable(ctx context.Context, id int64, reason string) (Service, error) {
	yes := true
	return s.Update(ctx, id, Patch{Disabled: &yes, DisabledReason: &reason})
}

// Enable makes the service schedulable again and clears the reason.
func (s *Store) Enable(ctx context.Context, id int64) (Service, error) {
	no := false
	return s.Update(ctx, id, Patch{Disabled: &no})
}

// SetForcedDown marks the service down regardless of its heartbeats (or
// lifts that), as `openstack compute service set --down` does before an
// evacuation.
func (s *Store) SetForcedDown(ctx context.Context, id int64, down bool) (Service, error) {
	return s.Update(ctx, id, Patch{ForcedDown: &down})
}
