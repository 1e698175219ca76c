package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
)

// InstanceFilter selects instances for the servers list. Empty fields do
// not filter.
type InstanceFilter struct {
	ProjectID        string // "" for every project (admins' all_tenants)
	UserID           string
	Name             string // a regular expression on display_name
	VMStates         []string
	TaskStates       []string // "" matches None
	PowerStates      []int
	ImageRef         string
	FlavorID         string
	Host             string
	Node             string
	AvailabilityZone string
	ReservationID    string
	KeyName          string
	UUIDs            []string
	Hostname         string // regex
	Description      string // regex
	ChangesSince     *time.Time
	ChangesBefore    *time.Time
	Tags             []string // all of them
	TagsAny          []string
	NotTags          []string // not all of them
	NotTagsAny       []string // none of them
	Locked           *bool
	// Deleted: nil lists live instances (and deleted ones too when
	// ChangesSince or ChangesBefore is set, as nova does); true only
	// deleted ones; false only live ones.
	Deleted *bool
}

// SortKey is one ordering criterion over an instances column.
type SortKey struct {
	Key string
	Dir string // asc or desc
}

// InstanceSortKeys maps the sort keys nova accepts to columns.
var InstanceSortKeys = map[string]string{
	"access_ip_v4": "''", "access_ip_v6": "''", "auto_disk_config": "''", "availability_zone": "coalesce(i.availability_zone, '')",
	"config_drive": "i.config_drive", "created_at": "i.created_at", "display_description": "coalesce(i.display_description, '')",
	"display_name": "i.display_name", "host": "coalesce(i.host, '')", "hostname": "i.hostname", "image_ref": "i.image_ref",
	"instance_type_id": "i.instance_type_id", "kernel_id": "''", "key_name": "coalesce(i.key_name, '')",
	"launch_index": "i.launch_index", "launched_at": "i.launched_at", "locked": "i.locked", "locked_by": "coalesce(i.locked_by, '')",
	"node": "coalesce(i.node, '')", "power_state": "i.power_state", "progress": "i.progress", "project_id": "i.project_id",
	"ramdisk_id": "''", "root_device_name": "coalesce(i.root_device_name, '')", "task_state": "coalesce(i.task_state, '')",
	"terminated_at": "i.terminated_at", "updated_at": "coalesce(i.updated_at, i.created_at)", "user_id": "i.user_id",
	"uuid": "i.uuid", "vm_state": "i.vm_state",
}

