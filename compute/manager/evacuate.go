package manager

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
)

// evacuateInstance serves evacuate_instance on the destination (a cast):
// nova's rebuild_instance with recreate on shared storage. The guest is
// defined and started here from the disks it has in the pool (never
// re-cloned); the conductor then moves the instance and its claims here.
// A failure leaves the instance in ERROR with a fault, and the claims
// where they were.
func (m *Manager) evacuateInstance(ctx context.Context, a computeapi.EvacuateInstanceArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, buildTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	unlock := m.locks.lock(uuid)
	defer unlock()
	ev := m.startEvent(ctx, uuid, "rebuild_instance")
	err := m.doEvacuate(ctx, &a)
	ev.finish(err)
	return Empty{}, nil
}

func (m *Manager) doEvacuate(ctx context.Context, a *computeapi.EvacuateInstanceArgs) error {
	uuid := a.Instance.UUID
	lc, err := m.liveReports()
	if err != nil {
		m.log.ErrorContext(ctx, "compute: cannot evacuate", "instance", uuid, "error", err)
		return err
	}
	fail := func(err error) error {
		m.log.WarnContext(ctx, "compute: evacuation failed", "instance", uuid, "error", err)
		m.recordFault(ctx, uuid, err)
		dctx, cancel := detached(ctx)
		defer cancel()
		if rerr := lc.LiveMigrationResult(dctx, conductorapi.LiveMigrationResult{InstanceUUID: uuid, Migration: a.Migration,
			Status: objects.MigrationFailed, VMState: objects.VMError, Message: faultMessage(err)}); rerr != nil {
			m.log.ErrorContext(ctx, "compute: could not report a failed evacuation", "instance", uuid, "error", rerr)
		}
		return err
	}
	lm, err := m.migrator()
	if err != nil {
		return fail(err)
	}
	spec := InstanceSpec(&a.Instance, &a.Image)
	spec.Volumes = volumeSpecs(a.BDMs)
	// The ports move here with the guest (same MACs and addresses).
	if spec.Interfaces, err = m.bindNetworksHere(ctx, &a.Instance); err != nil {
		return fail(err)
	}
	if err := lm.SpawnOnSharedStorage(ctx, spec); err != nil {
		return fail(err)
	}
	m.moveAttachmentsHere(ctx, a.Instance, a.BDMs)
	power, err := m.powerState(ctx, uuid)
	if err != nil {
		power = objects.PowerRunning
	}
	dctx, cancel := detached(ctx)
	defer cancel()
	m.log.InfoContext(ctx, "compute: evacuated instance rebuilt here from its shared disks", "instance", uuid, "from", a.Instance.Host)
	return lc.LiveMigrationResult(dctx, conductorapi.LiveMigrationResult{InstanceUUID: uuid, Migration: a.Migration,
		Succeeded: true, DestHost: m.cfg.Host, DestNode: a.Node, PowerState: power, VMState: objects.VMActive})
}
