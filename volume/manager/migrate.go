package manager

import (
	"context"
	"errors"
	"fmt"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// Migration, as upstream's volume manager migrate_volume and retype:
//
//	API (migration_status starting) -> scheduler (checks or picks the
//	destination) -> this manager, the volume's: migrating -> the driver
//	moves the volume -> success (host, zone and, for a retype, type
//	changed) or error (the volume where it was)
//
// The status returns to what it was before (available or in-use) either
// way. Only the driver's own migration exists here: upstream's generic
// one (a new volume on the destination, a copy through this host, Nova's
// swap_volume for an attached volume) is not implemented, so a move the
// driver refuses fails.

// migrateVolume is the manager's migrate_volume, cast by the scheduler
// once the destination passed the filters.
func (m *Manager) migrateVolume(ctx context.Context, a rpcapi.MigrateVolume) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.MigrationStatus == nil || *v.MigrationStatus != "starting" || rpcapi.BackendOf(v.Host) != m.cfg.Host {
		return struct{}{}, nil // a redelivery, or reset meanwhile
	}
	if a.ForceHostCopy {
		m.log.Info("force_host_copy: there is no host copy here; the driver moves the volume", "volume", v.ID)
	}
	m.migrate(ctx, v, a.Dest, "")
	return struct{}{}, nil
}

// migrate moves the volume, whose migration_status is starting, to dest:
// migrating, then success with its new host, zone and (a retype's)
// newTypeID, or error with the volume where it was. It reports success.
func (m *Manager) migrate(ctx context.Context, v store.Volume, dest rpcapi.Destination, newTypeID string) bool {
	back := v.StatusBefore()
	failed := func(cause error) bool {
		m.log.Error("volume migration failed; the volume stays where it was", "volume", v.ID, "from", v.Host,
			"to", dest.Host, "err", cause)
		if _, err := m.db.EndMigration(context.WithoutCancel(ctx), v.ID,
			store.MigrationEnd{MigrationStatus: "error", Status: back}); err != nil {
			m.log.Error("cannot record the failed migration", "volume", v.ID, "err", err)
		}
		return false
	}
	d, err := m.driver()
	if err != nil {
		return failed(err)
	}
	migrating := "migrating"
	if _, err := m.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{MigrationStatus: ptr(&migrating)}); err != nil {
		return failed(err)
	}
	mig, ok := d.(driver.Migrator)
	if !ok {
		return failed(fmt.Errorf("%w: the driver has no migration of its own, and generic migration is not available", driver.ErrCannotMigrate))
	}
	if newTypeID != "" {
		// The new type's back-end QoS goes with the image (a copy to
		// another pool keeps its metadata); upstream's generic
		// migration gets it by creating the new volume of that type.
		if err := m.retypeQoS(ctx, v, newTypeID); err != nil {
			return failed(err)
		}
	}
	if err := mig.MigrateVolume(ctx, v.ID, v.AttachStatus == "attached", dest); err != nil {
		if newTypeID != "" {
			if qerr := m.applyQoS(context.WithoutCancel(ctx), d, v.ID, v.TypeID); qerr != nil {
				m.log.Error("cannot restore the volume's back-end QoS", "volume", v.ID, "err", qerr)
			}
		}
		if errors.Is(err, driver.ErrCannotMigrate) {
			err = fmt.Errorf("%w (generic migration is not available)", err)
		}
		return failed(err)
	}
	if _, err := m.db.EndMigration(context.WithoutCancel(ctx), v.ID, store.MigrationEnd{MigrationStatus: "success",
		Status: back, Host: dest.Host, AvailabilityZone: dest.AvailabilityZone, TypeID: newTypeID,
		PreviousStatus: v.Status}); err != nil {
		m.log.Error("volume moved but its record could not be updated", "volume", v.ID, "to", dest.Host, "err", err)
		return false
	}
	m.log.Info("volume migrated", "volume", v.ID, "from", v.Host, "to", dest.Host, "retype", newTypeID != "")
	return true
}

// retype is upstream's volume manager retype. When the scheduler kept the
// volume's backend the type changes in place (the RBD driver's retype
// applies the new type's back-end QoS, qos.go); when it chose another one, under the
// on-demand policy, the volume migrates there first and takes the new
// type with its new host. A refusal or a failure leaves the volume's
// type, host and data as they were and its status as before the retype.
func (m *Manager) retype(ctx context.Context, a rpcapi.Retype) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "retyping" {
		return struct{}{}, nil // a redelivery of finished work
	}
	back := v.StatusBefore()
	if a.Dest == nil { // the scheduler kept the volume's backend
		if err := m.retypeQoS(ctx, v, a.NewTypeID); err != nil {
			m.log.Error("retype failed: the new type's back-end QoS could not be applied", "volume", v.ID, "type", a.NewTypeID, "err", err)
			if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"retyping"}, store.VolumeUpdate{Status: &back}); err != nil && fault.KindOf(err) != fault.Invalid {
				return struct{}{}, err
			}
			return struct{}{}, nil
		}
		u := store.VolumeUpdate{Status: &back, TypeID: &a.NewTypeID}
		if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"retyping"}, u); err != nil && fault.KindOf(err) != fault.Invalid {
			return struct{}{}, err
		}
		m.log.Info("volume retyped", "volume", v.ID, "type", a.NewTypeID)
		return struct{}{}, nil
	}
	refuse := func(reason string) (struct{}, error) {
		m.log.Error("retype failed: "+reason, "volume", v.ID, "type", a.NewTypeID, "to", a.Dest.Host)
		if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"retyping"}, store.VolumeUpdate{Status: &back}); err != nil && fault.KindOf(err) != fault.Invalid {
			return struct{}{}, err
		}
		return struct{}{}, nil
	}
	if a.Policy != "on-demand" {
		return refuse("Retype requires migration but is not allowed.")
	}
	if v.Migrating() {
		return refuse("Volume is being migrated.")
	}
	n, err := m.db.CountSnapshots(ctx, v.ID)
	if err != nil {
		return struct{}{}, err
	}
	if n > 0 {
		return refuse("Volume must not have snapshots.")
	}
	starting := "starting"
	v, err = m.db.UpdateVolume(ctx, v.ID, []string{"retyping"}, store.VolumeUpdate{MigrationStatus: ptr(&starting)})
	if fault.KindOf(err) == fault.Invalid {
		return struct{}{}, nil // reset meanwhile
	}
	if err != nil {
		return struct{}{}, err
	}
	m.migrate(ctx, v, *a.Dest, a.NewTypeID)
	return struct{}{}, nil
}

// recoverMigrations is init_host's part for migrations: a volume of this
// backend whose migration was under way when the service stopped gets
// migration_status error and its status back. The RBD driver's migration
// is safe to repeat: a copy an interrupted attempt left in the
// destination pool is replaced by the next attempt.
func (m *Manager) recoverMigrations(ctx context.Context) {
	vols, err := m.db.ListVolumes(ctx, store.VolumeFilter{Host: m.cfg.Host}, nil, "", 0)
	if err != nil {
		m.log.Error("recovery: cannot list volumes", "err", err)
		return
	}
	for _, v := range vols {
		if !v.Migrating() {
			continue
		}
		m.log.Warn("recovery: volume was being migrated when the service stopped; marking the migration failed",
			"volume", v.ID, "migration_status", *v.MigrationStatus)
		if _, err := m.db.EndMigration(ctx, v.ID, store.MigrationEnd{MigrationStatus: "error", Status: v.StatusBefore()}); err != nil {
			m.log.Error("recovery: cannot record the failed migration", "volume", v.ID, "err", err)
		}
	}
}
