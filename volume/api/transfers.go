package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/volume/store"
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func transferHash(salt, key string) string {
	sum := sha256.Sum256([]byte(salt + key))
	return hex.EncodeToString(sum[:])
}

func transferView(r *http.Request, t store.Transfer, detail bool) map[string]any {
	m := map[string]any{"id": t.ID, "name": t.Name, "volume_id": t.VolumeID,
		"links": links(r, t.ProjectID, "os-volume-transfer", t.ID)}
	if detail {
		m["created_at"] = timefmt.Naive(t.CreatedAt)
	}
	return m
}

// createTransfer is POST /os-volume-transfer: offer an available volume
// to another project; the answer carries the auth_key, shown only here.
func (a *API) createTransfer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req struct {
		VolumeID *string `json:"volume_id"`
		Name     *string `json:"name"`
	}
	if err := decode(r, "transfer", &req); err != nil {
		fail(w, r, err)
		return
	}
	if req.VolumeID == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute transfer. Value: %s. 'volume_id' is a required property", short(string(mustJSON(req)))))
		return
	}
	if !store.IsUUID(*req.VolumeID) {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute volume_id. Value: %s. '%s' is not a 'uuid'", short(*req.VolumeID), short(*req.VolumeID)))
		return
	}
	if err := checkString("name", req.Name, 255); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, *req.VolumeID)
	if err == nil {
		err = a.authorize(c, "volume:create_transfer", v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	key, salt := randomHex(8), randomHex(8)
	t := store.Transfer{ID: uuid.NewString(), VolumeID: v.ID, ProjectID: v.ProjectID, Name: req.Name,
		Salt: salt, CryptHash: transferHash(salt, key)}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		st := "awaiting-transfer"
		if _, err := tx.UpdateVolume(ctx, v.ID, []string{"available"}, store.VolumeUpdate{Status: &st}); err != nil {
			return fault.New(fault.Invalid, "Invalid volume: status must be available")
		}
		if n, err := tx.CountSnapshots(ctx, v.ID); err != nil {
			return err
		} else if n > 0 {
			return fault.New(fault.Invalid, "Invalid volume: Volume %s has snapshots; they cannot be transferred at this microversion.", v.ID)
		}
		created, err := tx.CreateTransfer(ctx, t)
		t = created
		return err
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	out := transferView(r, t, true)
	out["auth_key"] = key
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"transfer": out})
}

// listTransfers is GET /os-volume-transfer[/detail].
func (a *API) listTransfers(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume:get_all_transfers", ""); err != nil {
		fail(w, r, err)
		return
	}
	project := c.project()
	if all, _ := boolParam(httpapi.QueryOf(r).Get("all_tenants")); all && c.isAdmin() {
		project = ""
	}
	ts, err := a.db.ListTransfers(r.Context(), project)
	if err != nil {
		fail(w, r, err)
		return
	}
	detail := len(r.URL.Path) >= 7 && r.URL.Path[len(r.URL.Path)-7:] == "/detail"
	items := []map[string]any{}
	for _, t := range ts {
		items = append(items, transferView(r, t, detail))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"transfers": items})
}

func (a *API) transferFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.Transfer, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.Transfer{}, false
	}
	id := chi.URLParam(r, "id")
	t, err := a.db.GetTransfer(r.Context(), id)
	if err == nil && t.ProjectID != c.project() && !c.isAdmin() {
		err = store.TransferNotFound(id)
	}
	if err == nil {
		err = a.authorize(c, rule, t.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return c, t, false
	}
	return c, t, true
}

// showTransfer is GET /os-volume-transfer/{id}.
func (a *API) showTransfer(w http.ResponseWriter, r *http.Request) {
	if _, t, ok := a.transferFor(w, r, "volume:get_transfer"); ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"transfer": transferView(r, t, true)})
	}
}

// deleteTransfer is DELETE /os-volume-transfer/{id}: the volume is
// available again.
func (a *API) deleteTransfer(w http.ResponseWriter, r *http.Request) {
	_, t, ok := a.transferFor(w, r, "volume:delete_transfer")
	if !ok {
		return
	}
	ctx := r.Context()
	err := a.db.InTx(ctx, func(tx *store.Store) error {
		st := "available"
		if _, err := tx.UpdateVolume(ctx, t.VolumeID, []string{"awaiting-transfer"}, store.VolumeUpdate{Status: &st}); err != nil && fault.KindOf(err) != fault.Invalid {
			return err
		}
		return tx.DeleteTransfer(ctx, t.ID)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// acceptTransfer is POST /os-volume-transfer/{id}/accept: with the
// auth_key, another project takes the volume, within its quota.
func (a *API) acceptTransfer(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	var req struct {
		AuthKey *string `json:"auth_key"`
	}
	if err := decode(r, "accept", &req); err != nil {
		fail(w, r, err)
		return
	}
	if req.AuthKey == nil {
		fail(w, r, fault.New(fault.Invalid, "Invalid input for field/attribute accept. Value: {}. 'auth_key' is a required property"))
		return
	}
	if err := a.authorize(c, "volume:accept_transfer", ""); err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	id := chi.URLParam(r, "id")
	t, err := a.db.GetTransfer(ctx, id)
	if err != nil {
		fail(w, r, err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(transferHash(t.Salt, *req.AuthKey)), []byte(t.CryptHash)) != 1 {
		fail(w, r, fault.New(fault.Invalid, "Invalid auth key: Attempt to transfer %s with invalid auth key.", id))
		return
	}
	v, err := a.db.GetVolume(ctx, t.VolumeID)
	if err != nil {
		fail(w, r, err)
		return
	}
	err = a.db.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockProject(ctx, c.project()); err != nil {
			return err
		}
		if err := a.checkQuota(ctx, tx, c.project(), v.TypeName, 1, 0, v.Size); err != nil {
			return err
		}
		if err := tx.MoveVolume(ctx, v.ID, c.project(), c.user()); err != nil {
			return err
		}
		return tx.DeleteTransfer(ctx, t.ID)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	t.ProjectID = c.project()
	httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]any{"transfer": transferView(r, t, false)})
}
