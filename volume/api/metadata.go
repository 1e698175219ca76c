package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/volume/store"
)

// volumeMetadata is GET /volumes/{id}/metadata.
func (a *API) volumeMetadata(w http.ResponseWriter, r *http.Request) {
	c, v, ok := a.volumeFor(w, r, "volume:get_volume_metadata")
	if !ok {
		return
	}
	_ = c
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": v.Metadata})
}

func (a *API) volumeFor(w http.ResponseWriter, r *http.Request, rule string) (caller, store.Volume, bool) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return c, store.Volume{}, false
	}
	v, err := a.getVolume(r.Context(), c, chi.URLParam(r, "id"))
	if err == nil {
		err = a.authorize(c, rule, v.ProjectID)
	}
	if err != nil {
		fail(w, r, err)
		return c, v, false
	}
	return c, v, true
}

// setVolumeMetadata is POST (merge) and PUT (replace) /volumes/{id}/metadata.
func (a *API) setVolumeMetadata(replace bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rule := "volume:create_volume_metadata"
		if replace {
			rule = "volume:update_volume_metadata"
		}
		var md map[string]string
		if err := decode(r, "metadata", &md); err != nil {
			fail(w, r, err)
			return
		}
		if err := checkMetadata(md); err != nil {
			fail(w, r, err)
			return
		}
		_, v, ok := a.volumeFor(w, r, rule)
		if !ok {
			return
		}
		out := map[string]string{}
		if !replace {
			for k, val := range v.Metadata {
				out[k] = val
			}
		}
		for k, val := range md {
			out[k] = val
		}
		v, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{Metadata: out})
		if err != nil {
			fail(w, r, err)
			return
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": v.Metadata})
	}
}

// volumeMetadataKey is GET /volumes/{id}/metadata/{key}.
func (a *API) volumeMetadataKey(w http.ResponseWriter, r *http.Request) {
	_, v, ok := a.volumeFor(w, r, "volume:get_volume_metadata")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	val, found := v.Metadata[key]
	if !found {
		fail(w, r, fault.New(fault.NotFound, "Volume %s has no metadata with key %s.", v.ID, key))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": map[string]string{key: val}})
}

// putVolumeMetadataKey is PUT /volumes/{id}/metadata/{key}.
func (a *API) putVolumeMetadataKey(w http.ResponseWriter, r *http.Request) {
	var meta map[string]string
	if err := decode(r, "meta", &meta); err != nil {
		fail(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	if _, ok := meta[key]; !ok || len(meta) != 1 {
		fail(w, r, fault.New(fault.Invalid, "Request body and URI mismatch"))
		return
	}
	if err := checkMetadata(meta); err != nil {
		fail(w, r, err)
		return
	}
	_, v, ok := a.volumeFor(w, r, "volume:update_volume_metadata")
	if !ok {
		return
	}
	md := v.Metadata
	md[key] = meta[key]
	if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{Metadata: md}); err != nil {
		fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": meta})
}

// deleteVolumeMetadataKey is DELETE /volumes/{id}/metadata/{key}.
func (a *API) deleteVolumeMetadataKey(w http.ResponseWriter, r *http.Request) {
	_, v, ok := a.volumeFor(w, r, "volume:delete_volume_metadata")
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	if _, found := v.Metadata[key]; !found {
		fail(w, r, fault.New(fault.NotFound, "Volume %s has no metadata with key %s.", v.ID, key))
		return
	}
	delete(v.Metadata, key)
	if _, err := a.db.UpdateVolume(r.Context(), v.ID, nil, store.VolumeUpdate{Metadata: v.Metadata}); err != nil {
		fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}
