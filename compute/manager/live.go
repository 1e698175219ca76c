package manager

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// liveTimeout bounds one live migration's work on the source.
const liveTimeout = 2 * time.Hour

// registerLive serves the live migration and evacuation methods.
func (m *Manager) registerLive(srv *rpc.Server) {
	srv.Register(computeapi.MethodCheckCanLiveMigrateDestination, rpc.Handle(m.checkCanLiveMigrateDestination))
	srv.Register(computeapi.MethodCheckCanLiveMigrateSource, rpc.Handle(m.checkCanLiveMigrateSource))
	srv.Register(computeapi.MethodPreLiveMigration, rpc.Handle(m.preLiveMigration))
	srv.Register(computeapi.MethodLiveMigration, rpc.Handle(m.liveMigration))
	srv.Register(computeapi.MethodPostLiveMigrationAtDestination, rpc.Handle(m.postLiveMigrationAtDestination))
	srv.Register(computeapi.MethodRollbackLiveMigrationAtDest, rpc.Handle(m.rollbackLiveMigrationAtDestination))
	srv.Register(computeapi.MethodLiveMigrationAbort, rpc.Handle(m.liveMigrationAbort))
	srv.Register(computeapi.MethodLiveMigrationForceComplete, rpc.Handle(m.liveMigrationForceComplete))
	srv.Register(computeapi.MethodEvacuateInstance, rpc.Handle(m.evacuateInstance))
}

// liveConductor is what live migration reports to the conductor.
type liveConductor interface {
	LiveMigrationRecord(ctx context.Context, r conductorapi.LiveMigrationRecord) (objects.Migration, error)
	LiveMigrationResult(ctx context.Context, r conductorapi.LiveMigrationResult) error
}

// LiveMigrationRecord calls live_migration_record.
func (c *ConductorClient) LiveMigrationRecord(ctx context.Context, r conductorapi.LiveMigrationRecord) (objects.Migration, error) {
	var out objects.Migration
	err := c.call(ctx, conductorapi.MethodLiveMigrationRecord, r, &out)
	return out, err
}

// LiveMigrationResult calls live_migration_result.
func (c *ConductorClient) LiveMigrationResult(ctx context.Context, r conductorapi.LiveMigrationResult) error {
	return c.call(ctx, conductorapi.MethodLiveMigrationResult, r, nil)
}

func (m *Manager) liveReports() (liveConductor, error) {
	lc, ok := m.conductor.(liveConductor)
	if !ok {
		return nil, fault.New(fault.Unavailable, "The conductor client of host %s cannot record migrations.", m.cfg.Host)
	}
	return lc, nil
}

// liveJobs are the live migrations this host is the source of, so an
// abort or force complete finds them.
type liveJobs struct {
	mu   sync.Mutex
	jobs map[string]*liveJob
}

type liveJob struct {
	migrationID int64
	mu          sync.Mutex
	running     bool // the libvirt job is under way
	aborted     bool
}

func (j *liveJob) state() (running, aborted bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running, j.aborted
}

func (l *liveJobs) start(uuid string, id int64) *liveJob {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs == nil {
		l.jobs = map[string]*liveJob{}
	}
	j := &liveJob{migrationID: id}
	l.jobs[uuid] = j
	return j
}

func (l *liveJobs) end(uuid string, j *liveJob) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.jobs[uuid] == j {
		delete(l.jobs, uuid)
	}
}

func (l *liveJobs) get(uuid string, id int64) *liveJob {
	l.mu.Lock()
	defer l.mu.Unlock()
	j := l.jobs[uuid]
	if j == nil || (id > 0 && j.migrationID != id) {
		return nil
	}
	return j
}

// migrationTarget is how sources reach this host.
func (m *Manager) migrationTarget() virt.MigrationTarget {
	addr := m.live.cfg.InboundAddr
	if addr == "" {
		addr = m.cfg.HostIP
	}
	scheme := m.live.cfg.Scheme
	if scheme == "" {
		scheme = "tcp"
	}
	return virt.MigrationTarget{Host: m.cfg.Host, InboundAddr: addr, URI: fmt.Sprintf("qemu+%s://%s/system", scheme, addr)}
}

