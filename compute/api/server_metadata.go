package api

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// metadataStates are the vm states in which nova lets metadata change.
var metadataStates = []string{objects.VMActive, objects.VMPaused, objects.VMSuspended, objects.VMStopped,
	objects.VMRescued, objects.VMResized, objects.VMShelved, objects.VMShelvedOffloaded}

func (a *API) metadataTarget(w http.ResponseWriter, r *http.Request, rule string, change bool) (caller, objects.Instance, bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return c, objects.Instance{}, false
	}
	in, err := a.instanceFor(r, c, rule)
	if err != nil {
		writeErr(w, r, err)
		return c, in, false
	}
	if change {
		if err := a.checkLocked(c, in); err != nil {
			writeErr(w, r, err)
			return c, in, false
		}
		if !slices.Contains(metadataStates, in.VMState) {
			writeErr(w, r, fault.New(fault.Conflict, "Cannot 'update metadata' instance %s while it is in vm_state %s", in.UUID, in.VMState))
			return c, in, false
		}
	}
	return c, in, true
}

// listMetadata is api-ref "List All Metadata".
func (a *API) listMetadata(w http.ResponseWriter, r *http.Request) {
	_, in, ok := a.metadataTarget(w, r, "os_compute_api:server-metadata:index", false)
	if ok {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": orEmpty(in.Metadata)})
	}
}

// updateMetadata is api-ref "Create or Update Metadata Items".
func (a *API) updateMetadata(w http.ResponseWriter, r *http.Request) {
	a.writeMetadata(w, r, "os_compute_api:server-metadata:create", false)
}

// replaceMetadata is api-ref "Replace Metadata Items".
func (a *API) replaceMetadata(w http.ResponseWriter, r *http.Request) {
	a.writeMetadata(w, r, "os_compute_api:server-metadata:update_all", true)
}

func (a *API) writeMetadata(w http.ResponseWriter, r *http.Request, rule string, replace bool) {
	c, in, ok := a.metadataTarget(w, r, rule, true)
	if !ok {
		return
	}
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := top.only("body", "metadata"); err != nil {
		writeErr(w, r, err)
		return
	}
	if !top.has("metadata") {
		writeErr(w, r, badField("body", map[string]any(top), "'metadata' is a required property"))
		return
	}
	items, err := stringMap("metadata", top["metadata"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkMetadataQuota(r, c, in, items, replace); err != nil {
		writeErr(w, r, err)
		return
	}
	md, err := a.store.SetMetadataItems(r.Context(), in.UUID, items, replace)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": md})
}

func (a *API) checkMetadataQuota(r *http.Request, c caller, in objects.Instance, items map[string]string, replace bool) error {
	n := len(items)
	if !replace {
		for k := range in.Metadata {
			if _, ok := items[k]; !ok {
				n++
			}
		}
	}
	if l := a.limitFor(r, in.ProjectID, "metadata_items"); l >= 0 && n > l {
		return fault.New(fault.OverLimit, "Quota exceeded for metadata_items: Requested %d, but already used 0 of %d metadata_items", n, l)
	}
	return nil
}

// showMetadataItem is api-ref "Show Metadata Item Details".
func (a *API) showMetadataItem(w http.ResponseWriter, r *http.Request) {
	_, in, ok := a.metadataTarget(w, r, "os_compute_api:server-metadata:show", false)
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	v, found := in.Metadata[key]
	if !found {
		writeErr(w, r, fault.New(fault.NotFound, "Metadata item was not found"))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": map[string]string{key: v}})
}

// setMetadataItem is api-ref "Create Or Update Metadata Item".
func (a *API) setMetadataItem(w http.ResponseWriter, r *http.Request) {
	c, in, ok := a.metadataTarget(w, r, "os_compute_api:server-metadata:update", true)
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := top.only("body", "meta"); err != nil {
		writeErr(w, r, err)
		return
	}
	if !top.has("meta") {
		writeErr(w, r, badField("body", map[string]any(top), "'meta' is a required property"))
		return
	}
	items, err := stringMap("meta", top["meta"])
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(items) > 1 {
		writeErr(w, r, invalid("Request body contains too many items"))
		return
	}
	if _, ok := items[key]; !ok {
		writeErr(w, r, invalid("Request body and URI mismatch"))
		return
	}
	if err := a.checkMetadataQuota(r, c, in, items, false); err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.SetMetadataItems(r.Context(), in.UUID, items, false); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": items})
}

// deleteMetadataItem is api-ref "Delete Metadata Item".
func (a *API) deleteMetadataItem(w http.ResponseWriter, r *http.Request) {
	_, in, ok := a.metadataTarget(w, r, "os_compute_api:server-metadata:delete", true)
	if !ok {
		return
	}
	if err := a.store.DeleteMetadataItem(r.Context(), in.UUID, chi.URLParam(r, "key")); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
