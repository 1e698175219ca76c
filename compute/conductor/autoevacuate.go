package conductor

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/servicegroup"
)

// Automatic evacuation is an opt-in of ours: upstream nova leaves the
// recovery of a failed host's guests to external tools (masakari), and so
// do we unless [auto_evacuate] enabled. Only a host known to be dead is
// acted on, never one that merely stopped sending heartbeats (its guests
// may still run: two copies of one RBD disk would corrupt it): an operator
// forces its service down (`openstack compute service set --down`), or
// the fence_command hook fences it (powers it off through its BMC, say)
// and exits 0, which forces it down; only a host this conductor has seen
// up is fenced, never one already silent when it started. As masakari,
// only the servers with metadata HA_Enabled=True are evacuated unless
// evacuate_all_instances.
// Every nova-conductor looks: a server's evacuation starts once (its task
// state changes only from none), but each conductor may run the fence
// command, which must therefore be safe to run twice.
var (
	AutoEvacuateEnabled = config.Bool("auto_evacuate", "enabled", false,
		"Evacuate the servers of a compute host whose service is forced down (or fenced by fence_command) to other hosts.")
	AutoEvacuateAll = config.Bool("auto_evacuate", "evacuate_all_instances", false,
		"Evacuate every server of a failed host; when false only the servers with metadata HA_Enabled=True.")
	AutoEvacuateInterval = config.Seconds("auto_evacuate", "interval", 10*time.Second,
		"Seconds between looks for failed compute hosts.", config.Min(1))
	AutoEvacuateRetry = config.Seconds("auto_evacuate", "retry_interval", 5*time.Minute,
		"Seconds before a server whose evacuation failed (no host could take it) is tried again.", config.Min(1))
	AutoEvacuateFence = config.String("auto_evacuate", "fence_command", "",
		"Command run with a host name as its one argument when that host's nova-compute misses its heartbeats "+
			"(service_down_time); exit status 0 means the host is fenced: its service is forced down and its servers evacuated. "+
			"Empty: only hosts an operator forced down are evacuated.")
	AutoEvacuateDownTime = config.Seconds("DEFAULT", "service_down_time", 60*time.Second,
		"A service is down after this long without a heartbeat.")
)

// AutoEvacuateOpts are the options of automatic evacuation.
func AutoEvacuateOpts() []config.Option {
	return []config.Option{AutoEvacuateEnabled, AutoEvacuateAll, AutoEvacuateInterval, AutoEvacuateRetry, AutoEvacuateFence, AutoEvacuateDownTime}
}

// haMetadata is masakari's opt-in metadata key for one server.
const haMetadata = "HA_Enabled"

// AutoEvacuateSettings configure AutoEvacuate.
type AutoEvacuateSettings struct {
	All             bool
	Interval, Retry time.Duration
	FenceCommand    string
	ServiceDownTime time.Duration
}

// AutoEvacuateSettingsFrom reads the [auto_evacuate] options; ok is false
// when the feature is off.
func AutoEvacuateSettingsFrom(c *config.Config) (AutoEvacuateSettings, bool) {
	return AutoEvacuateSettings{All: AutoEvacuateAll.Get(c), Interval: AutoEvacuateInterval.Get(c), Retry: AutoEvacuateRetry.Get(c),
		FenceCommand: AutoEvacuateFence.Get(c), ServiceDownTime: AutoEvacuateDownTime.Get(c)}, AutoEvacuateEnabled.Get(c)
}

// autoEvacuator remembers when each server was last tried, which hosts
// it has seen up and which ones the fence command was run for.
type autoEvacuator struct {
	m      *Manager
	s      AutoEvacuateSettings
	tried  map[string]time.Time
	seenUp map[string]bool
	fenced map[string]bool
}

