package api

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

func (a *API) aggregateRoutes(r chi.Router) {
	r.Post("/os-aggregates", a.createAggregate)
	r.Get("/os-aggregates/{aggregate_id}", a.showAggregate)
	r.Put("/os-aggregates/{aggregate_id}", a.updateAggregate)
	r.Delete("/os-aggregates/{aggregate_id}", a.deleteAggregate)
	r.Post("/os-aggregates/{aggregate_id}/action", a.aggregateAction)
}

// aggregateView is nova's _marshall_aggregate: every field of the
// object, the zone from the metadata, uuid from 2.41.
func aggregateView(r *http.Request, ag objects.Aggregate) map[string]any {
	hosts := ag.Hosts
	if hosts == nil {
		hosts = []string{}
	}
	md := ag.Metadata
	if md == nil {
		md = map[string]string{}
	}
	var zone *string
	if z, ok := md[objects.AggregateZoneKey]; ok {
		zone = &z
	}
	out := map[string]any{
		"id": ag.ID, "name": ag.Name, "availability_zone": zone, "hosts": hosts, "metadata": md,
		"created_at": timefmt.Naive(ag.CreatedAt), "updated_at": timefmt.Nullable(timefmt.Naive, ag.UpdatedAt),
		"deleted": false, "deleted_at": nil,
	}
	if atLeast(r, 41) {
		out["uuid"] = ag.UUID
	}
	return out
}

// aggregateCaller checks an os-aggregates rule (admin by default).
func (a *API) aggregateCaller(w http.ResponseWriter, r *http.Request, op string) (caller, bool) {
	c, err := callerOf(r)
	if err == nil {
		err = a.can(c, "os_compute_api:os-aggregates:"+op, nil)
	}
	if err != nil {
		writeErr(w, r, err)
		return c, false
	}
	return c, true
}

// listAggregates is api-ref "List Aggregates".
func (a *API) listAggregates(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.aggregateCaller(w, r, "index"); !ok {
		return
	}
	list, err := a.store.ListAggregates(r.Context())
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, len(list))
	for i, ag := range list {
		out[i] = aggregateView(r, ag)
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"aggregates": out})
}

// zoneName validates an availability zone name (nova's az_name: a name
// without ':'), trimmed as nova's normalize_name.
func zoneName(b body, field string) (string, bool, error) {
	z, ok, err := b.str(field, false, true, 1, 255)
	if err != nil || !ok {
		return "", ok, err
	}
	if strings.Contains(z, ":") {
		return "", false, badField(field, z, "%s does not match '^[^:]*$'", repr(z))
	}
	z = strings.TrimSpace(z)
	if z == "" {
		return "", false, badField(field, b[field], "%s should be non-empty", repr(b[field]))
	}
	return z, true, nil
}

func aggregateName(b body, required bool) (string, bool, error) {
	n, ok, err := b.str("name", required, false, 1, 255)
	if err != nil || !ok {
		return "", ok, err
	}
	n = strings.TrimSpace(n)
	if n == "" {
		return "", false, badField("name", b["name"], "%s should be non-empty", repr(b["name"]))
	}
	return n, true, nil
}

// createAggregate is api-ref "Create Aggregate".
func (a *API) createAggregate(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.aggregateCaller(w, r, "create"); !ok {
		return
	}
	b, err := decodeBody(r, "aggregate")
	if err == nil {
		err = b.only("aggregate", "name", "availability_zone")
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	name, _, err := aggregateName(b, true)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	zone, _, err := zoneName(b, "availability_zone")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ag, err := a.store.CreateAggregate(r.Context(), uuid.NewString(), name, zone, nil)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.aggZones.invalidate()
	v := aggregateView(r, ag)
	delete(v, "hosts") // as nova's create answer
	delete(v, "metadata")
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"aggregate": v})
}

// showAggregate is api-ref "Show Aggregate Details".
func (a *API) showAggregate(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.aggregateCaller(w, r, "show"); !ok {
		return
	}
	ag, err := a.store.GetAggregate(r.Context(), chi.URLParam(r, "aggregate_id"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"aggregate": aggregateView(r, ag)})
}

