package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

const instanceColumns = `i.id, i.uuid::text, i.display_name, coalesce(i.display_description, ''), i.hostname,
	i.project_id, i.user_id, i.image_ref, i.flavor, coalesce(i.host, ''), coalesce(i.node, ''),
	coalesce(i.availability_zone, ''), i.vm_state, coalesce(i.task_state, ''), i.power_state,
	coalesce(i.key_name, ''), coalesce(i.key_data, ''), coalesce(i.user_data, ''), i.config_drive,
	i.metadata, i.system_metadata, i.tags, i.locked, coalesce(i.locked_by, ''), coalesce(i.locked_reason, ''),
	i.launch_index, i.reservation_id, i.progress, coalesce(i.root_device_name, ''),
	i.launched_at, i.terminated_at, i.created_at, i.updated_at, i.deleted_at, i.cleaned`

func scanInstance(row pgx.Row) (objects.Instance, error) {
	var in objects.Instance
	var flavor []byte
	err := row.Scan(&in.ID, &in.UUID, &in.Name, &in.Description, &in.Hostname,
		&in.ProjectID, &in.UserID, &in.ImageRef, &flavor, &in.Host, &in.Node,
		&in.AvailabilityZone, &in.VMState, &in.TaskState, &in.PowerState,
		&in.KeyName, &in.KeyData, &in.UserData, &in.ConfigDrive,
		&in.Metadata, &in.SystemMetadata, &in.Tags, &in.Locked, &in.LockedBy, &in.LockedReason,
		&in.LaunchIndex, &in.ReservationID, &in.Progress, &in.RootDeviceName,
		&in.LaunchedAt, &in.TerminatedAt, &in.CreatedAt, &in.UpdatedAt, &in.DeletedAt, &in.Cleaned)
	if err != nil {
		return in, err
	}
	if err := json.Unmarshal(flavor, &in.Flavor); err != nil {
		return in, fmt.Errorf("instance %s flavor: %w", in.UUID, err)
	}
	if in.Metadata == nil {
		in.Metadata = map[string]string{}
	}
	if in.Tags == nil {
		in.Tags = []string{}
	}
	return in, nil
}

// InstanceNotFound is nova's InstanceNotFound.
func InstanceNotFound(uuid string) error {
	return fault.New(fault.NotFound, "Instance %s could not be found.", uuid)
}

// NewInstance is one instance to create with its disks.
type NewInstance struct {
	Instance objects.Instance
	BDMs     []objects.BlockDeviceMapping
}

// ActionStart names the user request an action records.
type ActionStart struct {
	Action    string
	RequestID string
	UserID    string
	ProjectID string
}