// checkCanLiveMigrateDestination serves the destination's pre-check (a
// call): nova's MigrationPreCheckError when this host cannot take the guest.
func (m *Manager) checkCanLiveMigrateDestination(ctx context.Context, a computeapi.LiveMigrateCheckArgs) (virt.MigrationTarget, error) {
	lm, err := m.migrator()
	if err != nil {
		return virt.MigrationTarget{}, err
	}
	target := m.migrationTarget()
	if target.InboundAddr == "" {
		return target, fault.New(fault.Conflict, "Unable to migrate %s to %s: the host has no address for migration traffic (set [DEFAULT] my_ip or [libvirt] live_migration_inbound_addr).",
			a.Instance.UUID, m.cfg.Host)
	}
	checked, err := lm.DestinationCheck(ctx, a.Instance.Flavor.MemoryMB)
	if err != nil {
		return target, fault.Wrap(err, fault.Conflict, "Unable to migrate %s to %s: %s", a.Instance.UUID, m.cfg.Host, fault.MessageOf(err))
	}
	target.FreeMemoryMiB = checked.FreeMemoryMiB
	return target, nil
}

// checkCanLiveMigrateSource serves the source's pre-check (a call).
func (m *Manager) checkCanLiveMigrateSource(ctx context.Context, a computeapi.LiveMigrateCheckArgs) (Empty, error) {
	lm, err := m.migrator()
	if err != nil {
		return Empty{}, err
	}
	if err := lm.SourceCheck(ctx, a.Instance.UUID); err != nil {
		return Empty{}, fault.Wrap(err, fault.Conflict, "Unable to migrate %s from %s: %s", a.Instance.UUID, m.cfg.Host, fault.MessageOf(err))
	}
	return Empty{}, nil
}

// volumeSpecs are the RBD connections of an instance's attached volumes,
// from their mappings' connection info.
func volumeSpecs(bdms []objects.BlockDeviceMapping) []virt.VolumeConnection {
	var out []virt.VolumeConnection
	for _, b := range bdms {
		if b.ConnectionInfo == "" {
			continue
		}
		// Cinder's connection info: {"driver_volume_type", "data": {...}},
		// or, as the attach stores it, the data's fields beside the type.
		var ci struct {
			DriverVolumeType string         `json:"driver_volume_type"`
			Data             map[string]any `json:"data"`
			Multiattach      bool           `json:"multiattach"`
		}
		if json.Unmarshal([]byte(b.ConnectionInfo), &ci) != nil {
			continue
		}
		if ci.Data == nil && json.Unmarshal([]byte(b.ConnectionInfo), &ci.Data) != nil {
			continue
		}
		c, err := virt.VolumeConnectionFrom(ci.DriverVolumeType, ci.Data)
		if err != nil {
			continue
		}
		if c.VolumeID == "" {
			c.VolumeID = b.VolumeID
		}
		c.Device = b.DeviceName
		c.Multiattach = ci.Multiattach
		out = append(out, c)
	}
	return out
}

// preLiveMigration serves pre_live_migration on the destination (a call).
func (m *Manager) preLiveMigration(ctx context.Context, a computeapi.LiveMigrationArgs) (Empty, error) {
	lm, err := m.migrator()
	if err != nil {
		return Empty{}, err
	}
	spec := InstanceSpec(&a.Instance, &objects.ImageMeta{})
	spec.Volumes = volumeSpecs(a.BDMs)
	// The guest's taps need their bridges here before it arrives.
	if spec.Interfaces, err = m.instanceInterfaces(ctx, &a.Instance); err != nil {
		return Empty{}, err
	}
	return Empty{}, lm.PreLiveMigration(ctx, spec)
}

