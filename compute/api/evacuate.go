package api

import (
	"net/http"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// evacuate is api-ref "Evacuate Server (evacuate Action)": rebuild the
// server on another host because its own is down (forced down, or no
// heartbeat within service_down_time). Its disks are on shared RBD
// storage, so before 2.14 onSharedStorage must say so; the guest is
// rebuilt from the same disks, never re-cloned.
func (a *API) evacuate(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	in, err := a.instanceFor(r, c, "os_compute_api:os-evacuate")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField("evacuate", arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	allowed := []string{"host", "adminPass"}
	if !atLeast(r, 14) {
		allowed = append(allowed, "onSharedStorage")
	}
	if atLeast(r, 29) && !atLeast(r, 68) {
		allowed = append(allowed, "force")
	}
	if err := b.only("evacuate", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	host, _, err := b.str("host", false, false, 1, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	pass, _, err := b.str("adminPass", false, false, 0, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 14) {
		if !b.has("onSharedStorage") {
			writeErr(w, r, badField("evacuate", arg, "'onSharedStorage' is a required property"))
			return
		}
		shared, err := parseBool("onSharedStorage", b["onSharedStorage"])
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if shared && pass != "" {
			writeErr(w, r, invalid("admin password can't be changed on existing disk"))
			return
		}
		if !shared {
			writeErr(w, r, invalid("Invalid state of instance files on shared storage: the disks of instance %s are on shared RBD storage; evacuate with onSharedStorage true.", in.UUID))
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
	// Before 2.29 a named host is used as it is, without the scheduler.
	force = force || (host != "" && !atLeast(r, 29))
	lc, err := a.liveConductor()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if host != "" {
		if err := a.moveTargetHost(r, in, host, fault.NotFound); err != nil {
			if fault.KindOf(err) == fault.Invalid {
				err = invalid("The target host can't be the same one.")
			}
			writeErr(w, r, err)
			return
		}
	}
	if in.Host != "" && a.computeUp(r, in.Host) {
		writeErr(w, r, invalid("Compute service of %s is still in use.", in.Host))
		return
	}
	in, err = a.transition(r, c, in, "evacuate", actionEvacuate, evacuableStates, []string{""}, objects.TaskRebuilding)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	mig, err := a.store.CreateMigration(r.Context(), objects.Migration{InstanceUUID: in.UUID, SourceCompute: in.Host,
		SourceNode: in.Node, DestCompute: host, Status: objects.MigrationAccepted, MigrationType: objects.MigrationEvacuation,
		UserID: c.UserID, ProjectID: c.ProjectID})
	if err != nil {
		a.clearMoveTask(r, in)
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error {
		return lc.EvacuateServer(rpcCtx(r), conductorapi.EvacuateServer{Instance: in, Migration: mig, Host: host,
			Force: force, RequestID: requestID(r)})
	}); err != nil {
		a.failMoveRecord(r, mig)
		writeErr(w, r, err)
		return
	}
	if atLeast(r, 14) || !a.set.EnableInstancePassword {
		w.WriteHeader(http.StatusOK)
		return
	}
	if pass == "" {
		pass = randomString(12, "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"adminPass": pass})
}
