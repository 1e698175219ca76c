package api

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/identity/schema"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Regions, services and endpoints (api-ref identity "Service catalog and
// endpoints").

func (a *API) catalogRoutes(r chi.Router) {
	r.Get("/regions", a.protect("identity:list_regions", nil, a.listRegions))
	r.Post("/regions", a.protect("identity:create_region", nil, a.createRegion))
	r.Put("/regions/{id}", a.protect("identity:create_region", nil, a.createRegion))
	r.Get("/regions/{id}", a.protect("identity:get_region", nil, a.getRegion))
	r.Patch("/regions/{id}", a.protect("identity:update_region", nil, a.updateRegion))
	r.Delete("/regions/{id}", a.protect("identity:delete_region", nil, a.deleteRegion))
	r.Get("/services", a.protect("identity:list_services", nil, a.listServices))
	r.Post("/services", a.protect("identity:create_service", nil, a.createService))
	r.Get("/services/{id}", a.protect("identity:get_service", nil, a.getService))
	r.Patch("/services/{id}", a.protect("identity:update_service", nil, a.updateService))
	r.Delete("/services/{id}", a.protect("identity:delete_service", nil, a.deleteService))
	r.Get("/endpoints", a.protect("identity:list_endpoints", nil, a.listEndpoints))
	r.Post("/endpoints", a.protect("identity:create_endpoint", nil, a.createEndpoint))
	r.Get("/endpoints/{id}", a.protect("identity:get_endpoint", nil, a.getEndpoint))
	r.Patch("/endpoints/{id}", a.protect("identity:update_endpoint", nil, a.updateEndpoint))
	r.Delete("/endpoints/{id}", a.protect("identity:delete_endpoint", nil, a.deleteEndpoint))
}

func regionView(r *http.Request, rg store.Region) map[string]any {
	return withExtra(rg.Extra, map[string]any{"id": rg.ID, "description": rg.Description,
		"parent_region_id": nullStr(rg.ParentRegionID), "links": selfLinks(r, "regions/"+rg.ID)})
}

func serviceView(r *http.Request, s store.Service) map[string]any {
	return withExtra(s.Extra, map[string]any{"id": s.ID, "type": s.Type, "name": s.Name, "enabled": s.Enabled,
		"links": selfLinks(r, "services/"+s.ID)})
}

func endpointView(r *http.Request, e store.Endpoint) map[string]any {
	return withExtra(e.Extra, map[string]any{"id": e.ID, "service_id": e.ServiceID, "interface": e.Interface,
		"region_id": nullStr(e.RegionID), "region": nullStr(e.RegionID), "url": e.URL, "enabled": e.Enabled,
		"links": selfLinks(r, "endpoints/"+e.ID)})
}

func (a *API) listRegions(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	rs, err := a.store.ListRegions(r.Context(), httpapi.QueryOf(r).Get("parent_region_id"))
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(rs))
	for i, rg := range rs {
		out[i] = regionView(r, rg)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"regions": out, "links": listLinks(r)})
	return nil
}

// createRegion is POST /v3/regions and PUT /v3/regions/{id}: 201.
func (a *API) createRegion(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "region", schema.RegionCreate)
	if err != nil {
		return err
	}
	rg := store.Region{ID: f.str("id"), Description: f.str("description"), ParentRegionID: f.str("parent_region_id"),
		Extra: f.extra("id", "description", "parent_region_id")}
	if id := chi.URLParam(r, "id"); id != "" {
		rg.ID = id
	}
	if rg, err = a.store.CreateRegion(r.Context(), rg); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"region": regionView(r, rg)})
	return nil
}

func (a *API) getRegion(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	rg, err := a.store.GetRegion(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"region": regionView(r, rg)})
	return nil
}

func (a *API) updateRegion(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "region", schema.RegionUpdate)
	if err != nil {
		return err
	}
	rg, err := a.store.UpdateRegion(r.Context(), chi.URLParam(r, "id"), f.strp("description"), f.strp("parent_region_id"),
		f.extra("id", "description", "parent_region_id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"region": regionView(r, rg)})
	return nil
}

func (a *API) deleteRegion(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteRegion(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listServices is GET /v3/services, filtered by type and name.
func (a *API) listServices(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	ss, err := a.store.ListServices(r.Context(), store.ServiceFilter{Type: q.Get("type"), Name: q.Get("name")})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(ss))
	for i, s := range ss {
		out[i] = serviceView(r, s)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"services": out, "links": listLinks(r)})
	return nil
}

func (a *API) createService(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "service", schema.ServiceCreate)
	if err != nil {
		return err
	}
	s := store.Service{Type: f.str("type"), Name: f.str("name"), Enabled: f.boolOr("enabled", true), Extra: f.extra("id", "type", "name", "enabled")}
	if s, err = a.store.CreateService(r.Context(), s); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"service": serviceView(r, s)})
	return nil
}

