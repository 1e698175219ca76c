package api

import (
	"net/http"
	"sort"

	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
)

// zoneExists reports whether zone is the default zone or the zone of a
// nova-compute service.
func (a *API) zoneExists(r *http.Request, zone string) (bool, error) {
	if zone == a.set.DefaultAvailabilityZone {
		return true, nil
	}
	svcs, err := a.computeServices(r.Context())
	if err != nil {
		return false, err
	}
	for _, s := range svcs {
		if a.serviceZone(s) == zone {
			return true, nil
		}
	}
	return false, nil
}

// listZones is api-ref "Get Availability Zone Information".
func (a *API) listZones(w http.ResponseWriter, r *http.Request) { a.zones(w, r, false) }

// listZonesDetail is api-ref "Get Detailed Availability Zone Information".
func (a *API) listZonesDetail(w http.ResponseWriter, r *http.Request) { a.zones(w, r, true) }

func (a *API) zones(w http.ResponseWriter, r *http.Request, detail bool) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	rule := "os_compute_api:os-availability-zone:list"
	if detail {
		rule = "os_compute_api:os-availability-zone:detail"
	}
	if err := a.can(c, rule, nil); err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.services.List(r.Context(), servicegroup.Filter{})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	type zone struct {
		available bool
		hosts     map[string]map[string]any
	}
	zones := map[string]*zone{}
	for _, s := range list {
		name := a.serviceZone(s)
		if !detail && name == internalZone {
			continue
		}
		z := zones[name]
		if z == nil {
			z = &zone{hosts: map[string]map[string]any{}}
			zones[name] = z
		}
		up := isUp(a, s)
		if s.Binary == "nova-compute" && !s.Disabled && up {
			z.available = true
		}
		if name == internalZone {
			z.available = true
		}
		if z.hosts[s.Host] == nil {
			z.hosts[s.Host] = map[string]any{}
		}
		var updated *string
		if !s.UpdatedAt.IsZero() {
			x := timefmt.Naive(s.UpdatedAt)
			updated = &x
		}
		z.hosts[s.Host][s.Binary] = map[string]any{"available": up, "active": !s.Disabled, "updated_at": updated}
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	out := []map[string]any{}
	for _, n := range names {
		z := zones[n]
		e := map[string]any{"zoneName": n, "zoneState": map[string]bool{"available": z.available}, "hosts": nil}
		if detail {
			e["hosts"] = z.hosts
		}
		out = append(out, e)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"availabilityZoneInfo": out})
}