// liveMigration serves live_migration on the source (a cast): nova's
// _do_live_migration. Every outcome reaches the conductor, which moves the
// instance, its claims and its migration record.
func (m *Manager) liveMigration(ctx context.Context, a computeapi.LiveMigrationArgs) (Empty, error) {
	ctx, cancel := workContext(ctx, liveTimeout)
	defer cancel()
	uuid := a.Instance.UUID
	ev := m.startEvent(ctx, uuid, computeapi.MethodLiveMigration)
	err := m.doLiveMigration(ctx, &a)
	ev.finish(err)
	if err != nil {
		m.log.WarnContext(ctx, "compute: live migration did not complete", "instance", uuid, "dest", a.Dest, "error", err)
	}
	return Empty{}, nil
}

func (m *Manager) doLiveMigration(ctx context.Context, a *computeapi.LiveMigrationArgs) error {
	uuid := a.Instance.UUID
	job := m.live.jobs.start(uuid, a.Migration.ID)
	defer m.live.jobs.end(uuid, job)
	lc, err := m.liveReports()
	if err != nil {
		return err
	}
	lm, err := m.migrator()
	if err != nil {
		m.liveFailed(ctx, lc, a, objects.MigrationError, err, false)
		return err
	}
	if m.live.compute == nil {
		err := fault.New(fault.Unavailable, "Host %s has no way to reach other compute hosts.", m.cfg.Host)
		m.liveFailed(ctx, lc, a, objects.MigrationError, err, false)
		return err
	}
	if _, err := lc.LiveMigrationRecord(ctx, conductorapi.LiveMigrationRecord{ID: a.Migration.ID,
		Status: objects.MigrationPreparing, ExpectedStatus: []string{objects.MigrationQueued}}); err != nil {
		// Aborted while queued: the record says cancelled already.
		m.liveFailed(ctx, lc, a, objects.MigrationCancelled, err, false)
		return err
	}
	if err := m.live.compute.PreLiveMigration(ctx, a.Dest, *a); err != nil {
		m.liveFailed(ctx, lc, a, objects.MigrationError, err, true)
		return err
	}
	job.mu.Lock()
	aborted := job.aborted
	job.running = !aborted
	job.mu.Unlock()
	if aborted {
		err := fault.New(fault.Conflict, "The live migration of instance %s was aborted.", uuid)
		m.liveFailed(ctx, lc, a, objects.MigrationCancelled, err, true)
		return err
	}
	if _, err := lc.LiveMigrationRecord(ctx, conductorapi.LiveMigrationRecord{ID: a.Migration.ID,
		Status: objects.MigrationRunning, ExpectedStatus: []string{objects.MigrationPreparing}}); err != nil {
		m.liveFailed(ctx, lc, a, objects.MigrationCancelled, err, true)
		return err
	}
	opts := virt.LiveMigrateOptions{BandwidthMiBs: m.live.cfg.BandwidthMiBs, AutoConverge: m.live.cfg.AutoConverge}
	if m.live.cfg.CompletionTimeoutPerGiB > 0 {
		gib := max(1, (a.Instance.Flavor.MemoryMB+1023)/1024)
		opts.CompletionTimeout = time.Duration(gib) * m.live.cfg.CompletionTimeoutPerGiB
	}
	var lastReport time.Time
	progress := func(s virt.MigrationStats) {
		if time.Since(lastReport) < 2*time.Second {
			return
		}
		lastReport = time.Now()
		rec := conductorapi.LiveMigrationRecord{ID: a.Migration.ID, MemoryTotal: i64(s.MemoryTotal),
			MemoryProcessed: i64(s.MemoryDone), MemoryRemaining: i64(s.MemoryRemain),
			DiskTotal: i64(s.DiskTotal), DiskProcessed: i64(s.DiskProcessed), DiskRemaining: i64(s.DiskRemain)}
		if _, err := lc.LiveMigrationRecord(ctx, rec); err != nil {
			m.log.DebugContext(ctx, "compute: could not record migration progress", "instance", uuid, "error", err)
		}
	}
	stats, err := lm.LiveMigrate(ctx, uuid, a.Target, opts, progress)
	job.mu.Lock()
	job.running = false
	aborted = job.aborted
	job.mu.Unlock()
	if err != nil {
		status := objects.MigrationError
		if aborted {
			status = objects.MigrationCancelled
		}
		m.liveFailed(ctx, lc, a, status, err, true)
		return err
	}
	// The guest runs on the destination now: whatever follows, it is there.
	power := objects.PowerRunning
	reply, perr := m.live.compute.PostLiveMigrationAtDestination(ctx, a.Dest, *a)
	if perr != nil {
		m.log.ErrorContext(ctx, "compute: the destination could not settle a migrated guest", "instance", uuid, "dest", a.Dest, "error", perr)
	} else {
		power = reply.PowerState
		if reply.Stats.Downtime > 0 {
			stats.Downtime = reply.Stats.Downtime
		}
	}
	if err := lm.CleanupAfterLiveMigration(ctx, uuid); err != nil {
		m.log.WarnContext(ctx, "compute: could not remove a migrated guest's instance directory", "instance", uuid, "error", err)
	}
	m.log.InfoContext(ctx, "compute: live migration completed", "instance", uuid, "dest", a.Dest,
		"elapsed_ms", stats.Elapsed.Milliseconds(), "downtime_ms", stats.Downtime.Milliseconds())
	dctx, cancel := detached(ctx)
	defer cancel()
	rec := conductorapi.LiveMigrationRecord{ID: a.Migration.ID, MemoryTotal: i64(stats.MemoryTotal),
		MemoryProcessed: i64(stats.MemoryDone), MemoryRemaining: i64(0), DiskTotal: i64(stats.DiskTotal),
		DiskProcessed: i64(stats.DiskProcessed), DiskRemaining: i64(0)}
	if _, err := lc.LiveMigrationRecord(dctx, rec); err != nil {
		m.log.WarnContext(ctx, "compute: could not record migration statistics", "instance", uuid, "error", err)
	}
	return lc.LiveMigrationResult(dctx, conductorapi.LiveMigrationResult{InstanceUUID: uuid, Migration: a.Migration,
		Succeeded: true, DestHost: a.Dest, DestNode: a.Migration.DestNode, PowerState: power})
}

