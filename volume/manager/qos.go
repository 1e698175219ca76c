package manager

import (
	"context"

	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/store"
)

// backEndQoS returns the specs of the volume type's QoS specs when their
// consumer is back-end or both (upstream's _qos_specs_from_volume_type),
// else nil. Keys of null value are left out.
func (m *Manager) backEndQoS(ctx context.Context, typeID string) (map[string]string, error) {
	if typeID == "" {
		return nil, nil
	}
	q, err := m.db.TypeQoS(ctx, typeID)
	if err != nil || q == nil || (q.Consumer != "back-end" && q.Consumer != "both") {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range q.Specs {
		if v != nil {
			out[k] = *v
		}
	}
	return out, nil
}

// applyQoS gives the volume the back-end QoS of the type typeID when the
// driver enforces QoS itself (the RBD driver's _setup_volume on create and
// its retype): limits set, and those of another type removed.
func (m *Manager) applyQoS(ctx context.Context, d driver.Driver, volumeID, typeID string) error {
	qs, ok := d.(driver.QoSSetter)
	if !ok {
		return nil
	}
	specs, err := m.backEndQoS(ctx, typeID)
	if err != nil {
		return err
	}
	return qs.SetQoS(ctx, volumeID, specs)
}

// retypeQoS gives the volume the back-end QoS of its new type, upstream's
// RBD retype: the limits of the new type are set and those of the old
// one it lacks removed. After a failure the old type's are put back as far
// as possible, so the volume keeps its type's QoS.
func (m *Manager) retypeQoS(ctx context.Context, v store.Volume, newTypeID string) error {
	d, err := m.driver()
	if err != nil {
		return err
	}
	if err := m.applyQoS(ctx, d, v.ID, newTypeID); err != nil {
		if rerr := m.applyQoS(context.WithoutCancel(ctx), d, v.ID, v.TypeID); rerr != nil {
			m.log.Error("cannot restore the volume's back-end QoS", "volume", v.ID, "err", rerr)
		}
		return err
	}
	return nil
}
