package libvirt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.LiveMigrator = (*Driver)(nil)

// migrationFlags are nova's live_migration_flag for shared storage:
// live, peer-to-peer (the source libvirtd talks to the destination's),
// the definition moved with the guest.
const migrationFlags = golibvirt.MIGRATE_LIVE | golibvirt.MIGRATE_PEER2PEER |
	golibvirt.MIGRATE_PERSIST_DEST | golibvirt.MIGRATE_UNDEFINE_SOURCE

// hostAvailableMiB is the memory the host can still give a guest: the
// kernel's MemAvailable (libvirt's free memory counts no page cache).
func hostAvailableMiB() (int, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemAvailable:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				return 0, err
			}
			return kb / 1024, nil
		}
	}
	return 0, errors.New("no MemAvailable in /proc/meminfo")
}

// DestinationCheck refuses a guest this host has not the memory for now.
func (d *Driver) DestinationCheck(ctx context.Context, memoryMiB int) (virt.MigrationTarget, error) {
	c, err := d.connect()
	if err != nil {
		return virt.MigrationTarget{}, err
	}
	if _, err := c.GetVersion(); err != nil {
		d.dropIfLost(c, err)
		return virt.MigrationTarget{}, fault.Wrap(err, fault.Unavailable, "The destination's libvirt does not answer.")
	}
	avail, err := hostAvailableMiB()
	if err != nil {
		return virt.MigrationTarget{}, fault.Wrap(err, fault.Internal, "Cannot read the destination's free memory.")
	}
	if memoryMiB >= avail {
		return virt.MigrationTarget{FreeMemoryMiB: avail}, fault.New(fault.Conflict,
			"Lack of memory (host: %d MiB available <= instance: %d MiB)", avail, memoryMiB)
	}
	return virt.MigrationTarget{FreeMemoryMiB: avail}, nil
}

// SourceCheck refuses to migrate a guest that does not run here.
func (d *Driver) SourceCheck(ctx context.Context, uuid string) error {
	return d.withDomain(uuid, "check", func(dom *golibvirt.Domain) error {
		st, _, err := dom.GetState()
		if err != nil {
			return err
		}
		if st != golibvirt.DOMAIN_RUNNING && st != golibvirt.DOMAIN_PAUSED {
			return fault.New(fault.Conflict, "The guest of instance %s is not running (state %d); only a running guest can be live-migrated.", uuid, st)
		}
		return nil
	})
}

// PreLiveMigration makes the instance directory (the console log goes
// there), the bridges of the guest's NICs and the secrets the guest's RBD
// disks and volumes use.
func (d *Driver) PreLiveMigration(ctx context.Context, spec virt.InstanceSpec) error {
	if err := os.MkdirAll(d.instanceDir(spec.UUID), 0o755); err != nil {
		return fault.Wrap(err, fault.Unavailable, "Cannot create the instance directory %s.", d.instanceDir(spec.UUID))
	}
	if err := plugVIFs(ctx, spec.Interfaces); err != nil {
		return err
	}
	if err := d.ensureSecret(ctx); err != nil {
		return err
	}
	for _, v := range spec.Volumes {
		if _, _, err := d.volumeAuth(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// LiveMigrate runs the migration job (it blocks until the job ends) while
// a monitor reports progress and aborts it past the completion timeout.
func (d *Driver) LiveMigrate(ctx context.Context, uuid string, target virt.MigrationTarget, opts virt.LiveMigrateOptions, progress func(virt.MigrationStats)) (virt.MigrationStats, error) {
	if target.URI == "" {
		return virt.MigrationStats{}, fault.New(fault.Invalid, "No destination URI to migrate instance %s to.", uuid)
	}
	c, err := d.connect()
	if err != nil {
		return virt.MigrationStats{}, err
	}
	dom, err := c.LookupDomainByUUIDString(uuid)
	if err != nil {
		d.dropIfLost(c, err)
		if hasCode(err, golibvirt.ERR_NO_DOMAIN) {
			return virt.MigrationStats{}, notFound(uuid)
		}
		return virt.MigrationStats{}, classify(err, "look up", uuid)
	}
	defer dom.Free()
	params := &golibvirt.DomainMigrateParameters{}
	if target.InboundAddr != "" {
		params.URISet, params.URI = true, "tcp://"+target.InboundAddr
	}
	if opts.BandwidthMiBs > 0 {
		params.BandwidthSet, params.Bandwidth = true, opts.BandwidthMiBs
	}
	flags := migrationFlags
	if opts.AutoConverge {
		flags |= golibvirt.MIGRATE_AUTO_CONVERGE
	}

	var last virt.MigrationStats
	done := make(chan struct{})
	monitorDone := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(monitorDone)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				_ = dom.AbortJob()
				return
			case <-t.C:
			}
			if info, err := dom.GetJobStats(0); err == nil && info.Type != golibvirt.DOMAIN_JOB_NONE {
				last = statsOf(info)
				if progress != nil {
					progress(last)
				}
			}
			if opts.CompletionTimeout > 0 && time.Since(start) > opts.CompletionTimeout {
				d.log.WarnContext(ctx, "live migration ran past its completion timeout; aborting it", "instance", uuid,
					"timeout", opts.CompletionTimeout)
				_ = dom.AbortJob()
				return
			}
		}
	}()
	d.log.InfoContext(ctx, "live migration starting", "instance", uuid, "dest", target.URI, "inbound", target.InboundAddr,
		"bandwidth_mibs", opts.BandwidthMiBs)
	err = dom.MigrateToURI3(target.URI, params, flags)
	close(done)
	<-monitorDone
	if err != nil {
		d.dropIfLost(c, err)
		if hasCode(err, golibvirt.ERR_OPERATION_ABORTED) {
			return last, fault.Wrap(err, fault.Conflict, "The live migration of instance %s was aborted.", uuid)
		}
		return last, fault.Wrap(err, fault.Internal, "Live migration of instance %s to %s failed: %s", uuid, target.Host, lvMessage(err))
	}
	if info, err := dom.GetJobStats(golibvirt.DOMAIN_JOB_STATS_COMPLETED); err == nil {
		last = statsOf(info)
	}
	if last.Elapsed == 0 {
		last.Elapsed = time.Since(start)
	}
	d.log.InfoContext(ctx, "live migration completed", "instance", uuid, "dest", target.Host,
		"elapsed_ms", last.Elapsed.Milliseconds(), "downtime_ms", last.Downtime.Milliseconds())
	return last, nil
}