func i64(v uint64) *int64 { n := int64(v); return &n }

// liveFailed rolls a live migration back: the destination forgets it, the
// conductor gives the claims back and ends the record; the guest keeps
// running here.
func (m *Manager) liveFailed(ctx context.Context, lc liveConductor, a *computeapi.LiveMigrationArgs, status string, cause error, destTouched bool) {
	dctx, cancel := detached(ctx)
	defer cancel()
	if destTouched && m.live.compute != nil {
		if err := m.live.compute.RollbackLiveMigrationAtDestination(dctx, a.Dest, *a); err != nil {
			m.log.WarnContext(ctx, "compute: could not ask the destination to roll back", "instance", a.Instance.UUID, "dest", a.Dest, "error", err)
		}
	}
	if err := lc.LiveMigrationResult(dctx, conductorapi.LiveMigrationResult{InstanceUUID: a.Instance.UUID,
		Migration: a.Migration, Status: status, Message: faultMessage(cause)}); err != nil {
		m.log.ErrorContext(ctx, "compute: could not report a failed live migration", "instance", a.Instance.UUID, "error", err)
	}
}

// postLiveMigrationAtDestination serves the destination's step once the
// guest has arrived (a call).
func (m *Manager) postLiveMigrationAtDestination(ctx context.Context, a computeapi.LiveMigrationArgs) (computeapi.PostLiveMigrationReply, error) {
	lm, err := m.migrator()
	if err != nil {
		return computeapi.PostLiveMigrationReply{}, err
	}
	power, stats, err := lm.PostLiveMigrationAtDestination(ctx, a.Instance.UUID)
	if err != nil {
		return computeapi.PostLiveMigrationReply{}, err
	}
	// The guest runs here now: its ports follow (nova's
	// migrate_instance_finish), so this host's agent filters its taps and
	// answers its DHCP. The guest keeps running if this fails; the ports
	// are then left on the source for an operator.
	if _, err := m.bindNetworksHere(ctx, &a.Instance); err != nil {
		m.log.ErrorContext(ctx, "compute: could not bind the migrated guest's ports here", "instance", a.Instance.UUID, "error", err)
	}
	m.moveAttachmentsHere(ctx, a.Instance, a.BDMs)
	m.log.InfoContext(ctx, "compute: migrated guest arrived", "instance", a.Instance.UUID, "from", a.Instance.Host,
		"downtime_ms", stats.Downtime.Milliseconds(), "elapsed_ms", stats.Elapsed.Milliseconds())
	return computeapi.PostLiveMigrationReply{PowerState: int(power), Stats: stats, Target: m.migrationTarget()}, nil
}