func (a *API) getService(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	s, err := a.store.GetService(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"service": serviceView(r, s)})
	return nil
}

func (a *API) updateService(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "service", schema.ServiceUpdate)
	if err != nil {
		return err
	}
	s, err := a.store.UpdateService(r.Context(), chi.URLParam(r, "id"), f.strp("type"), f.strp("name"), f.boolp("enabled"),
		f.extra("id", "type", "name", "enabled"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"service": serviceView(r, s)})
	return nil
}

func (a *API) deleteService(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteService(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listEndpoints is GET /v3/endpoints, filtered by interface, service_id
// and region_id.
func (a *API) listEndpoints(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	q := httpapi.QueryOf(r)
	es, err := a.store.ListEndpoints(r.Context(), store.EndpointFilter{ServiceID: q.Get("service_id"), Interface: q.Get("interface"), RegionID: q.Get("region_id")})
	if err != nil {
		return err
	}
	out := make([]map[string]any, len(es))
	for i, e := range es {
		out[i] = endpointView(r, e)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoints": out, "links": listLinks(r)})
	return nil
}

var endpointKnown = []string{"id", "service_id", "interface", "region_id", "region", "url", "enabled"}

func (a *API) createEndpoint(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "endpoint", schema.EndpointCreate)
	if err != nil {
		return err
	}
	e := store.Endpoint{ServiceID: f.str("service_id"), Interface: f.str("interface"), RegionID: f.str("region_id"), URL: f.str("url"),
		Enabled: f.boolOr("enabled", true), Extra: f.extra(endpointKnown...)}
	if e.RegionID == "" {
		e.RegionID = f.str("region")
		if err := a.ensureLegacyRegion(r, f); err != nil {
			return err
		}
	}
	if e, err = a.store.CreateEndpoint(r.Context(), e); err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusCreated, map[string]any{"endpoint": endpointView(r, e)})
	return nil
}

// ensureLegacyRegion creates the region an endpoint names with the v2
// style "region" key (and no "region_id") when it does not exist, as
// keystone's _validate_endpoint_region does for clients that still send
// it; a region_id must name an existing region.
func (a *API) ensureLegacyRegion(r *http.Request, f fields) error {
	if v, ok := f["region_id"]; ok && v != nil {
		return nil
	}
	id := f.str("region")
	if id == "" {
		return nil
	}
	_, err := a.store.GetRegion(r.Context(), id)
	if !errors.Is(err, fault.Of(fault.NotFound)) {
		return err
	}
	_, err = a.store.CreateRegion(r.Context(), store.Region{ID: id})
	if errors.Is(err, fault.Of(fault.Conflict)) {
		return nil // created meanwhile by another request
	}
	return err
}

func (a *API) getEndpoint(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	e, err := a.store.GetEndpoint(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoint": endpointView(r, e)})
	return nil
}

func (a *API) updateEndpoint(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	f, err := decodeMember(r, "endpoint", schema.EndpointUpdate)
	if err != nil {
		return err
	}
	p := store.EndpointPatch{ServiceID: f.strp("service_id"), Interface: f.strp("interface"), RegionID: f.strp("region_id"),
		URL: f.strp("url"), Enabled: f.boolp("enabled"), Extra: f.extra(endpointKnown...)}
	if p.RegionID == nil {
		p.RegionID = f.strp("region")
		if err := a.ensureLegacyRegion(r, f); err != nil {
			return err
		}
	}
	e, err := a.store.UpdateEndpoint(r.Context(), chi.URLParam(r, "id"), p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"endpoint": endpointView(r, e)})
	return nil
}

func (a *API) deleteEndpoint(w http.ResponseWriter, r *http.Request, _ *tokenInfo) error {
	if err := a.store.DeleteEndpoint(r.Context(), chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
