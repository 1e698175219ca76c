package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Member statuses (glance/domain ImageMembership).
const (
	MemberPending  = "pending"
	MemberAccepted = "accepted"
	MemberRejected = "rejected"
)

// Member is one project an image is shared with.
type Member struct {
	ImageID   string
	MemberID  string
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const memberColumns = `image_id, member, status, created_at, updated_at`

func scanMember(row scanner) (Member, error) {
	var m Member
	err := row.Scan(&m.ImageID, &m.MemberID, &m.Status, &m.CreatedAt, &m.UpdatedAt)
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// ListMembers returns the members of an image, oldest first.
func (r *Registry) ListMembers(ctx context.Context, imageID string) ([]Member, error) {
	rows, err := r.db.Query(ctx, `SELECT `+memberColumns+` FROM image_members WHERE image_id = $1 ORDER BY id`, imageID)
	if err != nil {
		return nil, fmt.Errorf("list image members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("list image members: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list image members: %w", err)
	}
	return out, nil
}

// GetMember returns one member of an image; a missing one is
// fault.NotFound.
func (r *Registry) GetMember(ctx context.Context, imageID, memberID string) (Member, error) {
	m, err := scanMember(r.db.QueryRow(ctx, `SELECT `+memberColumns+` FROM image_members
		WHERE image_id = $1 AND member = $2`, imageID, memberID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, fault.New(fault.NotFound, "%s not found in the member list of the image %s.", memberID, imageID)
	}
	if err != nil {
		return Member{}, fmt.Errorf("get image member: %w", err)
	}
	return m, nil
}

// AddMember adds a pending member; an existing one is fault.Conflict.
func (r *Registry) AddMember(ctx context.Context, imageID, memberID string) (Member, error) {
	now := r.Now()
	m, err := scanMember(r.db.QueryRow(ctx, `INSERT INTO image_members (image_id, member, status, created_at, updated_at)
		VALUES ($1, $2, 'pending', $3, $3) RETURNING `+memberColumns, imageID, memberID, now))
	if db.IsUniqueViolation(err) {
		return Member{}, fault.Wrap(err, fault.Conflict, "Member %s is duplicated for image %s", memberID, imageID)
	}
	if err != nil {
		return Member{}, fmt.Errorf("add image member: %w", err)
	}
	return m, nil
}

// SetMemberStatus changes a member's status; a missing member is
// fault.NotFound.
func (r *Registry) SetMemberStatus(ctx context.Context, imageID, memberID, status string) (Member, error) {
	m, err := scanMember(r.db.QueryRow(ctx, `UPDATE image_members SET status = $3, updated_at = $4
		WHERE image_id = $1 AND member = $2 RETURNING `+memberColumns, imageID, memberID, status, r.Now()))
	if errors.Is(err, pgx.ErrNoRows) {
		return Member{}, fault.New(fault.NotFound, "%s not found in the member list of the image %s.", memberID, imageID)
	}
	if err != nil {
		return Member{}, fmt.Errorf("update image member: %w", err)
	}
	return m, nil
}

// DeleteMember removes a member; a missing one is fault.NotFound.
func (r *Registry) DeleteMember(ctx context.Context, imageID, memberID string) error {
	tag, err := r.db.Exec(ctx, `DELETE FROM image_members WHERE image_id = $1 AND member = $2`, imageID, memberID)
	if err != nil {
		return fmt.Errorf("delete image member: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.NotFound, "%s not found in the member list of the image %s.", memberID, imageID)
	}
	return nil
}

// CountMembers returns how many members an image has.
func (r *Registry) CountMembers(ctx context.Context, imageID string) (int, error) {
	var n int
	if err := r.db.QueryRow(ctx, `SELECT count(*) FROM image_members WHERE image_id = $1`, imageID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count image members: %w", err)
	}
	return n, nil
}
