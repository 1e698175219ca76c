package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Message is a user message: an asynchronous failure told to the project.
type Message struct {
	ID           string
	ProjectID    string
	RequestID    *string
	ResourceType string
	ResourceUUID string
	EventID      string
	ActionID     string
	DetailID     string
	Level        string
	CreatedAt    time.Time
	ExpiresAt    *time.Time
}

const messageColumns = `id, project_id, request_id, coalesce(resource_type,''), coalesce(resource_uuid,''), event_id,
	action_id, detail_id, message_level, created_at, expires_at`

func scanMessage(row pgx.Row) (Message, error) {
	var m Message
	err := row.Scan(&m.ID, &m.ProjectID, &m.RequestID, &m.ResourceType, &m.ResourceUUID, &m.EventID,
		&m.ActionID, &m.DetailID, &m.Level, &m.CreatedAt, &m.ExpiresAt)
	return m, err
}

// CreateMessage records a message that expires after ttl.
func (s *Store) CreateMessage(ctx context.Context, m Message, ttl time.Duration) error {
	if m.ID == "" {
		m.ID = uuid.NewString()
	}
	if m.Level == "" {
		m.Level = "ERROR"
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO messages (id, project_id, request_id, resource_type, resource_uuid,
		event_id, action_id, detail_id, message_level, expires_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9, now() + make_interval(secs => $10))`,
		m.ID, m.ProjectID, m.RequestID, m.ResourceType, m.ResourceUUID, m.EventID, m.ActionID, m.DetailID, m.Level,
		ttl.Seconds())
	if err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	return nil
}

// GetMessage returns a message.
func (s *Store) GetMessage(ctx context.Context, id string) (Message, error) {
	if !isUUID(id) {
		return Message{}, fault.New(fault.NotFound, "Message %s could not be found.", id)
	}
	m, err := scanMessage(s.pool.QueryRow(ctx, `SELECT `+messageColumns+` FROM messages WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Message{}, fault.New(fault.NotFound, "Message %s could not be found.", id)
	}
	return m, err
}

// ListMessages returns the unexpired messages of a project ("" = all),
// newest first, optionally about one resource.
func (s *Store) ListMessages(ctx context.Context, project, resource string) ([]Message, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+messageColumns+` FROM messages
		WHERE ($1 = '' OR project_id = $1) AND ($2 = '' OR resource_uuid = $2)
		AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at DESC, id`, project, resource)
	if err != nil {
		return nil, fmt.Errorf("list messages: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DeleteMessage removes a message.
func (s *Store) DeleteMessage(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM messages WHERE id = $1`, id)
	return err
}
