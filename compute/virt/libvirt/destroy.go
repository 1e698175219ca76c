package libvirt

import (
	"context"
	"errors"
	"os"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

// Destroy stops the guest at once, undefines it (with its managed save
// and nvram) and, unless opts.KeepDisks, removes its RBD disks and its
// local files. Everything already gone is skipped, so Destroy is
// idempotent and also cleans up after a spawn that crashed half-way.
func (d *Driver) Destroy(ctx context.Context, uuid string, opts virt.DestroyOptions) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	c, err := d.connect()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := d.undefine(c, uuid); err != nil {
		return err
	}
	tDisks := time.Now()
	if !opts.KeepDisks {
		if err := d.removeDisks(ctx, uuid); err != nil {
			return err
		}
	}
	if err := os.RemoveAll(d.instanceDir(uuid)); err != nil {
		return err
	}
	d.log.InfoContext(ctx, "instance destroyed", "instance", uuid, "kept_disks", opts.KeepDisks,
		"domain_ms", tDisks.Sub(start).Milliseconds(), "disks_ms", time.Since(tDisks).Milliseconds())
	return nil
}

// undefine stops and undefines the domain; a missing one is not an error.
func (d *Driver) undefine(c *golibvirt.Connect, uuid string) error {
	dom, err := c.LookupDomainByUUIDString(uuid)
	if err != nil {
		if hasCode(err, golibvirt.ERR_NO_DOMAIN) {
			return nil
		}
		d.dropIfLost(c, err)
		return classify(err, "look up", uuid)
	}
	defer dom.Free()
	if err := hardStop(dom); err != nil {
		d.dropIfLost(c, err)
		return classify(err, "stop", uuid)
	}
	flags := golibvirt.DOMAIN_UNDEFINE_MANAGED_SAVE | golibvirt.DOMAIN_UNDEFINE_NVRAM |
		golibvirt.DOMAIN_UNDEFINE_SNAPSHOTS_METADATA | golibvirt.DOMAIN_UNDEFINE_CHECKPOINTS_METADATA
	err = dom.UndefineFlags(flags)
	if err != nil && hasCode(err, golibvirt.ERR_NO_SUPPORT, golibvirt.ERR_INVALID_ARG) {
		err = dom.Undefine()
	}
	if err != nil && !hasCode(err, golibvirt.ERR_NO_DOMAIN) {
		d.dropIfLost(c, err)
		return classify(err, "undefine", uuid)
	}
	return nil
}

// hardStop stops a running guest at once, without asking the guest: QEMU
// first gets SIGTERM (so it closes its RBD images and their watches go
// with it, and the disks can be removed at once), then, if it lingers,
// SIGKILL (virDomainDestroy), retried a few times when QEMU is slow to die
// (EBUSY), as nova does. A stopped guest is left alone.
func hardStop(dom *golibvirt.Domain) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		active, aerr := dom.IsActive()
		if aerr != nil {
			if hasCode(aerr, golibvirt.ERR_NO_DOMAIN) {
				return nil
			}
			return aerr
		}
		if !active {
			return nil
		}
		if attempt == 0 {
			err = dom.DestroyFlags(golibvirt.DOMAIN_DESTROY_GRACEFUL)
		} else {
			err = dom.Destroy()
		}
		if err == nil || hasCode(err, golibvirt.ERR_OPERATION_INVALID, golibvirt.ERR_NO_DOMAIN) {
			return nil
		}
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
		}
	}
	return errors.Join(err)
}
