package libvirt

import (
	"context"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.Rebuilder = (*Driver)(nil)

// Rebuild stops the guest, removes its root disk (with any resize revert
// point) and swap, and the ephemeral disk unless preserveEphemeral, makes
// the root disk from spec's image the way a spawn does (a fresh clone),
// and redefines and starts the guest, keeping attached volumes and the
// config drive. A volume-backed guest (spec.BootFromVolume) keeps its
// root volume as it is in the definition.
func (d *Driver) Rebuild(ctx context.Context, spec virt.InstanceSpec, preserveEphemeral bool) error {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	if err := d.withDomain(spec.UUID, "rebuild", hardStop); err != nil {
		return err
	}
	remove := []ceph.Spec{ceph.ImageSpec(d.s.Pool, rootDiskName(spec.UUID)), ceph.ImageSpec(d.s.Pool, swapDiskName(spec.UUID))}
	if !preserveEphemeral {
		remove = append(remove, ceph.ImageSpec(d.s.Pool, ephemeralDiskName(spec.UUID)))
	}
	for _, s := range remove {
		if err := d.removeDisk(ctx, s); err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
	}
	if !spec.BootFromVolume { // a root volume keeps its place; Cinder reimaged it
		var made createdDisks
		if _, err := d.makeRootDisk(ctx, spec, &made); err != nil {
			_ = d.removeMade(context.WithoutCancel(ctx), made)
			return err
		}
	}
	if err := d.resizeExtraDisks(ctx, spec); err != nil {
		return err
	}
	if err := d.redefine(ctx, spec, true); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "instance rebuilt", "instance", spec.UUID, "image", spec.Image.ID, "preserve_ephemeral", preserveEphemeral)
	return nil
}
