package registry

import (
	"context"
	"fmt"
	"time"
)

// Task statuses (glance/domain Task).
const (
	TaskPending    = "pending"
	TaskProcessing = "processing"
	TaskSuccess    = "success"
	TaskFailure    = "failure"
)

// Task is one glance task (the import of an image's data).
type Task struct {
	ID        string
	Type      string
	Status    string
	Owner     string
	ExpiresAt *time.Time
	ImageID   string
	RequestID string
	UserID    string
	Input     map[string]any
	Result    map[string]any // nil until it succeeds
	Message   string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CreateTask records a new task.
func (r *Registry) CreateTask(ctx context.Context, t Task) error {
	_, err := r.db.Exec(ctx, `INSERT INTO tasks (id, type, status, owner, expires_at, image_id, request_id,
			user_id, input, result, message, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)`,
		t.ID, t.Type, t.Status, t.Owner, t.ExpiresAt, t.ImageID, t.RequestID, t.UserID, t.Input, t.Result, t.Message, r.Now())
	if err != nil {
		return fmt.Errorf("create task %s: %w", t.ID, err)
	}
	return nil
}

// FinishTask sets a task's status, with its result or message, and when
// it ends (success or failure) when it expires: ttl after now.
func (r *Registry) FinishTask(ctx context.Context, id, status string, result map[string]any, message string, ttl time.Duration) error {
	now := r.Now()
	var expires *time.Time
	if status == TaskSuccess || status == TaskFailure {
		e := now.Add(ttl)
		expires = &e
	}
	_, err := r.db.Exec(ctx, `UPDATE tasks SET status=$2, result=$3, message=$4, expires_at=$5, updated_at=$6 WHERE id=$1`,
		id, status, result, message, expires, now)
	if err != nil {
		return fmt.Errorf("update task %s: %w", id, err)
	}
	return nil
}

// TasksOfImage returns the tasks of an image that have not expired,
// oldest first (glance's tasks_get_by_image).
func (r *Registry) TasksOfImage(ctx context.Context, imageID string) ([]Task, error) {
	rows, err := r.db.Query(ctx, `SELECT id, type, status, owner, expires_at, image_id, COALESCE(request_id, ''),
			COALESCE(user_id, ''), input, result, message, created_at, updated_at
		FROM tasks WHERE image_id = $1 AND NOT deleted AND (expires_at IS NULL OR expires_at >= $2)
		ORDER BY created_at, id`, imageID, r.now())
	if err != nil {
		return nil, fmt.Errorf("tasks of image %s: %w", imageID, err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		if err := rows.Scan(&t.ID, &t.Type, &t.Status, &t.Owner, &t.ExpiresAt, &t.ImageID, &t.RequestID, &t.UserID,
			&t.Input, &t.Result, &t.Message, &t.CreatedAt, &t.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
