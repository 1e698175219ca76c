package conductor

import (
	"context"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
)

// evacuateServer is nova's rebuild_instance with recreate on shared
// storage: the source host is down, so the instance's claim passes to the
// evacuation's record, a destination is claimed, and the destination
// rebuilds the guest from its RBD disks. Failing to find one leaves the
// instance on its (down) host with a fault.
func (m *Manager) evacuateServer(ctx context.Context, a conductorapi.EvacuateServer) (conductorapi.Empty, error) {
	m.eventStart(ctx, a.Instance.UUID, a.RequestID, eventEvacuate)
	err := m.startEvacuation(ctx, a)
	m.eventFinish(ctx, a.Instance.UUID, a.RequestID, eventEvacuate, err)
	if err != nil {
		m.log.WarnContext(ctx, "conductor: evacuation not started", "instance", a.Instance.UUID, "error", err)
	}
	return conductorapi.Empty{}, nil
}

func (m *Manager) startEvacuation(ctx context.Context, a conductorapi.EvacuateServer) error {
	in, mig := a.Instance, a.Migration
	lc, mc, err := m.liveDeps()
	if err != nil {
		m.endMove(ctx, in, mig, objects.MigrationError, "", nil)
		return err
	}
	moved := false
	fail := func(err error) error {
		var claims liveClaims
		if moved {
			claims = mc
		}
		m.endMove(ctx, in, mig, objects.MigrationError, "", claims)
		if ferr := m.store.CreateFault(context.WithoutCancel(ctx), objects.Fault{InstanceUUID: in.UUID, Code: 500,
			Message: "Evacuation failed: " + fault.MessageOf(err), Details: err.Error()}); ferr != nil {
			m.log.WarnContext(ctx, "conductor: cannot record fault", "instance", in.UUID, "error", ferr)
		}
		return err
	}
	if err := mc.MoveClaim(ctx, in.UUID, mig.UUID); err != nil && fault.KindOf(err) != fault.NotFound {
		return fail(err)
	}
	moved = true
	sel, err := m.moveDestination(ctx, in, a.Host, a.Force)
	if err != nil {
		return fail(err)
	}
	pre := objects.MigrationPreMigrating
	mig, err = m.store.UpdateMigration(ctx, mig.ID, store.MigrationUpdate{Status: &pre, DestCompute: &sel.ServiceHost, DestNode: &sel.Nodename})
	if err != nil {
		return fail(err)
	}
	bdms, err := m.store.BlockDeviceMappings(ctx, []string{in.UUID})
	if err != nil {
		return fail(err)
	}
	lcArgs := computeapi.EvacuateInstanceArgs{Instance: in, Migration: mig, Image: a.Image, BDMs: bdms[in.UUID],
		Node: sel.Nodename, RequestID: a.RequestID}
	if err := lc.EvacuateInstance(ctx, sel.ServiceHost, lcArgs); err != nil {
		return fail(err)
	}
	m.log.InfoContext(ctx, "conductor: evacuation started", "instance", in.UUID, "migration", mig.UUID,
		"source", in.Host, "dest", sel.ServiceHost)
	return nil
}