// updateAggregate is api-ref "Update Aggregate": name and zone.
func (a *API) updateAggregate(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.aggregateCaller(w, r, "update"); !ok {
		return
	}
	id := chi.URLParam(r, "aggregate_id")
	b, err := decodeBody(r, "aggregate")
	if err == nil {
		err = b.only("aggregate", "name", "availability_zone")
	}
	if err == nil && len(b) == 0 {
		err = badField("aggregate", map[string]any(b), "{} does not have enough properties")
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var change store.AggregateChange
	if n, ok, err := aggregateName(b, false); err != nil {
		writeErr(w, r, err)
		return
	} else if ok {
		change.Name = &n
	}
	if b.has("availability_zone") {
		z, ok, err := zoneName(b, "availability_zone")
		if err != nil {
			writeErr(w, r, err)
			return
		}
		var zp *string
		if ok {
			zp = &z
		}
		change.SetMetadata = map[string]*string{objects.AggregateZoneKey: zp}
	}
	a.changeAggregate(w, r, id, change, "Cannot update aggregate %s. Reason: %s.", fault.Invalid)
}

// deleteAggregate is api-ref "Delete Aggregate": only an empty one.
func (a *API) deleteAggregate(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.aggregateCaller(w, r, "delete"); !ok {
		return
	}
	if err := a.store.DeleteAggregate(r.Context(), chi.URLParam(r, "aggregate_id")); err != nil {
		writeErr(w, r, err)
		return
	}
	a.aggZones.invalidate()
	w.WriteHeader(http.StatusOK)
}

// aggregateAction is api-ref "Add Host", "Remove Host" and "Create Or
// Update Aggregate Metadata".
func (a *API) aggregateAction(w http.ResponseWriter, r *http.Request) {
	top, err := decodeBody(r, "")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if len(top) != 1 {
		writeErr(w, r, badField("body", map[string]any(top), "%s is not valid under any of the given schemas", repr(map[string]any(top))))
		return
	}
	id := chi.URLParam(r, "aggregate_id")
	for action, v := range top {
		inner, isMap := v.(map[string]any)
		switch action {
		case "add_host", "remove_host":
			if _, ok := a.aggregateCaller(w, r, action); !ok {
				return
			}
			if !isMap {
				writeErr(w, r, badField(action, v, "%s is not of type 'object'", repr(v)))
				return
			}
			b := body(inner)
			if err := b.only(action, "host"); err != nil {
				writeErr(w, r, err)
				return
			}
			host, _, err := b.str("host", true, false, 1, 255)
			if err != nil {
				writeErr(w, r, err)
				return
			}
			if err := a.checkComputeHost(r.Context(), host); err != nil {
				writeErr(w, r, err)
				return
			}
			if action == "add_host" {
				a.changeAggregate(w, r, id, store.AggregateChange{AddHost: host}, "Cannot add host to aggregate %s. Reason: %s.", fault.Conflict)
			} else {
				a.changeAggregate(w, r, id, store.AggregateChange{RemoveHost: host}, "Cannot remove host from aggregate %s. Reason: %s.", fault.Conflict)
			}
		case "set_metadata":
			if _, ok := a.aggregateCaller(w, r, "set_metadata"); !ok {
				return
			}
			if !isMap {
				writeErr(w, r, badField(action, v, "%s is not of type 'object'", repr(v)))
				return
			}
			b := body(inner)
			if err := b.only(action, "metadata"); err != nil {
				writeErr(w, r, err)
				return
			}
			md, err := aggregateMetadata(b)
			if err != nil {
				writeErr(w, r, err)
				return
			}
			a.changeAggregate(w, r, id, store.AggregateChange{SetMetadata: md}, "Cannot update metadata of aggregate %s. Reason: %s.", fault.Invalid)
		default:
			if _, ok := a.aggregateCaller(w, r, "show"); !ok {
				return
			}
			writeErr(w, r, badField("body", map[string]any(top), "Additional properties are not allowed ('%s' was unexpected)", action))
		}
	}
}

// aggregateMetadata reads set_metadata's metadata: keys 1..255, values a
// string up to 255 or null (remove the key).
func aggregateMetadata(b body) (map[string]*string, error) {
	v, ok := b["metadata"]
	if !ok {
		return nil, badField("set_metadata", map[string]any(b), "'metadata' is a required property")
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		return nil, badField("metadata", v, "%s is not of type 'object'", repr(v))
	}
	out := make(map[string]*string, len(m))
	for k, x := range m {
		if k == "" || len([]rune(k)) > 255 {
			return nil, badField("metadata", v, "Additional properties are not allowed ('%s' was unexpected)", k)
		}
		switch t := x.(type) {
		case nil:
			out[k] = nil
		case string:
			if len([]rune(t)) > 255 {
				return nil, badField("metadata."+k, x, "%s is too long", repr(x))
			}
			if k == objects.AggregateZoneKey && strings.Contains(t, ":") {
				return nil, badField("metadata."+k, x, "%s does not match '^[^:]*$'", repr(x))
			}
			s := t
			out[k] = &s
		default:
			return nil, badField("metadata."+k, x, "%s is not of type 'string', 'null'", repr(x))
		}
	}
	return out, nil
}

// checkComputeHost is nova's ComputeHostNotFound check: a host with a
// nova-compute service.
func (a *API) checkComputeHost(ctx context.Context, host string) error {
	svcs, err := a.computeServices(ctx)
	if err != nil {
		return err
	}
	if _, ok := svcs[host]; !ok {
		return fault.New(fault.NotFound, "Compute host %s could not be found.", host)
	}
	return nil
}

// changeAggregate applies a change after nova's is_safe_to_update_az
// checks; refusals carry format (aggregate id, reason) with kind.
func (a *API) changeAggregate(w http.ResponseWriter, r *http.Request, id string, change store.AggregateChange, format string, kind fault.Kind) {
	check := func(all []objects.Aggregate, before, after objects.Aggregate) error {
		reason := zoneConflict(all, before, after, a.set.DefaultAvailabilityZone)
		if reason == "" {
			return nil
		}
		return fault.New(kind, format, id, reason)
	}
	ag, err := a.store.UpdateAggregate(r.Context(), id, change, check)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.aggZones.invalidate()
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"aggregate": aggregateView(r, ag)})
}