// rollbackLiveMigrationAtDestination removes what pre_live_migration made
// here (a cast), unless the guest is here after all.
func (m *Manager) rollbackLiveMigrationAtDestination(ctx context.Context, a computeapi.LiveMigrationArgs) (Empty, error) {
	lm, err := m.migrator()
	if err != nil {
		return Empty{}, nil
	}
	if _, err := m.driver.Info(ctx, a.Instance.UUID); fault.KindOf(err) != fault.NotFound {
		m.log.WarnContext(ctx, "compute: a rolled-back migration's guest is defined here; leaving it", "instance", a.Instance.UUID, "error", err)
		return Empty{}, nil
	}
	if err := lm.CleanupAfterLiveMigration(ctx, a.Instance.UUID); err != nil {
		m.log.WarnContext(ctx, "compute: could not clean up after a failed incoming migration", "instance", a.Instance.UUID, "error", err)
	}
	return Empty{}, nil
}

// liveMigrationAbort serves live_migration_abort (a cast): the libvirt
// job is cancelled, or, before it started, it never starts.
func (m *Manager) liveMigrationAbort(ctx context.Context, a computeapi.MigrationJobArgs) (Empty, error) {
	j := m.live.jobs.get(a.Instance.UUID, a.MigrationID)
	if j == nil {
		m.log.InfoContext(ctx, "compute: no live migration to abort", "instance", a.Instance.UUID, "migration", a.MigrationID)
		return Empty{}, nil
	}
	j.mu.Lock()
	j.aborted = true
	running := j.running
	j.mu.Unlock()
	if running {
		lm, err := m.migrator()
		if err == nil {
			err = lm.AbortLiveMigration(ctx, a.Instance.UUID)
		}
		if err != nil {
			m.log.WarnContext(ctx, "compute: could not abort a live migration", "instance", a.Instance.UUID, "error", err)
		}
	}
	m.log.InfoContext(ctx, "compute: live migration abort requested", "instance", a.Instance.UUID, "migration", a.MigrationID, "running", running)
	return Empty{}, nil
}

// liveMigrationForceComplete serves live_migration_force_complete (a
// cast): the source guest is paused so the copy converges.
func (m *Manager) liveMigrationForceComplete(ctx context.Context, a computeapi.MigrationJobArgs) (Empty, error) {
	j := m.live.jobs.get(a.Instance.UUID, a.MigrationID)
	if j == nil {
		return Empty{}, nil
	}
	if running, _ := j.state(); !running {
		return Empty{}, nil
	}
	lm, err := m.migrator()
	if err == nil {
		err = lm.ForceCompleteLiveMigration(ctx, a.Instance.UUID)
	}
	if err != nil {
		m.log.WarnContext(ctx, "compute: could not force a live migration to complete", "instance", a.Instance.UUID, "error", err)
	}
	return Empty{}, nil
}
