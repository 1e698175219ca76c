package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Attachment is one row of volume_attachment.
type Attachment struct {
	ID             string
	VolumeID       string
	ProjectID      string
	InstanceUUID   *string
	AttachedHost   *string
	Mountpoint     *string
	AttachMode     *string
	AttachStatus   string // reserved, attaching, attached, detaching, error_attaching
	Connector      map[string]any
	ConnectionInfo map[string]any
	AttachTime     *time.Time
	DetachTime     *time.Time
	CreatedAt      time.Time
}

const attachmentColumns = `id, volume_id, project_id, instance_uuid, attached_host, mountpoint, attach_mode,
	attach_status, connector, connection_info, attach_time, detach_time, created_at`

func scanAttachment(row pgx.Row) (Attachment, error) {
	var a Attachment
	var conn, info []byte
	err := row.Scan(&a.ID, &a.VolumeID, &a.ProjectID, &a.InstanceUUID, &a.AttachedHost, &a.Mountpoint, &a.AttachMode,
		&a.AttachStatus, &conn, &info, &a.AttachTime, &a.DetachTime, &a.CreatedAt)
	if len(conn) > 0 {
		_ = json.Unmarshal(conn, &a.Connector)
	}
	if len(info) > 0 {
		_ = json.Unmarshal(info, &a.ConnectionInfo)
	}
	return a, err
}

// AttachmentNotFound is cinder's VolumeAttachmentNotFound.
func AttachmentNotFound(id string) error {
	return fault.New(fault.NotFound, "Volume attachment could not be found with filter: attachment_id = %s.", id)
}

func jsonAny(m map[string]any) []byte {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	return b
}

// CreateAttachment inserts an attachment.
func (s *Store) CreateAttachment(ctx context.Context, a Attachment) (Attachment, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO volume_attachment (id, volume_id, project_id, instance_uuid, attached_host,
		mountpoint, attach_mode, attach_status, connector, connection_info, attach_time)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, a.ID, a.VolumeID, a.ProjectID, a.InstanceUUID, a.AttachedHost,
		a.Mountpoint, a.AttachMode, a.AttachStatus, jsonAny(a.Connector), jsonAny(a.ConnectionInfo), a.AttachTime)
	if err != nil {
		return Attachment{}, fmt.Errorf("create attachment: %w", err)
	}
	return s.GetAttachment(ctx, a.ID)
}

// GetAttachment returns an attachment.
func (s *Store) GetAttachment(ctx context.Context, id string) (Attachment, error) {
	if !isUUID(id) {
		return Attachment{}, AttachmentNotFound(id)
	}
	a, err := scanAttachment(s.pool.QueryRow(ctx, `SELECT `+attachmentColumns+` FROM volume_attachment WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Attachment{}, AttachmentNotFound(id)
	}
	return a, err
}

// AttachmentUpdate lists what to change.
type AttachmentUpdate struct {
	AttachStatus   *string
	InstanceUUID   *string
	AttachedHost   *string
	Mountpoint     *string
	AttachMode     *string
	Connector      map[string]any
	ConnectionInfo map[string]any
	Attached       bool // set attach_time
}

// UpdateAttachment applies u.
func (s *Store) UpdateAttachment(ctx context.Context, id string, u AttachmentUpdate) (Attachment, error) {
	sets := []string{"updated_at = now()"}
	args := []any{id}
	add := func(col string, v any) {
		args = append(args, v)
		sets = append(sets, fmt.Sprintf("%s = $%d", col, len(args)))
	}
	if u.AttachStatus != nil {
		add("attach_status", *u.AttachStatus)
	}
	if u.InstanceUUID != nil {
		add("instance_uuid", *u.InstanceUUID)
	}
	if u.AttachedHost != nil {
		add("attached_host", *u.AttachedHost)
	}
	if u.Mountpoint != nil {
		add("mountpoint", *u.Mountpoint)
	}
	if u.AttachMode != nil {
		add("attach_mode", *u.AttachMode)
	}
	if u.Connector != nil {
		add("connector", jsonAny(u.Connector))
	}
	if u.ConnectionInfo != nil {
		add("connection_info", jsonAny(u.ConnectionInfo))
	}
	if u.Attached {
		sets = append(sets, "attach_time = now()")
	}
	if _, err := s.pool.Exec(ctx, `UPDATE volume_attachment SET `+strings.Join(sets, ", ")+` WHERE id = $1`, args...); err != nil {
		return Attachment{}, fmt.Errorf("update attachment: %w", err)
	}
	return s.GetAttachment(ctx, id)
}

// DeleteAttachment removes an attachment.
func (s *Store) DeleteAttachment(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM volume_attachment WHERE id = $1`, id)
	return err
}

// AttachmentFilter selects attachments.
type AttachmentFilter struct {
	ProjectID    string
	VolumeIDs    []string
	InstanceUUID string
	Status       string
}

// ListAttachments returns attachments, oldest first.
func (s *Store) ListAttachments(ctx context.Context, f AttachmentFilter) ([]Attachment, error) {
	var conds []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.ProjectID != "" {
		conds = append(conds, "project_id = "+arg(f.ProjectID))
	}
	if f.VolumeIDs != nil {
		conds = append(conds, "volume_id::text = ANY("+arg(f.VolumeIDs)+")")
	}
	if f.InstanceUUID != "" {
		conds = append(conds, "instance_uuid = "+arg(f.InstanceUUID))
	}
	if f.Status != "" {
		conds = append(conds, "attach_status = "+arg(f.Status))
	}
	sql := `SELECT ` + attachmentColumns + ` FROM volume_attachment`
	if len(conds) > 0 {
		sql += " WHERE " + strings.Join(conds, " AND ")
	}
	sql += " ORDER BY created_at, id"
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("list attachments: %w", err)
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// FinishDetach removes an attachment and sets the volume's status from
// what remains: in-use while another is attached, else available
// (cinder's volume_detached).
func (s *Store) FinishDetach(ctx context.Context, volumeID, attachmentID string) (Volume, error) {
	if attachmentID != "" {
		if err := s.DeleteAttachment(ctx, attachmentID); err != nil {
			return Volume{}, err
		}
	}
	rest, err := s.ListAttachments(ctx, AttachmentFilter{VolumeIDs: []string{volumeID}})
	if err != nil {
		return Volume{}, err
	}
	status, attach := "available", "detached"
	for _, a := range rest {
		if a.AttachStatus == "attached" {
			status, attach = "in-use", "attached"
			break
		}
		if a.AttachStatus == "reserved" || a.AttachStatus == "attaching" {
			status = "reserved"
		}
	}
	none := (*string)(nil)
	return s.UpdateVolume(ctx, volumeID, nil, VolumeUpdate{Status: &status, AttachStatus: &attach, PreviousStatus: &none})
}
