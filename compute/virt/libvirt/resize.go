package libvirt

import (
	"context"
	"encoding/xml"
	"regexp"
	"strings"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.Resizer = (*Driver)(nil)

// resizeSnap is nova's RESIZE_SNAPSHOT_NAME: the root disk's revert point.
const resizeSnap = "nova-resize"

// MigrateDiskAndPowerOff refuses a flavor that would shrink the root or
// ephemeral disk and stops the guest. A volume-backed guest has no root
// disk here (its root volume keeps its size, as nova's).
func (d *Driver) MigrateDiskAndPowerOff(ctx context.Context, uuid string, f virt.Flavor, timeout time.Duration) error {
	root := ceph.ImageSpec(d.s.Pool, rootDiskName(uuid))
	size, err := d.ceph.Size(ctx, root)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	if err == nil && f.RootGB > 0 && uint64(f.RootGB)*gib < size {
		return fault.New(fault.Invalid, "Resize error: Unable to resize disk down: the root disk is %d bytes, the new flavor's %d bytes.",
			size, uint64(f.RootGB)*gib)
	}
	eph := ceph.ImageSpec(d.s.Pool, ephemeralDiskName(uuid))
	if esize, err := d.ceph.Size(ctx, eph); err == nil && uint64(f.EphemeralGB)*gib < esize {
		return fault.New(fault.Invalid, "Resize error: Unable to resize disk down: the ephemeral disk is %d bytes, the new flavor's %d bytes.",
			esize, uint64(f.EphemeralGB)*gib)
	} else if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	return d.PowerOff(ctx, uuid, timeout)
}

// FinishMigration snapshots the root disk as the revert point, grows the
// disks to the new flavor and redefines the guest.
func (d *Driver) FinishMigration(ctx context.Context, spec virt.InstanceSpec, powerOn bool) error {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	if !spec.BootFromVolume { // a root volume keeps its size
		root := ceph.ImageSpec(d.s.Pool, rootDiskName(spec.UUID))
		if ok, err := d.ceph.Exists(ctx, root.WithSnap(resizeSnap)); err != nil {
			return err
		} else if !ok {
			if err := d.ceph.CreateSnapshot(ctx, root.WithSnap(resizeSnap)); err != nil {
				return err
			}
		}
		if err := d.growTo(ctx, root, uint64(spec.RootGB)*gib); err != nil {
			return err
		}
	}
	if err := d.resizeExtraDisks(ctx, spec); err != nil {
		return err
	}
	return d.redefine(ctx, spec, powerOn)
}

// growTo grows an image to size; a smaller or equal size leaves it.
func (d *Driver) growTo(ctx context.Context, spec ceph.Spec, size uint64) error {
	cur, err := d.ceph.Size(ctx, spec)
	if err != nil {
		return err
	}
	if size <= cur {
		return nil
	}
	return d.ceph.Resize(ctx, spec, size, ceph.ResizeOptions{})
}

// resizeExtraDisks gives the ephemeral and swap disks the flavor's sizes:
// an ephemeral disk grows (or is made), a swap disk of another size is
// made anew, a disk the flavor no longer has is removed.
func (d *Driver) resizeExtraDisks(ctx context.Context, spec virt.InstanceSpec) error {
	var made createdDisks
	eph := ceph.ImageSpec(d.s.Pool, ephemeralDiskName(spec.UUID))
	hasEph, err := d.ceph.Exists(ctx, eph)
	if err != nil {
		return err
	}
	switch {
	case spec.EphemeralGB > 0 && hasEph:
		if err := d.growTo(ctx, eph, uint64(spec.EphemeralGB)*gib); err != nil {
			return err
		}
	case spec.EphemeralGB > 0:
		if _, err := d.makeEphemeralDisk(ctx, spec, &made); err != nil {
			return err
		}
	case hasEph:
		if err := d.removeDisk(ctx, eph); err != nil {
			return err
		}
	}
	swap := ceph.ImageSpec(d.s.Pool, swapDiskName(spec.UUID))
	size, err := d.ceph.Size(ctx, swap)
	hasSwap := err == nil
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	if hasSwap && size != uint64(spec.SwapMiB)<<20 {
		if err := d.removeDisk(ctx, swap); err != nil {
			return err
		}
		hasSwap = false
	}
	if spec.SwapMiB > 0 && !hasSwap {
		if _, err := d.makeSwapDisk(ctx, spec, &made); err != nil {
			return err
		}
	}
	return nil
}

// redefine replaces the guest's definition with one for spec, keeping the
// disks that are not the instance's own (attached volumes), and starts it
// when powerOn. The guest must be stopped.
func (d *Driver) redefine(ctx context.Context, spec virt.InstanceSpec, powerOn bool) error {
	return d.redefineWith(ctx, spec, "", powerOn)
}

// redefineWith is redefine with bootDisk (an image in the pool) before the
// instance's disks.
func (d *Driver) redefineWith(ctx context.Context, spec virt.InstanceSpec, bootDisk string, powerOn bool) error {
	c, err := d.connect()
	if err != nil {
		return err
	}
	var keep []string
	reserved := map[string]bool{}
	err = d.withDomain(spec.UUID, "resize", func(dom *golibvirt.Domain) error {
		if err := hardStop(dom); err != nil {
			return err
		}
		x, err := dom.GetXMLDesc(golibvirt.DOMAIN_XML_INACTIVE)
		if err != nil {
			return err
		}
		if keep, err = foreignDisks(x, d.s.Pool+"/"+spec.UUID+"_"); err != nil {
			return err
		}
		disks, err := DomainDisks(x)
		for _, disk := range disks {
			if !strings.HasPrefix(disk.Source.Name, d.s.Pool+"/"+spec.UUID+"_") {
				reserved[disk.Target.Dev] = true
			}
		}
		return err
	})
	if fault.KindOf(err) == fault.NotFound && bootDisk == "" {
		// No definition on this host: the guest comes from another one
		// (a cold migration or resize to here, or its revert). Its disks
		// are in the pool; its volumes come from spec.
		return d.defineHere(ctx, spec, powerOn)
	}
	if err != nil {
		return err
	}
	mons, err := d.ceph.MonAddrs(ctx)
	if err != nil {
		return err
	}
	guest, err := d.guestFor(spec, mons, reserved, bootDisk)
	if err != nil {
		return err
	}
	x, err := DomainXML(guest)
	if err != nil {
		return err
	}
	dom, err := c.DomainDefineXMLFlags(x, golibvirt.DOMAIN_DEFINE_VALIDATE)
	if err != nil {
		d.dropIfLost(c, err)
		return fault.Wrap(err, fault.Internal, "The hypervisor refused the new definition of instance %s.", spec.UUID)
	}
	defer dom.Free()
	for _, disk := range keep {
		if err := dom.AttachDeviceFlags(disk, golibvirt.DOMAIN_DEVICE_MODIFY_CONFIG); err != nil {
			return classify(err, "keep a volume of", spec.UUID)
		}
	}
	if powerOn {
		return classify(freshStart(dom), "start", spec.UUID)
	}
	return nil
}

var addressRE = regexp.MustCompile(`<(address|alias)\b[^>]*/>`)

// foreignDisks returns, as XML, the disks of a definition whose source is
// not one of the instance's own images (ownPrefix "vms/<uuid>_").
func foreignDisks(domainXML, ownPrefix string) ([]string, error) {
	var dom struct {
		Disks []struct {
			Raw    string `xml:",innerxml"`
			Type   string `xml:"type,attr"`
			Device string `xml:"device,attr"`
			Source struct {
				Name string `xml:"name,attr"`
			} `xml:"source"`
		} `xml:"devices>disk"`
	}
	if err := xml.Unmarshal([]byte(domainXML), &dom); err != nil {
		return nil, err
	}
	var out []string
	for _, disk := range dom.Disks {
		if strings.HasPrefix(disk.Source.Name, ownPrefix) {
			continue
		}
		// Its old PCI address may be taken in the new definition.
		raw := addressRE.ReplaceAllString(disk.Raw, "")
		out = append(out, `<disk type="`+xmlAttr(disk.Type)+`" device="`+xmlAttr(disk.Device)+`">`+raw+`</disk>`)
	}
	return out, nil
}

// ConfirmMigration drops the root disk's revert point.
func (d *Driver) ConfirmMigration(ctx context.Context, uuid string) error {
	err := d.ceph.RemoveSnapshot(ctx, ceph.SnapSpec(d.s.Pool, rootDiskName(uuid), resizeSnap))
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	return nil
}

// FinishRevertMigration stops the guest, returns the root disk to its
// revert point (data and size), gives the other disks the old flavor's
// sizes and redefines the guest with it.
func (d *Driver) FinishRevertMigration(ctx context.Context, spec virt.InstanceSpec, powerOn bool) error {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	err := d.withDomain(spec.UUID, "revert the resize of", hardStop)
	if err != nil {
		return err
	}
	if !spec.BootFromVolume { // a root volume has no revert point
		if err := d.rollbackRoot(ctx, spec.UUID); err != nil {
			return err
		}
	}
	// An ephemeral disk cannot shrink back: like nova, keep it as it is.
	old := spec
	if eph, err := d.ceph.Size(ctx, ceph.ImageSpec(d.s.Pool, ephemeralDiskName(spec.UUID))); err == nil {
		old.EphemeralGB = max(old.EphemeralGB, int(eph/gib))
	}
	if err := d.resizeExtraDisks(ctx, old); err != nil {
		return err
	}
	return d.redefine(ctx, spec, powerOn)
}

// rollbackRoot returns the root disk to its revert point, if it has one,
// and drops it.
func (d *Driver) rollbackRoot(ctx context.Context, uuid string) error {
	snap := ceph.SnapSpec(d.s.Pool, rootDiskName(uuid), resizeSnap)
	ok, err := d.ceph.Exists(ctx, snap)
	if err != nil || !ok {
		return err
	}
	if err := d.ceph.RollbackSnapshot(ctx, snap); err != nil {
		return err
	}
	if err := d.ceph.RemoveSnapshot(ctx, snap); err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	return nil
}
