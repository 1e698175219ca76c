package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Volume is one row of volumes, with its type's name.
type Volume struct {
	ID               string
	ProjectID        string
	UserID           string
	Host             string // host@backend#pool; "" until scheduled
	Size             int    // GiB
	AvailabilityZone string
	Status           string
	AttachStatus     string
	MigrationStatus  *string
	Name             *string
	Description      *string
	TypeID           string
	TypeName         string
	SnapshotID       *string
	SourceVolID      *string
	ImageID          *string
	Bootable         bool
	Multiattach      bool
	Metadata         map[string]string
	AdminMetadata    map[string]string
	ImageMetadata    map[string]string // nil unless created from an image
	ProviderLocation *string
	PreviousStatus   *string
	LaunchedAt       *time.Time
	CreatedAt        time.Time
	UpdatedAt        *time.Time
	GroupID          *string // the generic volume group it belongs to (3.13)
}

// ReadOnly reports the admin metadata flag os-update_readonly_flag sets.
func (v Volume) ReadOnly() bool { return v.AdminMetadata["readonly"] == "True" }

const volumeColumns = `v.id, v.project_id, v.user_id, coalesce(v.host, ''), v.size, v.availability_zone, v.status,
	v.attach_status, v.migration_status, v.display_name, v.display_description, v.volume_type_id, t.name,
	v.snapshot_id, v.source_volid, v.image_id, v.bootable, v.multiattach, v.metadata, v.admin_metadata,
	v.image_metadata, v.provider_location, v.previous_status, v.launched_at, v.created_at, v.updated_at, v.group_id`

const volumeFrom = ` FROM volumes v JOIN volume_types t ON t.id = v.volume_type_id`

func scanVolume(row pgx.Row) (Volume, error) {
	var v Volume
	var md, amd, imd []byte
	err := row.Scan(&v.ID, &v.ProjectID, &v.UserID, &v.Host, &v.Size, &v.AvailabilityZone, &v.Status,
		&v.AttachStatus, &v.MigrationStatus, &v.Name, &v.Description, &v.TypeID, &v.TypeName,
		&v.SnapshotID, &v.SourceVolID, &v.ImageID, &v.Bootable, &v.Multiattach, &md, &amd,
		&imd, &v.ProviderLocation, &v.PreviousStatus, &v.LaunchedAt, &v.CreatedAt, &v.UpdatedAt, &v.GroupID)
	if err != nil {
		return v, err
	}
	v.Metadata, v.AdminMetadata = parseMap(md), parseMap(amd)
	if imd != nil {
		v.ImageMetadata = parseMap(imd)
	}
	return v, nil
}

// VolumeNotFound is cinder's VolumeNotFound.
func VolumeNotFound(id string) error {
	return fault.New(fault.NotFound, "Volume %s could not be found.", id)
}

// CreateVolume inserts a new volume.
func (s *Store) CreateVolume(ctx context.Context, v Volume) (Volume, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO volumes (id, project_id, user_id, size, availability_zone, status,
		display_name, display_description, volume_type_id, snapshot_id, source_volid, image_id, bootable,
		multiattach, metadata, admin_metadata, image_metadata, host, group_id)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,nullif($18,''),$19)`,
		v.ID, v.ProjectID, v.UserID, v.Size, v.AvailabilityZone, v.Status, v.Name, v.Description, v.TypeID,
		v.SnapshotID, v.SourceVolID, v.ImageID, v.Bootable, v.Multiattach, jsonMap(v.Metadata),
		jsonMap(v.AdminMetadata), imageMeta(v.ImageMetadata), v.Host, v.GroupID)
	if err != nil {
		return Volume{}, fmt.Errorf("create volume: %w", err)
	}
	return s.GetVolume(ctx, v.ID)
}

func imageMeta(m map[string]string) []byte {
	if m == nil {
		return nil
	}
	return jsonMap(m)
}

// GetVolume returns a volume; a missing one is VolumeNotFound.
func (s *Store) GetVolume(ctx context.Context, id string) (Volume, error) {
	if !isUUID(id) {
		return Volume{}, VolumeNotFound(id)
	}
	v, err := scanVolume(s.pool.QueryRow(ctx, `SELECT `+volumeColumns+volumeFrom+` WHERE v.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Volume{}, VolumeNotFound(id)
	}
	if err != nil {
		return Volume{}, fmt.Errorf("get volume %s: %w", id, err)
	}
	return v, nil
}

