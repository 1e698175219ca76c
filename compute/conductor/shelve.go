package conductor

import (
	"context"
	"errors"
	"fmt"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/fault"
)

// eventUnshelve is nova's conductor event of an unshelve.
const eventUnshelve = "schedule_instances"

// unshelveInstance is nova's ComputeTaskManager.unshelve_instance for a
// shelved-offloaded instance: schedule it (claiming its flavor), then
// cast unshelve_instance to the chosen host. A failure leaves it
// SHELVED_OFFLOADED with no task and a fault.
func (m *Manager) unshelveInstance(ctx context.Context, a conductorapi.UnshelveInstance) (conductorapi.Empty, error) {
	in, f := a.Instance, a.Instance.Flavor
	m.eventStart(ctx, in.UUID, a.RequestID, eventUnshelve)
	spec := schedulerapi.RequestSpec{
		InstanceUUIDs: []string{in.UUID}, ProjectID: in.ProjectID, UserID: in.UserID, FlavorID: f.FlavorID,
		Resources:       schedulerapi.Resources{VCPUs: f.VCPUs, MemoryMB: f.MemoryMB, RootGB: f.RootGB, EphemeralGB: f.EphemeralGB, SwapMB: f.Swap},
		ImageProperties: a.Image.Properties, AvailabilityZone: in.AvailabilityZone,
	}
	if a.Host != "" {
		spec.ForceHosts = []string{a.Host}
	}
	sels, err := m.scheduler.SelectDestinations(ctx, spec)
	if err == nil && len(sels) == 0 {
		err = fault.New(fault.Internal, "the scheduler returned no destination for the instance")
	}
	msg := ""
	if err != nil {
		msg = "No valid host was found. " + fault.MessageOf(err)
		var nv *schedulerapi.NoValidHost
		if errors.As(err, &nv) {
			msg = nv.Error()
		}
	} else {
		sel := sels[0]
		compute, ok := m.compute.(ResizeCompute)
		var bdms map[string][]objects.BlockDeviceMapping
		switch {
		case !ok:
			err = fault.New(fault.Unavailable, "the conductor cannot reach compute hosts for an unshelve")
		default:
			if bdms, err = m.store.BlockDeviceMappings(ctx, []string{in.UUID}); err == nil {
				err = compute.UnshelveInstance(ctx, sel.ServiceHost, computeapi.UnshelveInstanceArgs{Instance: in, Image: a.Image,
					Node: sel.Nodename, BDMs: bdms[in.UUID]})
			}
		}
		if err != nil {
			m.release(ctx, in.UUID)
			msg = fmt.Sprintf("Unshelve of instance %s could not be sent to host %s: %s", in.UUID, sel.ServiceHost, fault.MessageOf(err))
		}
	}
	if err != nil {
		none := ""
		if _, uerr := m.store.UpdateInstance(context.WithoutCancel(ctx), in.UUID, store.InstanceUpdate{TaskState: &none}); uerr != nil {
			m.log.WarnContext(ctx, "conductor: cannot reset a failed unshelve", "instance", in.UUID, "error", uerr)
		}
		if ferr := m.store.CreateFault(context.WithoutCancel(ctx), objects.Fault{InstanceUUID: in.UUID, Code: 500, Message: msg, Details: err.Error()}); ferr != nil {
			m.log.WarnContext(ctx, "conductor: cannot record fault", "instance", in.UUID, "error", ferr)
		}
	}
	m.eventFinish(ctx, in.UUID, a.RequestID, eventUnshelve, err)
	return conductorapi.Empty{}, nil
}