// zoneConflict is why an aggregate may not become after ("" when it may):
// its zone may not be empty, and none of its hosts may be in another
// zone through another aggregate.
func zoneConflict(all []objects.Aggregate, before, after objects.Aggregate, defaultZone string) string {
	zone, isZone := after.Metadata[objects.AggregateZoneKey]
	if !isZone {
		return ""
	}
	if zone == "" {
		return "Aggregate " + after.Name + " does not support empty named availability zone"
	}
	var conflicting []string
	for _, other := range all {
		if other.ID == after.ID {
			continue
		}
		oz, ok := other.Metadata[objects.AggregateZoneKey]
		if !ok || oz == zone {
			continue
		}
		for _, h := range after.Hosts {
			if slices.Contains(other.Hosts, h) && !slices.Contains(conflicting, oz) {
				conflicting = append(conflicting, oz)
			}
		}
	}
	if len(conflicting) > 0 {
		sort.Strings(conflicting)
		return "One or more hosts already in availability zone(s) ['" + strings.Join(conflicting, "', '") + "']"
	}
	return ""
}

// zoneCache maps compute hosts to the availability zone their aggregates
// give them. It is re-read after ttl, and at once after this API changed
// an aggregate.
type zoneCache struct {
	mu      sync.Mutex
	byHost  map[string]string
	expires time.Time
}

const zoneCacheTTL = 2 * time.Second

func (z *zoneCache) invalidate() {
	z.mu.Lock()
	z.expires = time.Time{}
	z.mu.Unlock()
}

// aggregateZone is the zone host's aggregates put it in, "" for none (or
// when the aggregates cannot be read; the service's zone applies then).
func (a *API) aggregateZone(host string) string {
	z := &a.aggZones
	z.mu.Lock()
	defer z.mu.Unlock()
	if time.Now().After(z.expires) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		list, err := a.store.ListAggregates(ctx)
		if err != nil {
			a.log.Error("cannot read host aggregates for availability zones", "error", err.Error())
			return z.byHost[host]
		}
		z.byHost = map[string]string{}
		for _, ag := range list {
			if zone := ag.Zone(); zone != "" {
				for _, h := range ag.Hosts {
					z.byHost[h] = zone
				}
			}
		}
		z.expires = time.Now().Add(zoneCacheTTL)
	}
	return z.byHost[host]
}
