package scheduler

import (
	"context"
	"errors"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// waitReady waits for the first capability reports after start (at most
// scheduler_driver_init_wait_time), as upstream's _wait_for_scheduler.
func (s *Scheduler) waitReady(ctx context.Context) error {
	select {
	case <-s.ready:
	case <-time.After(s.initWait):
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// ReasonNotNamed is why a backend is not the destination of a migration:
// the admin named another one.
const ReasonNotNamed = "not the requested destination"

// PassesFilters is upstream's backend_passes_filters: the backend named by
// host (host@backend, or host@backend#pool to name the pool too) when it
// passes the filters for spec, and why every backend was not taken.
func PassesFilters(backends []Backend, host string, spec rpcapi.RequestSpec) (Backend, bool, map[string]string) {
	ok, why := Filter(backends, spec)
	for _, b := range ok {
		if b.Caps.Host == host || b.Caps.Host+"#"+b.Caps.Pool == host {
			return b, true, why
		}
		why[b.Caps.Host] = ReasonNotNamed
	}
	return Backend{}, false, why
}

// RetypeBackend is upstream's find_retype_backend: the backend holding the
// volume (current, host@backend) when it passes the filters for the new
// type (capacity aside: the volume is already there), and inPlace is true;
// else, with the on-demand migration policy, the best other backend that
// passes them; else none (found false).
func RetypeBackend(backends []Backend, current string, spec rpcapi.RequestSpec, policy string) (b Backend, inPlace, found bool, why map[string]string) {
	ok, why := Filter(backends, spec)
	for _, c := range backends {
		if c.Caps.Host != current {
			continue
		}
		noSize := spec
		noSize.Size = 0
		if r := reject(c, noSize); r != "" {
			why[c.Caps.Host] = r
			break
		}
		delete(why, c.Caps.Host)
		return c, true, true, why
	}
	if policy != rpcapi.PolicyOnDemand {
		return Backend{}, false, false, why
	}
	for _, c := range ok {
		if c.Caps.Host != current {
			return c, false, true, why
		}
	}
	return Backend{}, false, false, why
}

// retype is the scheduler's retype (os-retype): it finds the backend for
// the volume under its new type and casts retype to the volume's backend,
// with the destination when the volume must move. With no backend the
// volume returns to its status and keeps its type, as upstream's
// NoValidBackend for a retype (the API had answered 202).
func (s *Scheduler) retype(ctx context.Context, a rpcapi.ScheduleRetype) (struct{}, error) {
	if err := s.waitReady(ctx); err != nil {
		return struct{}{}, err
	}
	v, err := s.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "retyping" {
		return struct{}{}, nil // a redelivery of finished work
	}
	bs, err := s.backends(ctx)
	if err != nil {
		return struct{}{}, err
	}
	spec := a.RequestSpec
	spec.AvailabilityZone, spec.Size = v.AvailabilityZone, v.Size
	policy := a.Policy
	if policy == "" {
		policy = rpcapi.PolicyNever
	}
	b, inPlace, found, why := RetypeBackend(bs, rpcapi.BackendOf(v.Host), spec, policy)
	if found {
		msg := rpcapi.Retype{VolumeID: v.ID, NewTypeID: spec.VolumeTypeID, Policy: policy}
		if !inPlace {
			d := rpcapi.DestinationOf(b.Caps)
			msg.Dest = &d
			s.log.Info("volume retype needs a migration", "volume", v.ID, "from", v.Host, "to", d.Host)
		}
		err := s.rpc.Retype(ctx, v.Host, msg)
		if err == nil {
			return struct{}{}, nil
		}
		why[rpcapi.BackendOf(v.Host)] = "cannot be reached: " + err.Error()
	}
	s.log.Error("Failed to schedule_retype: No valid backend was found.", "volume", v.ID, "type", spec.VolumeTypeID,
		"policy", policy, "rejected", describe(why))
	back := v.StatusBefore()
	if _, err := s.db.UpdateVolume(ctx, v.ID, []string{"retyping"}, store.VolumeUpdate{Status: &back}); err != nil && !errors.Is(err, fault.Of(fault.Invalid)) {
		return struct{}{}, err
	}
	return struct{}{}, nil
}

// migrateVolume is the scheduler's migrate_volume (os-migrate_volume): it
// checks that the backend the admin named passes the filters for the
// volume's type and size, and casts migrate_volume to the volume's
// backend. Otherwise the migration fails at once: migration_status error,
// a locked (maintenance) volume back to its status.
func (s *Scheduler) migrateVolume(ctx context.Context, a rpcapi.ScheduleMigrate) (struct{}, error) {
	if err := s.waitReady(ctx); err != nil {
		return struct{}{}, err
	}
	v, err := s.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.MigrationStatus == nil || *v.MigrationStatus != "starting" {
		return struct{}{}, nil // a redelivery, or reset meanwhile
	}
	bs, err := s.backends(ctx)
	if err != nil {
		return struct{}{}, err
	}
	spec := a.RequestSpec
	spec.AvailabilityZone, spec.Size = v.AvailabilityZone, v.Size
	b, ok, why := PassesFilters(bs, a.Host, spec)
	if ok {
		err := s.rpc.MigrateVolume(ctx, v.Host, rpcapi.MigrateVolume{VolumeID: v.ID, Dest: rpcapi.DestinationOf(b.Caps),
			ForceHostCopy: a.ForceHostCopy})
		if err == nil {
			s.log.Info("volume migration scheduled", "volume", v.ID, "from", v.Host, "to", b.Caps.Host)
			return struct{}{}, nil
		}
		why[rpcapi.BackendOf(v.Host)] = "cannot be reached: " + err.Error()
	}
	s.log.Error("Failed to schedule_migrate_volume_to_host: No valid backend was found. Cannot place volume on "+a.Host+".",
		"volume", v.ID, "rejected", describe(why))
	if _, err := s.db.EndMigration(ctx, v.ID, store.MigrationEnd{MigrationStatus: "error", Status: v.StatusBefore()}); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, nil
}
