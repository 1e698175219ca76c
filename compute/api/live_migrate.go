package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
)

// LiveConductor is what the API asks of nova-conductor to move instances
// between hosts (conductorapi's client).
type LiveConductor interface {
	LiveMigrateInstance(ctx context.Context, m conductorapi.LiveMigrateInstance) error
	EvacuateServer(ctx context.Context, m conductorapi.EvacuateServer) error
}

var _ LiveConductor = (*conductorapi.Client)(nil)

// Instance actions of the moves, as nova records them.
const (
	actionLiveMigration = "live-migration"
	actionEvacuate      = "evacuate"
)

func (a *API) liveConductor() (LiveConductor, error) {
	lc, ok := a.conductor.(LiveConductor)
	if !ok {
		return nil, fault.New(fault.Unavailable, "This API cannot reach the conductor to move servers.")
	}
	return lc, nil
}

// moveTargetHost checks a destination host named by an admin: a nova-compute
// service must exist there (nova's ComputeHostNotFound) and it must not
// be the instance's own host.
func (a *API) moveTargetHost(r *http.Request, in objects.Instance, host string, notFound fault.Kind) error {
	svcs, err := a.computeServices(r.Context())
	if err != nil {
		return err
	}
	if _, ok := svcs[host]; !ok {
		return fault.New(notFound, "Compute host %s could not be found.", host)
	}
	if strings.EqualFold(host, in.Host) {
		return invalid("Unable to migrate instance (%s) to current host (%s).", in.UUID, in.Host)
	}
	return nil
}

// migrateLive is api-ref "Live-Migrate Server (os-migrateLive Action)".
// The instance's disks are on shared RBD storage: block_migration "auto"
// resolves to false and true is refused (nova's InvalidSharedStorage).
func (a *API) migrateLive(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	in, err := a.instanceFor(r, c, "os_compute_api:os-migrate-server:migrate_live")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("os-migrateLive", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	allowed := []string{"host", "block_migration"}
	if !atLeast(r, 25) {
		allowed = append(allowed, "disk_over_commit")
	}
	if atLeast(r, 30) && !atLeast(r, 68) {
		allowed = append(allowed, "force")
	}
	if err := b.only("os-migrateLive", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	if !b.has("host") {
		writeErr(w, r, badField("os-migrateLive", arg, "'host' is a required property"))
		return
	}
	host, _, err := b.str("host", true, true, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !b.has("block_migration") {
		writeErr(w, r, badField("os-migrateLive", arg, "'block_migration' is a required property"))
		return
	}
	block := false
	if v := b["block_migration"]; atLeast(r, 25) && v == "auto" {
		block = false // shared storage
	} else if block, err = parseBool("block_migration", v); err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 25) {
		if !b.has("disk_over_commit") {
			writeErr(w, r, badField("os-migrateLive", arg, "'disk_over_commit' is a required property"))
			return
		}
		if _, err := parseBool("disk_over_commit", b["disk_over_commit"]); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	force, _, err := b.boolField("force")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if force && host == "" {
		writeErr(w, r, invalid("Can't force to a non-provided destination"))
		return
	}
	// Before 2.30 a named host is used as it is, without the scheduler.
	force = force || (host != "" && !atLeast(r, 30))
	if block {
		writeErr(w, r, invalid("%s is not on local storage: Block migration can not be used with shared storage.", in.Host))
		return
	}
	lc, err := a.liveConductor()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if host != "" {
		if err := a.moveTargetHost(r, in, host, fault.Invalid); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if in.Host != "" && !a.computeUp(r, in.Host) {
		writeErr(w, r, invalid("Compute service of %s is unavailable at this time.", in.Host))
		return
	}
	in, err = a.transition(r, c, in, "os-migrateLive", actionLiveMigration,
		[]string{objects.VMActive, objects.VMPaused}, []string{""}, objects.TaskMigrating)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	mig, err := a.store.CreateMigration(r.Context(), objects.Migration{InstanceUUID: in.UUID, SourceCompute: in.Host,
		SourceNode: in.Node, DestCompute: host, Status: objects.MigrationAccepted, MigrationType: objects.MigrationLive,
		UserID: c.UserID, ProjectID: c.ProjectID})
	if err != nil {
		a.clearMoveTask(r, in)
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error {
		return lc.LiveMigrateInstance(rpcCtx(r), conductorapi.LiveMigrateInstance{Instance: in, Migration: mig, Host: host,
			Force: force, RequestID: requestID(r)})
	}); err != nil {
		a.failMoveRecord(r, mig)
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// computeUp reports whether the nova-compute of host is up (not forced down,
// heartbeat within service_down_time).
func (a *API) computeUp(r *http.Request, host string) bool {
	svcs, err := a.computeServices(r.Context())
	if err != nil {
		return false
	}
	svc, ok := svcs[host]
	return ok && isUp(a, svc)
}

func (a *API) clearMoveTask(r *http.Request, in objects.Instance) {
	none := ""
	if _, err := a.store.UpdateInstance(context.WithoutCancel(r.Context()), in.UUID, store.InstanceUpdate{TaskState: &none}); err != nil {
		a.log.ErrorContext(r.Context(), "cannot clear task state", "instance", in.UUID, "error", err.Error())
	}
}

func (a *API) failMoveRecord(r *http.Request, mig objects.Migration) {
	st := objects.MigrationError
	if _, err := a.store.UpdateMigration(context.WithoutCancel(r.Context()), mig.ID, store.MigrationUpdate{Status: &st}); err != nil {
		a.log.ErrorContext(r.Context(), "cannot error a migration", "migration", mig.UUID, "error", err.Error())
	}
}

// evacuableStates are the vm_states nova evacuates from.
var evacuableStates = []string{objects.VMActive, objects.VMStopped, objects.VMError}

// moveAction serves the server actions that move a server to another
// host: os-migrateLive, migrate and evacuate. It reports whether name was one.
func (a *API) moveAction(w http.ResponseWriter, r *http.Request, c caller, name string, arg any) bool {
	switch name {
	case "os-migrateLive":
		a.migrateLive(w, r, c, arg)
	case "migrate":
		a.migrateServer(w, r, c, arg)
	case "evacuate":
		a.evacuate(w, r, c, arg)
	default:
		return false
	}
	return true
}
