package api

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
)

// flavorView renders a flavor as "Show Flavor Details" does at the
// request's microversion.
func flavorView(r *http.Request, f objects.Flavor, detail bool) map[string]any {
	v := map[string]any{
		"id":    f.FlavorID,
		"name":  f.Name,
		"links": links(r, "flavors", f.FlavorID),
	}
	if atLeast(r, 55) {
		v["description"] = nullable(f.Description)
	}
	if !detail {
		return v
	}
	v["ram"] = f.MemoryMB
	v["disk"] = f.RootGB
	v["vcpus"] = f.VCPUs
	v["OS-FLV-DISABLED:disabled"] = f.Disabled
	v["OS-FLV-EXT-DATA:ephemeral"] = f.EphemeralGB
	v["os-flavor-access:is_public"] = f.IsPublic
	v["rxtx_factor"] = f.RXTXFactor
	if f.Swap == 0 && !atLeast(r, 75) { // 0 from 2.75
		v["swap"] = ""
	} else {
		v["swap"] = f.Swap
	}
	return v
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// flavorFor loads a flavor the caller may see: a private flavor is 404
// for projects without access, as nova's scoped query.
func (a *API) flavorFor(r *http.Request, c caller, id string) (objects.Flavor, error) {
	f, err := a.store.GetFlavor(r.Context(), id)
	if err != nil {
		return f, err
	}
	if !f.IsPublic && !c.IsAdmin {
		ok, err := a.store.HasFlavorAccess(r.Context(), f, c.ProjectID)
		if err != nil {
			return f, err
		}
		if !ok {
			return objects.Flavor{}, store.FlavorNotFound(id)
		}
	}
	return f, nil
}

// listFlavors is api-ref "List Flavors".
func (a *API) listFlavors(w http.ResponseWriter, r *http.Request) { a.flavorList(w, r, false) }

// listFlavorsDetail is api-ref "List Flavors With Details".
func (a *API) listFlavorsDetail(w http.ResponseWriter, r *http.Request) { a.flavorList(w, r, true) }

func (a *API) flavorList(w http.ResponseWriter, r *http.Request, detail bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	q := httpapi.QueryOf(r)
	flt := store.FlavorFilter{ProjectID: c.ProjectID, SortKey: "flavorid", SortDir: "asc"}
	t := true
	flt.IsPublic = &t
	if c.IsAdmin {
		if raw, ok := r.URL.Query()["is_public"]; ok && len(raw) > 0 {
			switch v := raw[len(raw)-1]; {
			case v == "None" || v == "none":
				flt.IsPublic = nil
			default:
				b, err := strconv.ParseBool(v)
				if err != nil {
					if bb, e2 := parseBool("is_public", v); e2 == nil {
						b = bb
					} else {
						writeErr(w, r, invalid("Invalid is_public filter [%s]", v))
						return
					}
				}
				flt.IsPublic = &b
			}
		}
	} else {
		flt.OnlyEnabled = true
	}
	if v := q.Get("minRam"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErr(w, r, invalid("Invalid minRam filter [%s]", v))
			return
		}
		flt.MinRAM = n
	}
	if v := q.Get("minDisk"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeErr(w, r, invalid("Invalid minDisk filter [%s]", v))
			return
		}
		flt.MinDisk = n
	}
	if v := q.Get("sort_key"); v != "" {
		if _, ok := store.FlavorSortKeys[v]; !ok {
			writeErr(w, r, invalid("Invalid sort key %s", v))
			return
		}
		flt.SortKey = v
	}
	if v := q.Get("sort_dir"); v != "" {
		if v != "asc" && v != "desc" {
			writeErr(w, r, invalid("Invalid sort direction %s", v))
			return
		}
		flt.SortDir = v
	}
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit, DefaultSortKey: "flavorid", DefaultSortDir: "asc"})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	flt.Limit, flt.Marker = p.Limit, p.Marker
	list, err := a.store.ListFlavors(r.Context(), flt)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, f := range list {
		out[i] = flavorView(r, f, detail)
		if detail && atLeast(r, 61) {
			out[i]["extra_specs"] = orEmptySpecs(f.ExtraSpecs)
		}
	}
	resp := map[string]any{"flavors": out}
	if len(list) > 0 {
		if l := nextLinks(r, p, len(list), list[len(list)-1].FlavorID); l != nil {
			resp["flavors_links"] = l
		}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

// showFlavor is api-ref "Show Flavor Details".
func (a *API) showFlavor(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	f, err := a.flavorFor(r, c, chi.URLParam(r, "flavor_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := flavorView(r, f, true)
	// From 2.61 the flavor carries its extra specs, for callers the
	// extra-specs index rule lets read them (nova's soft check).
	if atLeast(r, 61) && a.can(c, "os_compute_api:os-flavor-extra-specs:index", nil) == nil {
		v["extra_specs"] = orEmptySpecs(f.ExtraSpecs)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"flavor": v})
}

// orEmptySpecs is specs, or an empty object for none (never null).
func orEmptySpecs(specs map[string]string) map[string]string {
	if specs == nil {
		return map[string]string{}
	}
	return specs
}

var flavorIDPattern = regexp.MustCompile(`^(?:[a-zA-Z0-9. _-]*[a-zA-Z0-9._-])?$`)

// createFlavor is api-ref "Create Flavor".
func (a *API) createFlavor(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-manage:create", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "flavor")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	f, err := parseFlavor(r, b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	f, err = a.store.CreateFlavor(r.Context(), f)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := flavorView(r, f, true)
	if atLeast(r, 61) {
		v["extra_specs"] = map[string]string{}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"flavor": v})
}

func parseFlavor(r *http.Request, b body) (objects.Flavor, error) {
	allowed := []string{"name", "id", "ram", "vcpus", "disk", "OS-FLV-EXT-DATA:ephemeral", "swap", "rxtx_factor", "os-flavor-access:is_public"}
	if atLeast(r, 55) {
		allowed = append(allowed, "description")
	}
	if err := b.only("flavor", allowed...); err != nil {
		return objects.Flavor{}, err
	}
	var f objects.Flavor
	var err error
	if f.Name, _, err = b.str("name", true, false, 1, 255); err != nil {
		return f, err
	}
	if err := nameOK("name", f.Name); err != nil {
		return f, err
	}
	if n, ok := b["id"].(interface{ String() string }); ok {
		b["id"] = n.String() // nova's flavor id may be a JSON number
	}
	id, has, err := b.str("id", false, true, 1, 255)
	if err != nil {
		return f, err
	}
	if has {
		if !flavorIDPattern.MatchString(id) || id[0] == ' ' {
			return f, badField("id", id, "%s does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'", repr(id))
		}
		f.FlavorID = id
	} else {
		f.FlavorID = uuid.NewString()
	}
	const maxInt = 2147483647
	n, _, err := b.intField("ram", true, 1, maxInt, true)
	if err != nil {
		return f, err
	}
	f.MemoryMB = int(n)
	if n, _, err = b.intField("vcpus", true, 1, maxInt, true); err != nil {
		return f, err
	}
	f.VCPUs = int(n)
	if n, _, err = b.intField("disk", true, 0, maxInt, true); err != nil {
		return f, err
	}
	f.RootGB = int(n)
	if n, _, err = b.intField("OS-FLV-EXT-DATA:ephemeral", false, 0, maxInt, true); err != nil {
		return f, err
	}
	f.EphemeralGB = int(n)
	if v, ok := b["swap"]; ok && v != "" {
		if n, _, err = b.intField("swap", false, 0, maxInt, true); err != nil {
			return f, err
		}
		f.Swap = int(n)
	}
	f.RXTXFactor = 1
	if x, ok, err := b.number("rxtx_factor", 0, 3.40282e38); err != nil {
		return f, err
	} else if ok {
		f.RXTXFactor = x
	}
	f.IsPublic = true
	if v, ok, err := b.boolField("os-flavor-access:is_public"); err != nil {
		return f, err
	} else if ok {
		f.IsPublic = v
	}
	if d, _, err := b.str("description", false, true, 0, 65535); err != nil {
		return f, err
	} else {
		f.Description = d
	}
	return f, nil
}

// updateFlavor is api-ref "Update Flavor Description" (2.55).
func (a *API) updateFlavor(w http.ResponseWriter, r *http.Request) {
	if !atLeast(r, 55) {
		writeErr(w, r, fault.New(fault.NotAllowed, "The method PUT is not allowed for this resource."))
		return
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-manage:update", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "flavor")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := b.only("flavor", "description"); err != nil {
		writeErr(w, r, err)
		return
	}
	if !b.has("description") {
		writeErr(w, r, badField("flavor", map[string]any(b), "'description' is a required property"))
		return
	}
	d, has, err := b.str("description", true, true, 0, 65535)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var desc *string
	if has {
		desc = &d
	}
	f, err := a.store.UpdateFlavorDescription(r.Context(), chi.URLParam(r, "flavor_id"), desc)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	v := flavorView(r, f, true)
	if atLeast(r, 61) {
		v["extra_specs"] = orEmptySpecs(f.ExtraSpecs)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"flavor": v})
}

// deleteFlavor is api-ref "Delete Flavor".
func (a *API) deleteFlavor(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-flavor-manage:delete", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.store.DeleteFlavor(r.Context(), chi.URLParam(r, "flavor_id")); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
