package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

func (a *API) migrationRoutes(r chi.Router) {
	r.Get("/os-migrations", a.listMigrations)
	r.Get("/servers/{server_id}/migrations", a.listServerMigrations)
	r.Get("/servers/{server_id}/migrations/{migration_id}", a.showServerMigration)
}

// migrationView is one migration of os-migrations, by microversion.
func migrationView(r *http.Request, m objects.Migration) map[string]any {
	v := map[string]any{
		"id": m.ID, "status": m.Status, "instance_uuid": m.InstanceUUID,
		"source_node": orNull(m.SourceNode), "source_compute": orNull(m.SourceCompute),
		"dest_node": orNull(m.DestNode), "dest_compute": orNull(m.DestCompute), "dest_host": orNull(m.DestHost),
		"old_instance_type_id": nullableID(m.OldInstanceTypeID), "new_instance_type_id": nullableID(m.NewInstanceTypeID),
		"created_at": timefmt.Naive(m.CreatedAt), "updated_at": timefmt.Nullable(timefmt.Naive, m.UpdatedAt),
	}
	if atLeast(r, 23) {
		v["migration_type"] = m.MigrationType
		if m.MigrationType == objects.MigrationLive && m.InProgress() {
			v["links"] = links(r, "servers/"+m.InstanceUUID+"/migrations", strconv.FormatInt(m.ID, 10))
		}
	}
	if atLeast(r, 59) {
		v["uuid"] = m.UUID
	}
	if atLeast(r, 80) {
		v["user_id"], v["project_id"] = orNull(m.UserID), orNull(m.ProjectID)
	}
	return v
}

func orNull(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// listMigrations is api-ref "List Migrations" (GET /os-migrations, admin):
// filters host, status, instance_uuid, migration_type, source_compute,
// and from 2.59 changes-since, changes-before, limit and marker.
func (a *API) listMigrations(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:os-migrations:index", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	q := r.URL.Query()
	f := store.MigrationFilter{
		InstanceUUID: q.Get("instance_uuid"), MigrationType: q.Get("migration_type"),
		Host: q.Get("host"), SourceCompute: q.Get("source_compute"), WithHidden: false,
	}
	if s := q.Get("status"); s != "" {
		f.Status = strings.Split(s, ",")
	}
	if atLeast(r, 80) {
		f.UserID, f.ProjectID = q.Get("user_id"), q.Get("project_id")
	}
	if atLeast(r, 59) {
		if s := q.Get("changes-since"); s != "" {
			t, err := timefmt.Parse(s)
			if err != nil {
				writeErr(w, r, badField("changes-since", s, "%s is not a 'date-time'", repr(s)))
				return
			}
			f.ChangesSince = &t
		}
		if s := q.Get("changes-before"); s != "" {
			t, err := timefmt.Parse(s)
			if err != nil {
				writeErr(w, r, badField("changes-before", s, "%s is not a 'date-time'", repr(s)))
				return
			}
			f.ChangesBefore = &t
		}
		if s := q.Get("limit"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				writeErr(w, r, badField("limit", s, "%s is not a non-negative integer", repr(s)))
				return
			}
			f.Limit = min(n, a.set.MaxLimit)
		} else {
			f.Limit = a.set.MaxLimit
		}
		if s := q.Get("marker"); s != "" {
			m, err := a.store.GetMigrationByUUID(r.Context(), s)
			if err != nil {
				writeErr(w, r, invalid("Marker %s could not be found.", s))
				return
			}
			f.AfterID = m.ID
		}
	}
	list, err := a.store.ListMigrations(r.Context(), f)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for _, m := range list {
		out = append(out, migrationView(r, m))
	}
	resp := map[string]any{"migrations": out}
	if atLeast(r, 59) && f.Limit > 0 && len(list) == f.Limit {
		resp["migrations_links"] = []map[string]string{{"rel": "next",
			"href": strings.TrimSuffix(links(r, "os-migrations", "")[0].Href, "/") + "?limit=" + strconv.Itoa(f.Limit) + "&marker=" + list[len(list)-1].UUID}}
	}
	httpapi.WriteJSON(w, r, http.StatusOK, resp)
}

// serverMigrationView is one in-progress live migration of a server.
func serverMigrationView(r *http.Request, m objects.Migration) map[string]any {
	v := map[string]any{
		"id": m.ID, "server_uuid": m.InstanceUUID, "status": m.Status,
		"source_node": orNull(m.SourceNode), "source_compute": orNull(m.SourceCompute),
		"dest_node": orNull(m.DestNode), "dest_compute": orNull(m.DestCompute), "dest_host": orNull(m.DestHost),
		"memory_total_bytes": m.MemoryTotal, "memory_processed_bytes": m.MemoryProcessed, "memory_remaining_bytes": m.MemoryRemaining,
		"disk_total_bytes": m.DiskTotal, "disk_processed_bytes": m.DiskProcessed, "disk_remaining_bytes": m.DiskRemaining,
		"created_at": timefmt.Naive(m.CreatedAt), "updated_at": timefmt.Nullable(timefmt.Naive, m.UpdatedAt),
	}
	if atLeast(r, 59) {
		v["uuid"] = m.UUID
	}
	if atLeast(r, 80) {
		v["user_id"], v["project_id"] = orNull(m.UserID), orNull(m.ProjectID)
	}
	return v
}

// listServerMigrations is api-ref "List Migrations" of a server (2.23+,
// admin): its in-progress live migrations, as upstream lists them.
func (a *API) listServerMigrations(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 23) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:migrations:index")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	list, err := a.store.ListMigrations(r.Context(), store.MigrationFilter{InstanceUUID: in.UUID,
		MigrationType: objects.MigrationLive, InProgress: true})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	for _, m := range list {
		out = append(out, serverMigrationView(r, m))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"migrations": out})
}

// showServerMigration is api-ref "Show Migration Details" (2.23+, admin).
func (a *API) showServerMigration(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if !atLeast(r, 23) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:servers:migrations:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	id, err := strconv.ParseInt(chi.URLParam(r, "migration_id"), 10, 64)
	if err != nil {
		writeErr(w, r, fault.New(fault.NotFound, "Migration %s could not be found.", chi.URLParam(r, "migration_id")))
		return
	}
	m, err := a.store.GetMigration(r.Context(), id)
	if err == nil && (m.InstanceUUID != in.UUID) {
		err = fault.New(fault.NotFound, "Migration %d for instance %s could not be found.", id, in.UUID)
	}
	if err == nil && (m.MigrationType != objects.MigrationLive || !m.InProgress()) {
		err = fault.New(fault.NotFound, "In-progress live migration %d is not found for server %s.", id, in.UUID)
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"migration": serverMigrationView(r, m)})
}