// CreateInstances stores instances of one project with their block device
// mappings and a "create" action each, in one transaction. check, if not
// nil, is given the project's usage before the new instances (under a
// per-project lock, so concurrent creates cannot both pass a quota) and
// returns how many of the list to create (the first ones), or an error
// to refuse.
func (s *Store) CreateInstances(ctx context.Context, list []NewInstance, act ActionStart, check func(Usage) (int, error)) ([]objects.Instance, error) {
	if len(list) == 0 {
		return nil, nil
	}
	project := list[0].Instance.ProjectID
	out := make([]objects.Instance, 0, len(list))
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		out = out[:0]
		todo := list
		if check != nil {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nova-quota:' || $1))`, project); err != nil {
				return err
			}
			u, err := projectUsage(ctx, tx, project)
			if err != nil {
				return err
			}
			n, err := check(u)
			if err != nil {
				return err
			}
			if n < len(todo) {
				todo = todo[:n]
			}
		}
		for _, n := range todo {
			in, err := insertInstance(ctx, tx, n.Instance)
			if err != nil {
				return err
			}
			for _, b := range n.BDMs {
				b.InstanceUUID = in.UUID
				if err := insertBDM(ctx, tx, b); err != nil {
					return err
				}
			}
			if _, err := createAction(ctx, tx, in.UUID, act); err != nil {
				return err
			}
			out = append(out, in)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func insertInstance(ctx context.Context, q db.Querier, in objects.Instance) (objects.Instance, error) {
	flavor, err := json.Marshal(in.Flavor)
	if err != nil {
		return objects.Instance{}, err
	}
	md := in.Metadata
	if md == nil {
		md = map[string]string{}
	}
	sys := in.SystemMetadata
	if sys == nil {
		sys = map[string]string{}
	}
	tags := in.Tags
	if tags == nil {
		tags = []string{}
	}
	row := q.QueryRow(ctx, `INSERT INTO instances AS i (uuid, display_name, display_description, hostname,
		project_id, user_id, image_ref, flavor, instance_type_id, memory_mb, vcpus, root_gb, ephemeral_gb,
		host, node, availability_zone, vm_state, task_state, power_state, key_name, key_data, user_data,
		config_drive, metadata, system_metadata, tags, launch_index, reservation_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
		$21, $22, $23, $24, $25, $26, $27, $28)
		RETURNING `+instanceColumns,
		in.UUID, in.Name, nullStr(in.Description), in.Hostname, in.ProjectID, in.UserID, in.ImageRef, flavor,
		in.Flavor.FlavorID, in.Flavor.MemoryMB, in.Flavor.VCPUs, in.Flavor.RootGB, in.Flavor.EphemeralGB,
		nullStr(in.Host), nullStr(in.Node), nullStr(in.AvailabilityZone), in.VMState, nullStr(in.TaskState),
		in.PowerState, nullStr(in.KeyName), nullStr(in.KeyData), nullStr(in.UserData), in.ConfigDrive,
		md, sys, tags, in.LaunchIndex, in.ReservationID)
	out, err := scanInstance(row)
	if err != nil {
		return objects.Instance{}, fmt.Errorf("create instance: %w", err)
	}
	return out, nil
}

// GetInstance returns a live instance (or, with readDeleted, also a
// deleted one).
func (s *Store) GetInstance(ctx context.Context, uuid string, readDeleted bool) (objects.Instance, error) {
	return getInstance(ctx, s.q, uuid, readDeleted, false)
}

func getInstance(ctx context.Context, q db.Querier, uuid string, readDeleted, forUpdate bool) (objects.Instance, error) {
	if !isUUID(uuid) {
		return objects.Instance{}, InstanceNotFound(uuid)
	}
	sql := `SELECT ` + instanceColumns + ` FROM instances i WHERE i.uuid = $1`
	if !readDeleted {
		sql += ` AND i.deleted_at IS NULL`
	}
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	in, err := scanInstance(q.QueryRow(ctx, sql, uuid))
	if errors.Is(err, pgx.ErrNoRows) {
		return objects.Instance{}, InstanceNotFound(uuid)
	}
	if err != nil {
		return objects.Instance{}, fmt.Errorf("get instance: %w", err)
	}
	return in, nil
}

// GetInstances returns the instances with the uuids that exist.
func (s *Store) GetInstances(ctx context.Context, uuids []string, readDeleted bool) ([]objects.Instance, error) {
	valid := slices.DeleteFunc(slices.Clone(uuids), func(u string) bool { return !isUUID(u) })
	sql := `SELECT ` + instanceColumns + ` FROM instances i WHERE i.uuid = ANY($1::uuid[])`
	if !readDeleted {
		sql += ` AND i.deleted_at IS NULL`
	}
	rows, err := s.q.Query(ctx, sql+` ORDER BY i.id`, valid)
	if err != nil {
		return nil, fmt.Errorf("get instances: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Instance, error) { return scanInstance(r) })
}

// InstancesOnHost returns a host's live instances (of one node if set).
func (s *Store) InstancesOnHost(ctx context.Context, host, node string) ([]objects.Instance, error) {
	sql := `SELECT ` + instanceColumns + ` FROM instances i WHERE i.host = $1 AND i.deleted_at IS NULL AND ($2 = '' OR i.node = $2) ORDER BY i.id`
	rows, err := s.q.Query(ctx, sql, host, node)
	if err != nil {
		return nil, fmt.Errorf("instances on host: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.Instance, error) { return scanInstance(r) })
}

// InstanceUpdate lists the fields to change; nil fields stay. A pointer
// to "" sets a nullable text field to NULL (task_state None).
type InstanceUpdate struct {
	Name             *string
	Description      *string
	Hostname         *string
	VMState          *string
	TaskState        *string
	PowerState       *int
	Host             *string
	Node             *string
	Locked           *bool
	LockedBy         *string
	LockedReason     *string
	LaunchedAt       *time.Time
	TerminatedAt     *time.Time
	Progress         *int
	RootDeviceName   *string
	Cleaned          *bool
	AvailabilityZone *string
	Metadata         map[string]string // replaces the whole set when not nil
	Tags             []string          // replaces the whole set when not nil
	SystemMetadata   map[string]string // replaces the whole set when not nil

	// ExpectedTaskState, when not nil, lists the task states ("" = None)
	// the instance must be in; ExpectedVMState likewise.
	ExpectedTaskState []string
	ExpectedVMState   []string
}

// UpdateInstance applies u to a live instance and returns it.
func (s *Store) UpdateInstance(ctx context.Context, uuid string, u InstanceUpdate) (objects.Instance, error) {
	var out objects.Instance
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		if u.ExpectedTaskState != nil && !slices.Contains(u.ExpectedTaskState, cur.TaskState) {
			return unexpectedTaskState(cur, u.ExpectedTaskState)
		}
		if u.ExpectedVMState != nil && !slices.Contains(u.ExpectedVMState, cur.VMState) {
			return fault.New(fault.Conflict, "Unexpected vm state: expecting %s but the vm_state is actually %s",
				pyList(u.ExpectedVMState), cur.VMState)
		}
		out, err = applyUpdate(ctx, tx, uuid, u)
		return err
	})
	return out, err
}

func unexpectedTaskState(cur objects.Instance, expected []string) error {
	actual := "None"
	if cur.TaskState != "" {
		actual = cur.TaskState
	}
	if cur.TaskState == objects.TaskDeleting {
		return fault.New(fault.Conflict, "Conflict updating instance %s. Expected: {'task_state': %s}. Actual: {'task_state': '%s'}",
			cur.UUID, pyList(expected), actual)
	}
	return fault.New(fault.Conflict, "Conflict updating instance %s. Expected: {'task_state': %s}. Actual: {'task_state': %s}",
		cur.UUID, pyList(expected), pyStr(cur.TaskState))
}

func pyStr(s string) string {
	if s == "" {
		return "None"
	}
	return "'" + s + "'"
}

func pyList(l []string) string {
	parts := make([]string, len(l))
	for i, s := range l {
		parts[i] = pyStr(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func applyUpdate(ctx context.Context, q db.Querier, uuid string, u InstanceUpdate) (objects.Instance, error) {
	sets := []string{"updated_at = now()"}
	args := []any{uuid}
	set := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	nullable := func(col string, v *string) {
		if v != nil {
			set(col, nullStr(*v))
		}
	}
	if u.Name != nil {
		set("display_name", *u.Name)
	}
	nullable("display_description", u.Description)
	if u.Hostname != nil {
		set("hostname", *u.Hostname)
	}
	if u.VMState != nil {
		set("vm_state", *u.VMState)
	}
	nullable("task_state", u.TaskState)
	if u.PowerState != nil {
		set("power_state", *u.PowerState)
	}
	nullable("host", u.Host)
	nullable("node", u.Node)
	if u.Locked != nil {
		set("locked", *u.Locked)
	}
	nullable("locked_by", u.LockedBy)
	nullable("locked_reason", u.LockedReason)
	if u.LaunchedAt != nil {
		set("launched_at", *u.LaunchedAt)
	}
	if u.TerminatedAt != nil {
		set("terminated_at", *u.TerminatedAt)
	}
	if u.Progress != nil {
		set("progress", *u.Progress)
	}
	nullable("root_device_name", u.RootDeviceName)
	if u.Cleaned != nil {
		set("cleaned", *u.Cleaned)
	}
	nullable("availability_zone", u.AvailabilityZone)
	if u.Metadata != nil {
		set("metadata", u.Metadata)
	}
	if u.Tags != nil {
		set("tags", u.Tags)
	}
	if u.SystemMetadata != nil {
		set("system_metadata", u.SystemMetadata)
	}
	in, err := scanInstance(q.QueryRow(ctx, `UPDATE instances i SET `+strings.Join(sets, ", ")+
		` WHERE i.uuid = $1 AND i.deleted_at IS NULL RETURNING `+instanceColumns, args...))
	if errors.Is(err, pgx.ErrNoRows) {
		return objects.Instance{}, InstanceNotFound(uuid)
	}
	if err != nil {
		return objects.Instance{}, fmt.Errorf("update instance: %w", err)
	}
	return in, nil
}

// DestroyInstance marks an instance deleted (vm_state deleted, no task,
// deleted_at and terminated_at now). Destroying a deleted instance again
// returns it unchanged.
func (s *Store) DestroyInstance(ctx context.Context, uuid string) (objects.Instance, error) {
	in, err := scanInstance(s.q.QueryRow(ctx, `UPDATE instances i SET vm_state = 'deleted', task_state = NULL,
		power_state = 0, deleted_at = now(), updated_at = now(), terminated_at = coalesce(terminated_at, now())
		WHERE i.uuid = $1 AND i.deleted_at IS NULL RETURNING `+instanceColumns, uuid))
	if errors.Is(err, pgx.ErrNoRows) {
		return s.GetInstance(ctx, uuid, true)
	}
	if err != nil {
		return objects.Instance{}, fmt.Errorf("destroy instance: %w", err)
	}
	return in, nil
}

// MarkCleaned sets the cleaned flag of an instance, deleted or not.
func (s *Store) MarkCleaned(ctx context.Context, uuid string, cleaned bool) (bool, error) {
	tag, err := s.q.Exec(ctx, `UPDATE instances SET cleaned = $2 WHERE uuid = $1`, uuid, cleaned)
	if err != nil {
		return false, err
	}
	if tag.RowsAffected() == 0 {
		return false, InstanceNotFound(uuid)
	}
	return true, nil
}

// SetMetadataItems merges (or, with replace, replaces) an instance's
// metadata, and returns the result.
func (s *Store) SetMetadataItems(ctx context.Context, uuid string, items map[string]string, replace bool) (map[string]string, error) {
	var out map[string]string
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		md := map[string]string{}
		if !replace {
			for k, v := range cur.Metadata {
				md[k] = v
			}
		}
		for k, v := range items {
			md[k] = v
		}
		in, err := applyUpdate(ctx, tx, uuid, InstanceUpdate{Metadata: md})
		out = in.Metadata
		return err
	})
	return out, err
}

// DeleteMetadataItem removes one metadata key.
func (s *Store) DeleteMetadataItem(ctx context.Context, uuid, key string) error {
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		if _, ok := cur.Metadata[key]; !ok {
			return fault.New(fault.NotFound, "Metadata item was not found")
		}
		delete(cur.Metadata, key)
		_, err = applyUpdate(ctx, tx, uuid, InstanceUpdate{Metadata: cur.Metadata})
		return err
	})
}

// UpdateTags changes an instance's tags with fn under a row lock.
func (s *Store) UpdateTags(ctx context.Context, uuid string, fn func(tags []string) ([]string, error)) ([]string, error) {
	var out []string
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := getInstance(ctx, tx, uuid, false, true)
		if err != nil {
			return err
		}
		tags, err := fn(slices.Clone(cur.Tags))
		if err != nil {
			return err
		}
		if tags == nil {
			tags = []string{}
		}
		in, err := applyUpdate(ctx, tx, uuid, InstanceUpdate{Tags: tags})
		out = in.Tags
		return err
	})
	return out, err
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
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
