package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/store"
)

// listHosts is GET /os-hosts (admin): every cinder service and its state.
func (a *API) listHosts(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:hosts", ""); err != nil {
		fail(w, r, err)
		return
	}
	svcs, err := a.sg.List(r.Context(), servicegroup.Filter{})
	if err != nil {
		fail(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, s := range svcs {
		status := "unavailable"
		if servicegroup.IsUp(s, time.Now(), time.Duration(a.set.ServiceDownTime)*time.Second) {
			status = "available"
		}
		state := "enabled"
		if s.Disabled {
			state = "disabled"
		}
		zone := s.Zone
		if zone == "" {
			zone = a.set.DefaultAZ
		}
		last := s.LastSeenUp
		if last.IsZero() {
			last = s.CreatedAt
		}
		items = append(items, map[string]any{"service-status": status, "service": s.Binary, "zone": zone,
			"service-state": state, "host_name": s.Host, "last-update": timefmt.Naive(last)})
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"hosts": items})
}

// showHost is GET /os-hosts/{host} (admin): the volumes and snapshots a
// volume host holds, in total and per project.
func (a *API) showHost(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if err := a.authorize(c, "volume_extension:hosts", ""); err != nil {
		fail(w, r, err)
		return
	}
	host := chi.URLParam(r, "host")
	ctx := r.Context()
	svcs, err := a.sg.List(ctx, servicegroup.Filter{Host: host, Binary: "cinder-volume"})
	if err != nil {
		fail(w, r, err)
		return
	}
	if len(svcs) == 0 {
		fail(w, r, fault.New(fault.NotFound, "Host %s could not be found.", host))
		return
	}
	vols, err := a.db.ListVolumes(ctx, store.VolumeFilter{Host: host}, nil, "", 0)
	if err != nil {
		fail(w, r, err)
		return
	}
	type sum struct{ vols, volGB, snaps, snapGB int }
	per := map[string]*sum{}
	var order []string
	total := &sum{}
	for _, v := range vols {
		p := per[v.ProjectID]
		if p == nil {
			p = &sum{}
			per[v.ProjectID] = p
			order = append(order, v.ProjectID)
		}
		p.vols++
		p.volGB += v.Size
		total.vols++
		total.volGB += v.Size
		snaps, err := a.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID}, nil, "", 0)
		if err != nil {
			fail(w, r, err)
			return
		}
		for _, s := range snaps {
			p.snaps++
			p.snapGB += s.VolumeSize
			total.snaps++
			total.snapGB += s.VolumeSize
		}
	}
	res := func(project string, s *sum) map[string]any {
		return map[string]any{"resource": map[string]string{"volume_count": strconv.Itoa(s.vols),
			"total_volume_gb": strconv.Itoa(s.volGB), "snapshot_count": strconv.Itoa(s.snaps),
			"total_snapshot_gb": strconv.Itoa(s.snapGB), "project": project, "host": host}}
	}
	items := []map[string]any{res("(total)", total)}
	for _, p := range order {
		items = append(items, res(p, per[p]))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"host": items})
}
