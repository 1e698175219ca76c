package api

import (
	"net/http"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// actionMigrate is the instance action of a cold migration.
const actionMigrate = "migrate"

// migrateServer is api-ref "Migrate Server (migrate Action)": a cold
// migration, a resize to the same flavor on another host. The guest
// stops, is defined on the destination (its RBD disks stay where they
// are: nothing is copied) and started there: VERIFY_RESIZE, then
// confirmResize or revertResize. From 2.56 an admin may name the host;
// unlike a forced host the scheduler's filters still judge it. 202.
func (a *API) migrateServer(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	host := ""
	if atLeast(r, 56) { // below 2.56 nova validates no body and reads no host
		switch m := arg.(type) {
		case nil:
		case map[string]any:
			b := body(m)
			if err := b.only("migrate", "host"); err != nil {
				writeErr(w, r, err)
				return
			}
			if b["host"] != nil {
				h, _, err := b.str("host", true, true, 1, 255)
				if err != nil {
					writeErr(w, r, err)
					return
				}
				host = h
			}
		default:
			writeErr(w, r, badField("migrate", arg, "%s is not of type 'object', 'null'", repr(arg)))
			return
		}
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-migrate-server:migrate")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	mc, ok := a.conductor.(MoveConductor)
	if !ok {
		writeErr(w, r, fault.New(fault.Unavailable, "nova-api cannot reach the conductor for a migration."))
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("migrate", in, []string{objects.VMActive, objects.VMStopped}, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	if host != "" {
		if err := a.coldMigrationTarget(r, in, host); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if in.Host != "" && !a.computeUp(r, in.Host) {
		writeErr(w, r, invalid("Compute service of %s is unavailable at this time.", in.Host))
		return
	}
	// libvirt cannot cold-migrate a guest to its own host (nova's
	// COMPUTE_SAME_HOST_COLD_MIGRATE trait is not reported), whatever
	// allow_resize_to_same_host says.
	if err := a.startMove(r, c, mc, in, move{method: "migrate", action: actionMigrate, migrationType: objects.MigrationMigration,
		from: in.Flavor, to: in.Flavor, sysmeta: in.SystemMetadata, host: host}); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// coldMigrationTarget checks the host an admin named for a cold migration
// as nova's _validate_host_for_cold_migrate: not the server's own host
// (CannotMigrateToSameHost), a compute host that exists
// (ComputeHostNotFound); both 400.
func (a *API) coldMigrationTarget(r *http.Request, in objects.Instance, host string) error {
	if host == in.Host {
		return invalid("Cannot migrate to the host where the server exists.")
	}
	svcs, err := a.computeServices(r.Context())
	if err != nil {
		return err
	}
	if _, ok := svcs[host]; !ok {
		return invalid("Compute host %s could not be found.", host)
	}
	return nil
}