// ListInstances lists instances matching f in the sort order (created_at
// desc when empty; id is always the last tie breaker), after the marker
// uuid, at most limit (no limit when 0).
func (s *Store) ListInstances(ctx context.Context, f InstanceFilter, sort []SortKey, limit int, marker string) ([]objects.Instance, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = "+arg(v))
		}
	}
	eq("i.project_id", f.ProjectID)
	eq("i.user_id", f.UserID)
	eq("i.image_ref", f.ImageRef)
	eq("i.instance_type_id", f.FlavorID)
	eq("i.host", f.Host)
	eq("i.node", f.Node)
	eq("i.availability_zone", f.AvailabilityZone)
	eq("i.reservation_id", f.ReservationID)
	eq("i.key_name", f.KeyName)
	if f.Name != "" {
		where = append(where, "i.display_name ~* "+arg(f.Name))
	}
	if f.Hostname != "" {
		where = append(where, "i.hostname ~* "+arg(f.Hostname))
	}
	if f.Description != "" {
		where = append(where, "coalesce(i.display_description, '') ~* "+arg(f.Description))
	}
	if f.VMStates != nil {
		where = append(where, "i.vm_state = ANY("+arg(f.VMStates)+")")
	}
	if f.TaskStates != nil {
		where = append(where, "coalesce(i.task_state, '') = ANY("+arg(f.TaskStates)+")")
	}
	if f.PowerStates != nil {
		where = append(where, "i.power_state = ANY("+arg(f.PowerStates)+")")
	}
	if f.UUIDs != nil {
		where = append(where, "i.uuid::text = ANY("+arg(f.UUIDs)+")")
	}
	if f.ChangesSince != nil {
		where = append(where, "coalesce(i.updated_at, i.created_at) >= "+arg(*f.ChangesSince))
	}
	if f.ChangesBefore != nil {
		where = append(where, "coalesce(i.updated_at, i.created_at) <= "+arg(*f.ChangesBefore))
	}
	if len(f.Tags) > 0 {
		where = append(where, "i.tags @> "+arg(f.Tags))
	}
	if len(f.TagsAny) > 0 {
		where = append(where, "i.tags && "+arg(f.TagsAny))
	}
	if len(f.NotTags) > 0 {
		where = append(where, "NOT (i.tags @> "+arg(f.NotTags)+")")
	}
	if len(f.NotTagsAny) > 0 {
		where = append(where, "NOT (i.tags && "+arg(f.NotTagsAny)+")")
	}
	if f.Locked != nil {
		where = append(where, "i.locked = "+arg(*f.Locked))
	}
	switch {
	case f.Deleted != nil && *f.Deleted:
		where = append(where, "i.deleted_at IS NOT NULL")
	case f.Deleted == nil && (f.ChangesSince != nil || f.ChangesBefore != nil):
	default:
		where = append(where, "i.deleted_at IS NULL")
	}

	if len(sort) == 0 {
		sort = []SortKey{{Key: "created_at", Dir: "desc"}}
	}
	var order, cols []string
	var dirs []string
	for _, k := range sort {
		col, ok := InstanceSortKeys[k.Key]
		if !ok {
			return nil, fault.New(fault.Invalid, "Invalid sort_key %s", k.Key)
		}
		dir := "ASC"
		if strings.EqualFold(k.Dir, "desc") {
			dir = "DESC"
		}
		cols = append(cols, col)
		dirs = append(dirs, dir)
		order = append(order, col+" "+dir)
	}
	cols = append(cols, "i.id")
	dirs = append(dirs, dirs[len(dirs)-1])
	order = append(order, "i.id "+dirs[len(dirs)-1])

	if marker != "" {
		var mid int64
		err := s.q.QueryRow(ctx, `SELECT id FROM instances WHERE uuid::text = $1`, marker).Scan(&mid)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fault.New(fault.Invalid, "marker [%s] not found", marker)
		}
		if err != nil {
			return nil, err
		}
		m := arg(mid)
		// (c1, c2, ...) after the marker's row, column by column with
		// each column's own direction, as sqlalchemy-utils' paginate_query.
		var ors []string
		for i := range cols {
			var ands []string
			for j := 0; j < i; j++ {
				ands = append(ands, fmt.Sprintf("%s IS NOT DISTINCT FROM (SELECT %s FROM instances i WHERE i.id = %s)", cols[j], cols[j], m))
			}
			op := ">"
			if dirs[i] == "DESC" {
				op = "<"
			}
			ands = append(ands, fmt.Sprintf("%s %s (SELECT %s FROM instances i WHERE i.id = %s)", cols[i], op, cols[i], m))
			ors = append(ors, "("+strings.Join(ands, " AND ")+")")
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	q := `SELECT ` + instanceColumns + ` FROM instances i`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY ` + strings.Join(order, ", ")
	if limit > 0 {
		q += ` LIMIT ` + arg(limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		if strings.Contains(err.Error(), "regular expression") {
			return nil, fault.Wrap(err, fault.Invalid, "Invalid regular expression in a filter.")
		}
		return nil, fmt.Errorf("list instances: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Instance, error) { return scanInstance(r) })
}

// InstancesInPeriod returns the instances of a project (all projects when
// "") that existed at some time in [start, end): nova's
// instance_get_active_by_window_joined for os-simple-tenant-usage.
func (s *Store) InstancesInPeriod(ctx context.Context, projectID string, start, end time.Time) ([]objects.Instance, error) {
	rows, err := s.q.Query(ctx, `SELECT `+instanceColumns+` FROM instances i
		WHERE ($1 = '' OR i.project_id = $1)
		AND (i.terminated_at IS NULL OR i.terminated_at > $2)
		AND coalesce(i.launched_at, i.created_at) < $3
		ORDER BY i.project_id, i.created_at, i.id`, projectID, start, end)
	if err != nil {
		return nil, fmt.Errorf("instances in period: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Instance, error) { return scanInstance(r) })
}
