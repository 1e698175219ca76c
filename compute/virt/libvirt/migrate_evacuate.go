package libvirt

import (
	"context"
	"os"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

// SpawnOnSharedStorage rebuilds an evacuated guest here from the disks
// it has in the pool: the root disk <uuid>_disk must exist and is used as
// it is (never re-cloned: its data is the guest's). A failure undefines
// what it defined and never touches the disks.
func (d *Driver) SpawnOnSharedStorage(ctx context.Context, spec virt.InstanceSpec) (err error) {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	start := time.Now()
	if !spec.BootFromVolume {
		root := ceph.ImageSpec(d.s.Pool, rootDiskName(spec.UUID))
		ok, err := d.ceph.Exists(ctx, root)
		if err != nil {
			return err
		}
		if !ok {
			return fault.New(fault.NotFound,
				"The root disk %s of instance %s is not in the shared pool; the instance cannot be rebuilt on shared storage.", root, spec.UUID)
		}
	}
	if err := d.defineHere(ctx, spec, true); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "instance rebuilt on shared storage", "instance", spec.UUID, "domain", spec.Name,
		"total_ms", time.Since(start).Milliseconds())
	return nil
}

// defineHere defines (and, when powerOn, starts) a guest whose disks are
// already in the pool on a host that has no definition of it: the
// destination of an evacuation or of a cold migration or resize to
// another host. Its bridges are plugged, a leftover definition is
// replaced, and a guest that does not start is undefined again. The
// caller holds the instance's lock.
func (d *Driver) defineHere(ctx context.Context, spec virt.InstanceSpec, powerOn bool) error {
	if err := plugVIFs(ctx, spec.Interfaces); err != nil {
		return err
	}
	c, err := d.connect()
	if err != nil {
		return err
	}
	if dom, lerr := c.LookupDomainByUUIDString(spec.UUID); lerr == nil {
		// A leftover definition (an earlier attempt): replace it.
		dom.Free()
		if err := d.undefine(c, spec.UUID); err != nil {
			return err
		}
	} else if !hasCode(lerr, golibvirt.ERR_NO_DOMAIN) {
		d.dropIfLost(c, lerr)
		return classify(lerr, "look up", spec.UUID)
	}
	if err := os.MkdirAll(d.instanceDir(spec.UUID), 0o755); err != nil {
		return fault.Wrap(err, fault.Unavailable, "Cannot create the instance directory %s.", d.instanceDir(spec.UUID))
	}
	if err := d.ensureSecret(ctx); err != nil {
		return err
	}
	mons, err := d.ceph.MonAddrs(ctx)
	if err != nil {
		return err
	}
	// The config drive, if any, is already in the pool.
	spec.ConfigDrive = ""
	guest, err := d.guestFor(spec, mons, nil, "")
	if err != nil {
		return err
	}
	if guest.Disks, err = d.withVolumes(ctx, spec, guest.Disks); err != nil {
		return err
	}
	xml, err := DomainXML(guest)
	if err != nil {
		return err
	}
	dom, err := c.DomainDefineXMLFlags(xml, golibvirt.DOMAIN_DEFINE_VALIDATE)
	if err != nil {
		d.dropIfLost(c, err)
		return fault.Wrap(err, fault.Internal, "The hypervisor refused the definition of instance %s.", spec.UUID)
	}
	defer dom.Free()
	if !powerOn {
		return nil
	}
	if err := dom.Create(); err != nil {
		d.dropIfLost(c, err)
		if uerr := d.undefine(c, spec.UUID); uerr != nil {
			d.log.ErrorContext(ctx, "could not undefine a guest that did not start", "instance", spec.UUID, "error", uerr)
		}
		return fault.Wrap(err, fault.Internal, "The hypervisor could not start instance %s.", spec.UUID)
	}
	return nil
}
