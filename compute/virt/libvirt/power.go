package libvirt

import (
	"context"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/services/fault"
)

// shutdownRetryInterval is how often a clean shutdown asks again (nova's
// SHUTDOWN_RETRY_INTERVAL): a guest may miss an early ACPI event.
const shutdownRetryInterval = 10 * time.Second

// pollInterval is how often state changes are polled.
const pollInterval = 200 * time.Millisecond

// PowerOff asks the guest to shut down and stops it once timeout has
// passed; timeout 0 stops it at once. A stopped guest is not an error.
func (d *Driver) PowerOff(ctx context.Context, uuid string, timeout time.Duration) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "power off", func(dom *golibvirt.Domain) error {
		if timeout > 0 {
			if off, err := cleanShutdown(ctx, dom, timeout); err != nil || off {
				return err
			}
		}
		return hardStop(dom)
	})
}

// cleanShutdown sends ACPI shutdown requests until the guest is off or
// timeout passes; it reports whether the guest went off.
func cleanShutdown(ctx context.Context, dom *golibvirt.Domain, timeout time.Duration) (bool, error) {
	state, _, err := dom.GetState()
	if err != nil {
		return false, err
	}
	if isOff(state) {
		return true, nil
	}
	if state == golibvirt.DOMAIN_PAUSED {
		return false, nil // a paused guest cannot react to ACPI
	}
	deadline := time.Now().Add(timeout)
	lastAsk := time.Time{}
	for time.Now().Before(deadline) {
		if time.Since(lastAsk) >= shutdownRetryInterval {
			if err := dom.Shutdown(); err != nil {
				if hasCode(err, golibvirt.ERR_OPERATION_INVALID) {
					return true, nil // it went off meanwhile
				}
				return false, err
			}
			lastAsk = time.Now()
		}
		if err := sleepCtx(ctx, pollInterval); err != nil {
			return false, err
		}
		state, _, err := dom.GetState()
		if err != nil {
			return false, err
		}
		if isOff(state) {
			return true, nil
		}
	}
	return false, nil
}

func isOff(s golibvirt.DomainState) bool {
	return s == golibvirt.DOMAIN_SHUTOFF || s == golibvirt.DOMAIN_CRASHED
}

// PowerOn starts a stopped guest afresh, discarding a saved memory state
// as nova's power on (a hard reboot) does. A running guest is left alone.
func (d *Driver) PowerOn(ctx context.Context, uuid string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "power on", func(dom *golibvirt.Domain) error {
		active, err := dom.IsActive()
		if err != nil || active {
			return err
		}
		return freshStart(dom)
	})
}

// freshStart boots a stopped domain without restoring a managed save.
func freshStart(dom *golibvirt.Domain) error {
	if saved, err := dom.HasManagedSaveImage(0); err == nil && saved {
		if err := dom.ManagedSaveRemove(0); err != nil {
			return err
		}
	}
	return dom.Create()
}

// Reboot restarts the guest. soft asks the guest to shut down, waits up to
// wait_soft_reboot_seconds and starts it again, and falls back to a hard
// reboot when the guest does not go down; hard stops and starts it.
func (d *Driver) Reboot(ctx context.Context, uuid string, soft bool) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "reboot", func(dom *golibvirt.Domain) error {
		if soft {
			done, err := d.softReboot(ctx, dom)
			if err != nil || done {
				return err
			}
			d.log.WarnContext(ctx, "the guest did not shut down for a soft reboot; rebooting hard", "instance", uuid,
				"waited", d.s.WaitSoftReboot.String())
		}
		if err := hardStop(dom); err != nil {
			return err
		}
		return freshStart(dom)
	})
}

// softReboot is nova's _soft_reboot: shut the guest down and start it, or
// notice that it rebooted by itself (a new domain id).
func (d *Driver) softReboot(ctx context.Context, dom *golibvirt.Domain) (bool, error) {
	state, _, err := dom.GetState()
	if err != nil {
		return false, err
	}
	if state != golibvirt.DOMAIN_RUNNING {
		return false, nil
	}
	oldID, _ := dom.GetID()
	if err := dom.Shutdown(); err != nil {
		return false, nil
	}
	deadline := time.Now().Add(d.s.WaitSoftReboot)
	for time.Now().Before(deadline) {
		if err := sleepCtx(ctx, pollInterval); err != nil {
			return false, err
		}
		state, _, err := dom.GetState()
		if err != nil {
			return false, err
		}
		if isOff(state) {
			return true, dom.Create()
		}
		if id, err := dom.GetID(); err == nil && id != oldID {
			return true, nil
		}
	}
	return false, nil
}

// Pause freezes the guest's vCPUs in memory.
func (d *Driver) Pause(ctx context.Context, uuid string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "pause", func(dom *golibvirt.Domain) error { return dom.Suspend() })
}

// Unpause lets a paused guest run again.
func (d *Driver) Unpause(ctx context.Context, uuid string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "unpause", func(dom *golibvirt.Domain) error { return dom.Resume() })
}

// Suspend saves the guest's memory on the host (libvirt managed save) and
// stops it.
func (d *Driver) Suspend(ctx context.Context, uuid string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "suspend", func(dom *golibvirt.Domain) error { return dom.ManagedSave(0) })
}

// Resume restores a suspended guest from its saved memory. A running guest
// is left alone.
func (d *Driver) Resume(ctx context.Context, uuid string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "resume", func(dom *golibvirt.Domain) error {
		active, err := dom.IsActive()
		if err != nil || active {
			return err
		}
		return dom.Create()
	})
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return fault.Wrap(ctx.Err(), fault.Unavailable, "The operation was cancelled or timed out.")
	case <-t.C:
		return nil
	}
}