func lvMessage(err error) string {
	if e, ok := lvErr(err); ok {
		return e.Message
	}
	return err.Error()
}

func statsOf(i *golibvirt.DomainJobInfo) virt.MigrationStats {
	s := virt.MigrationStats{
		MemoryTotal: i.MemTotal, MemoryRemain: i.MemRemaining, MemoryDone: i.MemProcessed,
		DiskTotal: i.DiskTotal, DiskRemain: i.DiskRemaining, DiskProcessed: i.DiskProcessed,
		BandwidthMiBps: i.MemBps / (1 << 20),
	}
	if i.TimeElapsedSet {
		s.Elapsed = time.Duration(i.TimeElapsed) * time.Millisecond
	}
	if i.DowntimeSet {
		s.Downtime = time.Duration(i.Downtime) * time.Millisecond
	}
	return s
}

// AbortLiveMigration cancels the guest's migration job.
func (d *Driver) AbortLiveMigration(ctx context.Context, uuid string) error {
	return d.withDomain(uuid, "abort the migration of", func(dom *golibvirt.Domain) error {
		err := dom.AbortJob()
		if hasCode(err, golibvirt.ERR_OPERATION_INVALID) {
			return fault.New(fault.Conflict, "Instance %s has no migration job to abort.", uuid)
		}
		return err
	})
}

// ForceCompleteLiveMigration pauses the source guest: with no more dirty
// pages the migration finishes; the destination resumes the guest.
func (d *Driver) ForceCompleteLiveMigration(ctx context.Context, uuid string) error {
	return d.withDomain(uuid, "pause", func(dom *golibvirt.Domain) error { return dom.Suspend() })
}

// PostLiveMigrationAtDestination resumes a guest that arrived paused
// (force complete) and reads the completed job's statistics.
func (d *Driver) PostLiveMigrationAtDestination(ctx context.Context, uuid string) (virt.PowerState, virt.MigrationStats, error) {
	var stats virt.MigrationStats
	var power virt.PowerState
	err := d.withDomain(uuid, "settle", func(dom *golibvirt.Domain) error {
		st, reason, err := dom.GetState()
		if err != nil {
			return err
		}
		if st == golibvirt.DOMAIN_PAUSED && reason != int(golibvirt.DOMAIN_PAUSED_USER) {
			if err := dom.Resume(); err != nil {
				return fmt.Errorf("resume after migration: %w", err)
			}
		}
		// Kept for others to read too (virsh domjobinfo --completed).
		if info, err := dom.GetJobStats(golibvirt.DOMAIN_JOB_STATS_COMPLETED | golibvirt.DOMAIN_JOB_STATS_KEEP_COMPLETED); err == nil {
			stats = statsOf(info)
		}
		info, err := domainInfo(dom)
		if err != nil {
			return err
		}
		power = info.State
		return nil
	})
	return power, stats, err
}

// CleanupAfterLiveMigration removes the instance directory the guest left.
func (d *Driver) CleanupAfterLiveMigration(ctx context.Context, uuid string) error {
	return os.RemoveAll(d.instanceDir(uuid))
}