// AutoEvacuate looks for failed compute hosts every interval until ctx
// ends and evacuates their servers (see the options above).
func (m *Manager) AutoEvacuate(ctx context.Context, s AutoEvacuateSettings) {
	ae := &autoEvacuator{m: m, s: s, tried: map[string]time.Time{}, seenUp: map[string]bool{}, fenced: map[string]bool{}}
	m.log.InfoContext(ctx, "conductor: automatic evacuation on", "all_instances", s.All, "fence_command", s.FenceCommand != "",
		"interval", s.Interval)
	t := time.NewTicker(s.Interval)
	defer t.Stop()
	for {
		ae.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pass is one look at the compute services.
func (ae *autoEvacuator) pass(ctx context.Context) {
	svcs, err := ae.m.services.List(ctx, servicegroup.Filter{Binary: "nova-compute"})
	if err != nil {
		ae.m.log.WarnContext(ctx, "conductor: automatic evacuation cannot list the compute services", "error", err)
		return
	}
	now := time.Now()
	for _, svc := range svcs {
		if !svc.ForcedDown {
			if servicegroup.IsUp(svc, now, ae.s.ServiceDownTime) {
				ae.seenUp[svc.Host] = true
				delete(ae.fenced, svc.Host)
				continue
			}
			// Only a host seen up that then stopped reporting is fenced:
			// hosts that look down when the conductor starts (the whole
			// cloud restarting, heartbeats not in yet) are left alone.
			if !ae.seenUp[svc.Host] || !ae.fence(ctx, svc) {
				continue
			}
		}
		ae.evacuateHost(ctx, svc.Host)
	}
}

// fence runs the fence command for a host whose heartbeats stopped, once
// per failure, and forces its service down when it succeeds.
func (ae *autoEvacuator) fence(ctx context.Context, svc servicegroup.Service) bool {
	if ae.s.FenceCommand == "" || ae.fenced[svc.Host] {
		return false
	}
	ae.fenced[svc.Host] = true // one attempt per failure: an operator takes it from here
	args := strings.Fields(ae.s.FenceCommand)
	fctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(fctx, args[0], append(args[1:], svc.Host)...).CombinedOutput()
	if err != nil {
		ae.m.log.ErrorContext(ctx, "conductor: the fence command did not fence a host that stopped reporting; its servers stay",
			"host", svc.Host, "error", err, "output", strings.TrimSpace(string(out)))
		return false
	}
	if _, err := ae.m.services.SetForcedDown(ctx, svc.ID, true); err != nil {
		ae.m.log.ErrorContext(ctx, "conductor: cannot force a fenced host's service down", "host", svc.Host, "error", err)
		return false
	}
	ae.m.log.WarnContext(ctx, "conductor: host fenced and forced down", "host", svc.Host)
	return true
}

// evacuateHost starts the evacuation of each server of a failed host that
// may go (vm_state active, stopped or error, no task, opted in).
func (ae *autoEvacuator) evacuateHost(ctx context.Context, host string) {
	insts, err := ae.m.store.InstancesOnHost(ctx, host, "")
	if err != nil {
		ae.m.log.WarnContext(ctx, "conductor: automatic evacuation cannot list a host's servers", "host", host, "error", err)
		return
	}
	for _, in := range insts {
		if !ae.s.All && !strings.EqualFold(in.Metadata[haMetadata], "true") {
			continue
		}
		if in.TaskState != "" || !slices.Contains(autoEvacuable, in.VMState) {
			continue
		}
		if last, ok := ae.tried[in.UUID]; ok && time.Since(last) < ae.s.Retry {
			continue
		}
		ae.tried[in.UUID] = time.Now()
		if err := ae.m.autoEvacuate(ctx, in); err != nil {
			ae.m.log.WarnContext(ctx, "conductor: automatic evacuation not started", "instance", in.UUID, "host", host, "error", err)
		}
	}
}

// autoEvacuable are the vm_states nova evacuates from.
var autoEvacuable = []string{objects.VMActive, objects.VMStopped, objects.VMError}

// autoEvacuate does for one server what the evacuate action does: task
// rebuilding (only from no task: an evacuation asked for meanwhile wins),
// an "evacuate" action recorded for the server's own user and project, an
// evacuation migration, then the same evacuation as the API's.
func (m *Manager) autoEvacuate(ctx context.Context, in objects.Instance) error {
	task := objects.TaskRebuilding
	in, err := m.store.UpdateInstance(ctx, in.UUID, store.InstanceUpdate{TaskState: &task,
		ExpectedTaskState: []string{""}, ExpectedVMState: autoEvacuable})
	if err != nil {
		if fault.KindOf(err) == fault.Conflict {
			return nil // something else started meanwhile
		}
		return err
	}
	reqID := "req-" + uuid.NewString()
	if _, err := m.store.CreateAction(ctx, in.UUID, store.ActionStart{Action: "evacuate", RequestID: reqID,
		UserID: in.UserID, ProjectID: in.ProjectID}); err != nil {
		m.endMove(ctx, in, objects.Migration{}, "", "", nil)
		return err
	}
	mig, err := m.store.CreateMigration(ctx, objects.Migration{InstanceUUID: in.UUID, SourceCompute: in.Host,
		SourceNode: in.Node, Status: objects.MigrationAccepted, MigrationType: objects.MigrationEvacuation,
		UserID: in.UserID, ProjectID: in.ProjectID})
	if err != nil {
		m.endMove(ctx, in, objects.Migration{}, "", "", nil)
		return err
	}
	m.log.WarnContext(ctx, "conductor: evacuating a server of a failed host", "instance", in.UUID, "host", in.Host, "migration", mig.UUID)
	_, err = m.evacuateServer(ctx, conductorapi.EvacuateServer{Instance: in, Migration: mig, RequestID: reqID})
	return err
}