// VolumeUpdate lists the columns to change; nil fields stay.
type VolumeUpdate struct {
	Status           *string
	AttachStatus     *string
	Host             *string
	Size             *int
	Name             **string
	Description      **string
	TypeID           *string
	Bootable         *bool
	Multiattach      *bool
	Metadata         map[string]string
	AdminMetadata    map[string]string
	ImageMetadata    map[string]string
	ProviderLocation *string
	PreviousStatus   **string
	MigrationStatus  **string
	Launched         bool
}

// UpdateVolume applies u to a volume. With fromStatus non-empty, the update
// happens only while the volume's status is one of them (cinder's
// conditional_update); otherwise it is a fault.Conflict naming the status.
func (s *Store) UpdateVolume(ctx context.Context, id string, fromStatus []string, u VolumeUpdate) (Volume, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, val any) {
		args = append(args, val)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.Status != nil {
		add("status", *u.Status)
	}
	if u.AttachStatus != nil {
		add("attach_status", *u.AttachStatus)
	}
	if u.Host != nil {
		add("host", *u.Host)
	}
	if u.Size != nil {
		add("size", *u.Size)
	}
	if u.Name != nil {
		add("display_name", *u.Name)
	}
	if u.Description != nil {
		add("display_description", *u.Description)
	}
	if u.TypeID != nil {
		add("volume_type_id", *u.TypeID)
	}
	if u.Bootable != nil {
		add("bootable", *u.Bootable)
	}
	if u.Multiattach != nil {
		add("multiattach", *u.Multiattach)
	}
	if u.Metadata != nil {
		add("metadata", jsonMap(u.Metadata))
	}
	if u.AdminMetadata != nil {
		add("admin_metadata", jsonMap(u.AdminMetadata))
	}
	if u.ImageMetadata != nil {
		add("image_metadata", jsonMap(u.ImageMetadata))
	}
	if u.ProviderLocation != nil {
		add("provider_location", *u.ProviderLocation)
	}
	if u.PreviousStatus != nil {
		add("previous_status", *u.PreviousStatus)
	}
	if u.MigrationStatus != nil {
		add("migration_status", *u.MigrationStatus)
	}
	if u.Launched {
		sets = append(sets, "launched_at = now()")
	}
	where := "id = $1"
	if len(fromStatus) > 0 {
		args = append(args, fromStatus)
		where += fmt.Sprintf(" AND status = ANY($%d)", len(args))
	}
	tag, err := s.pool.Exec(ctx, `UPDATE volumes SET `+strings.Join(sets, ", ")+` WHERE `+where, args...)
	if err != nil {
		return Volume{}, fmt.Errorf("update volume %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		cur, err := s.GetVolume(ctx, id)
		if err != nil {
			return Volume{}, err
		}
		return cur, InvalidVolumeStatus(cur, fromStatus)
	}
	return s.GetVolume(ctx, id)
}

// InvalidVolumeStatus is cinder's InvalidVolume for a status that forbids
// an operation.
func InvalidVolumeStatus(v Volume, allowed []string) error {
	return fault.New(fault.Invalid, "Invalid volume: Volume %s status must be %s, but current status is: %s.",
		v.ID, strings.Join(allowed, " or "), v.Status)
}

// DeleteVolume removes a volume row.
func (s *Store) DeleteVolume(ctx context.Context, id string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM volumes WHERE id = $1`, id); err != nil {
		return fmt.Errorf("delete volume %s: %w", id, err)
	}
	return nil
}

// VolumeFilter selects volumes in ListVolumes.
type VolumeFilter struct {
	ProjectID string // "" means every project (all_tenants for admins)
	Host      string // the backend prefix host@backend, for the manager
	Name      string
	NameLike  string // cinder's name~ filter (3.34): a substring, case-insensitive
	Status    string
	AZ        string
	Bootable  *bool
	Metadata  map[string]string
	IDs       []string
	Statuses  []string
	Times     []TimeFilter // created_at / updated_at comparisons (3.60)
	GroupID   string       // the volumes of one group (3.10)
}

// TimeFilter compares a volume's created_at or updated_at (Column) with
// At: Op is one of cinder's gt, gte, eq, neq, lt, lte.
type TimeFilter struct {
	Column, Op string
	At         time.Time
}

// timeOps are cinder's time comparison operators in SQL.
var timeOps = map[string]string{"gt": ">", "gte": ">=", "eq": "=", "neq": "<>", "lt": "<", "lte": "<="}

// Sort is one ordering key.
type Sort struct{ Key, Dir string }

// VolumeSortKeys maps cinder's sort keys to columns.
var VolumeSortKeys = map[string]string{
	"created_at": "v.created_at", "updated_at": "v.updated_at", "id": "v.id", "name": "v.display_name",
	"display_name": "v.display_name", "size": "v.size", "status": "v.status", "availability_zone": "v.availability_zone",
	"bootable": "v.bootable", "volume_type_id": "v.volume_type_id", "project_id": "v.project_id",
	"description": "v.display_description", "display_description": "v.display_description",
}

// ListVolumes returns a page of volumes. marker is the id of the last
// volume of the previous page; limit <= 0 means no limit.
func (s *Store) ListVolumes(ctx context.Context, f VolumeFilter, sorts []Sort, marker string, limit int) ([]Volume, error) {
	return s.ListVolumesAt(ctx, f, sorts, marker, limit, 0)
}

// ListVolumesAt is ListVolumes skipping offset rows (cinder's offset).
func (s *Store) ListVolumesAt(ctx context.Context, f VolumeFilter, sorts []Sort, marker string, limit, offset int) ([]Volume, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ProjectID != "" {
		conds = append(conds, "v.project_id = "+arg(f.ProjectID))
	}
	if f.Host != "" {
		conds = append(conds, "(v.host = "+arg(f.Host)+" OR v.host LIKE "+arg(f.Host+"#%")+")")
	}
	if f.Name != "" {
		conds = append(conds, "v.display_name = "+arg(f.Name))
	}
	if f.NameLike != "" {
		conds = append(conds, "v.display_name ILIKE "+arg("%"+likeEscape(f.NameLike)+"%"))
	}
	if f.Status != "" {
		conds = append(conds, "v.status = "+arg(f.Status))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "v.status = ANY("+arg(f.Statuses)+")")
	}
	if f.AZ != "" {
		conds = append(conds, "v.availability_zone = "+arg(f.AZ))
	}
	if f.Bootable != nil {
		conds = append(conds, "v.bootable = "+arg(*f.Bootable))
	}
	if len(f.Metadata) > 0 {
		conds = append(conds, "v.metadata @> "+arg(jsonMap(f.Metadata)))
	}
	if f.IDs != nil {
		conds = append(conds, "v.id::text = ANY("+arg(f.IDs)+")")
	}
	if f.GroupID != "" {
		if !isUUID(f.GroupID) {
			return []Volume{}, nil
		}
		conds = append(conds, "v.group_id = "+arg(f.GroupID))
	}
	for _, tf := range f.Times {
		op, ok := timeOps[tf.Op]
		if !ok || (tf.Column != "created_at" && tf.Column != "updated_at") {
			return nil, fault.New(fault.Invalid, "Invalid %s operator", tf.Op)
		}
		conds = append(conds, "v."+tf.Column+" "+op+" "+arg(tf.At))
	}
	order, cond, err := keyset(ctx, s, sorts, marker, VolumeSortKeys, "v", `SELECT `+volumeColumns+volumeFrom+` WHERE v.id = $1`, arg)
	if err != nil {
		return nil, err
	}
	if cond != "" {
		conds = append(conds, cond)
	}
	sql := `SELECT ` + volumeColumns + volumeFrom
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	sql += " ORDER BY " + order
	if limit > 0 {
		sql += fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		sql += fmt.Sprintf(" OFFSET %d", offset)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	defer rows.Close()
	out := []Volume{}
	for rows.Next() {
		v, err := scanVolume(rows)
		if err != nil {
			return nil, fmt.Errorf("list volumes: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// keyset builds the ORDER BY for sorts (id appended as the tie breaker) and,
// for a marker, the condition selecting rows after it. A marker that does
// not exist is cinder's 400 "marker not found".
func keyset(ctx context.Context, s *Store, sorts []Sort, marker string, cols map[string]string, alias, markerSQL string, arg func(any) string) (string, string, error) {
	if len(sorts) == 0 {
		sorts = []Sort{{"created_at", "desc"}}
	}
	hasID := false
	var keys []Sort
	for _, so := range sorts {
		col, ok := cols[so.Key]
		if !ok {
			return "", "", fault.New(fault.Invalid, "Invalid input received: Invalid sort key")
		}
		if so.Key == "id" {
			hasID = true
		}
		keys = append(keys, Sort{col, so.Dir})
	}
	if !hasID {
		keys = append(keys, Sort{alias + ".id", keys[len(keys)-1].Dir})
	}
	var order []string
	for _, k := range keys {
		d := "ASC"
		if k.Dir == "desc" {
			d = "DESC"
		}
		order = append(order, k.Key+" "+d+" NULLS LAST")
	}
	if marker == "" {
		return strings.Join(order, ", "), "", nil
	}
	if !isUUID(marker) {
		return "", "", fault.New(fault.NotFound, "%s %s could not be found.", markerKind(alias), marker)
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS(`+markerSQL+`)`, marker).Scan(&exists); err != nil {
		return "", "", fmt.Errorf("marker: %w", err)
	}
	if !exists {
		return "", "", fault.New(fault.NotFound, "%s %s could not be found.", markerKind(alias), marker)
	}
	// Row values after the marker's: for each prefix of keys equal, the
	// next key strictly beyond. The marker's values are read by subquery.
	table := strings.SplitN(strings.TrimPrefix(markerSQL[strings.Index(markerSQL, " FROM ")+6:], ""), " ", 2)[0]
	m := arg(marker)
	sub := func(col string) string {
		return "(SELECT " + strings.Replace(col, alias+".", "mk.", 1) + " FROM " + table + " mk WHERE mk.id = " + m + ")"
	}
	var ors []string
	for i, k := range keys {
		var ands []string
		for _, p := range keys[:i] {
			ands = append(ands, p.Key+" IS NOT DISTINCT FROM "+sub(p.Key))
		}
		op := ">"
		if k.Dir == "desc" {
			op = "<"
		}
		ands = append(ands, k.Key+" "+op+" "+sub(k.Key))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return strings.Join(order, ", "), "(" + strings.Join(ors, " OR ") + ")", nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}

// IsUUID reports whether s is a UUID in its canonical text form.
func IsUUID(s string) bool { return isUUID(s) }

// CountVolumes counts a project's volumes and their GiB, by type too, for
// quota usage.
func (s *Store) Usage(ctx context.Context, project string) (Usage, error) {
	u := Usage{ByType: map[string]TypeUsage{}}
	rows, err := s.pool.Query(ctx, `SELECT t.name, count(*), coalesce(sum(v.size),0) FROM volumes v
		JOIN volume_types t ON t.id = v.volume_type_id WHERE v.project_id = $1 GROUP BY t.name`, project)
	if err != nil {
		return u, fmt.Errorf("volume usage: %w", err)
	}
	var name string
	var n, gb int
	_, err = pgx.ForEachRow(rows, []any{&name, &n, &gb}, func() error {
		tu := u.ByType[name]
		tu.Volumes, tu.Gigabytes = n, gb
		u.ByType[name] = tu
		u.Volumes += n
		u.Gigabytes += gb
		return nil
	})
	if err != nil {
		return u, fmt.Errorf("volume usage: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT t.name, count(*), coalesce(sum(s.volume_size),0) FROM snapshots s
		JOIN volumes v ON v.id = s.volume_id JOIN volume_types t ON t.id = v.volume_type_id
		WHERE s.project_id = $1 GROUP BY t.name`, project)
	if err != nil {
		return u, fmt.Errorf("snapshot usage: %w", err)
	}
	_, err = pgx.ForEachRow(rows, []any{&name, &n, &gb}, func() error {
		tu := u.ByType[name]
		tu.Snapshots = n
		tu.Gigabytes += gb
		u.ByType[name] = tu
		u.Snapshots += n
		u.Gigabytes += gb
		return nil
	})
	if err != nil {
		return u, fmt.Errorf("snapshot usage: %w", err)
	}
	return u, nil
}

// Usage is what a project holds.
type Usage struct {
	Volumes, Gigabytes, Snapshots int
	ByType                        map[string]TypeUsage
}

// TypeUsage is what a project holds of one volume type.
type TypeUsage struct{ Volumes, Gigabytes, Snapshots int }

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// Summary is a project's volume count and size, and the distinct metadata.
func (s *Store) Summary(ctx context.Context, project string) (count, size int, meta map[string][]string, err error) {
	err = s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(size),0) FROM volumes WHERE ($1 = '' OR project_id = $1)`, project).Scan(&count, &size)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("volume summary: %w", err)
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT m.key, m.value FROM volumes v, jsonb_each_text(v.metadata) m
		WHERE ($1 = '' OR v.project_id = $1) ORDER BY 1, 2`, project)
	if err != nil {
		return 0, 0, nil, fmt.Errorf("volume summary: %w", err)
	}
	meta = map[string][]string{}
	var k, v string
	_, err = pgx.ForEachRow(rows, []any{&k, &v}, func() error { meta[k] = append(meta[k], v); return nil })
	return count, size, meta, err
}

// markerKind names the resource of a list for cinder's marker-not-found
// error (the marker is looked up as that resource).
func markerKind(alias string) string {
	switch alias {
	case "v":
		return "Volume"
	case "s":
		return "Snapshot"
	case "b":
		return "Backup"
	}
	return "Marker"
}
