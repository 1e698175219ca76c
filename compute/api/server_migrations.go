package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// LiveCompute is what the API asks of the source host of a live
// migration in progress (computeapi's client).
type LiveCompute interface {
	LiveMigrationAbort(ctx context.Context, inst objects.Instance, migrationID int64) error
	LiveMigrationForceComplete(ctx context.Context, inst objects.Instance, migrationID int64) error
}

// liveMigrationRoutes serves the control of live migrations in progress.
func (a *API) liveMigrationRoutes(r chi.Router) {
	r.Delete("/servers/{server_id}/migrations/{migration_id}", a.abortServerMigration)
	r.Post("/servers/{server_id}/migrations/{migration_id}/action", a.serverMigrationAction)
}

// liveMigrationOf loads the server and its live migration of the URL,
// checking rule and that the server is migrating.
func (a *API) liveMigrationOf(r *http.Request, c caller, rule, method string) (objects.Instance, objects.Migration, error) {
	in, err := a.instanceFor(r, c, rule)
	if err != nil {
		return in, objects.Migration{}, err
	}
	raw := chi.URLParam(r, "migration_id")
	id, perr := strconv.ParseInt(raw, 10, 64)
	if perr != nil {
		return in, objects.Migration{}, invalid("Invalid migration id %q: it must be an integer.", raw)
	}
	if err := a.checkLocked(c, in); err != nil {
		return in, objects.Migration{}, err
	}
	if !slices.Contains([]string{objects.VMActive, objects.VMPaused}, in.VMState) {
		return in, objects.Migration{}, invalidState(method, in, false)
	}
	if in.TaskState != objects.TaskMigrating {
		return in, objects.Migration{}, invalidState(method, in, true)
	}
	m, err := a.store.GetMigration(r.Context(), id)
	if fault.KindOf(err) == fault.NotFound || (err == nil && m.InstanceUUID != in.UUID) {
		return in, m, fault.New(fault.NotFound, "Migration %d for instance %s could not be found.", id, in.UUID)
	}
	if err != nil {
		return in, m, err
	}
	if m.MigrationType != objects.MigrationLive {
		return in, m, invalid("Migration %d of instance %s is a %s, not a live migration.", id, in.UUID, m.MigrationType)
	}
	return in, m, nil
}

func (a *API) liveCompute() (LiveCompute, error) {
	lc, ok := a.compute.(LiveCompute)
	if !ok {
		return nil, fault.New(fault.Unavailable, "This API cannot reach compute hosts to control a migration.")
	}
	return lc, nil
}

// abortServerMigration is api-ref "Delete (Abort) Migration" (2.24+): a
// running live migration is cancelled on its source host, and the guest
// stays there. A migration not yet running (queued, preparing) is
// cancelled before it starts, as from 2.65.
func (a *API) abortServerMigration(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 24) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	in, m, err := a.liveMigrationOf(r, c, "os_compute_api:servers:migrations:delete", "abort live migration")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	lc, err := a.liveCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	switch m.Status {
	case objects.MigrationRunning:
	case objects.MigrationPreparing, objects.MigrationQueued, objects.MigrationAccepted:
		if !atLeast(r, 65) {
			// Before 2.65 only a running migration can be aborted.
			writeErr(w, r, migrationState(m, "abort live migration"))
			return
		}
		if m.Status == objects.MigrationPreparing {
			break
		}
		// Not started on the source: it never will.
		st := objects.MigrationCancelled
		if _, err := a.store.UpdateMigration(r.Context(), m.ID, store.MigrationUpdate{Status: &st,
			ExpectedStatus: []string{objects.MigrationQueued, objects.MigrationAccepted}}); err == nil {
			break
		}
		m, _ = a.store.GetMigration(r.Context(), m.ID)
		if m.Status != objects.MigrationRunning && m.Status != objects.MigrationPreparing {
			writeErr(w, r, migrationState(m, "abort live migration"))
			return
		}
	default:
		writeErr(w, r, migrationState(m, "abort live migration"))
		return
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, "live_migration_abort")); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := lc.LiveMigrationAbort(rpcCtx(r), in, m.ID); err != nil {
		writeErr(w, r, fault.Wrap(err, fault.Unavailable, "The compute service of host %s is not reachable; try again later.", in.Host))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// migrationState is nova's InvalidMigrationState.
func migrationState(m objects.Migration, method string) error {
	return invalid("Migration %d state of instance %s is %s. Cannot %s while the migration is in this state.",
		m.ID, m.InstanceUUID, m.Status, method)
}

// serverMigrationAction is api-ref "Force Migration Complete Action
// (force_complete Action)" (2.22+): the source pauses the guest so the
// migration converges; the destination resumes it.
func (a *API) serverMigrationAction(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 22) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(top) != 1 || !top.has("force_complete") {
		writeErr(w, r, invalid("Invalid input for field/attribute force_complete. Value: %s. The only action is force_complete (null).", repr(map[string]any(top))))
		return
	}
	if top["force_complete"] != nil {
		writeErr(w, r, badField("force_complete", top["force_complete"], "%s is not of type 'null'", repr(top["force_complete"])))
		return
	}
	in, m, err := a.liveMigrationOf(r, c, "os_compute_api:servers:migrations:force_complete", "force complete")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if m.Status != objects.MigrationRunning {
		writeErr(w, r, migrationState(m, "force complete"))
		return
	}
	lc, err := a.liveCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.CreateAction(r.Context(), in.UUID, a.action(r, c, "live_migration_force_complete")); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := lc.LiveMigrationForceComplete(rpcCtx(r), in, m.ID); err != nil {
		writeErr(w, r, fault.Wrap(err, fault.Unavailable, "The compute service of host %s is not reachable; try again later.", in.Host))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
