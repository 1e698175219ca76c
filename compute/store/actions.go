package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

const actionColumns = `id, action, instance_uuid::text, request_id, coalesce(user_id, ''), coalesce(project_id, ''),
	start_time, finish_time, coalesce(message, ''), updated_at`

func scanAction(row pgx.Row) (objects.InstanceAction, error) {
	var a objects.InstanceAction
	err := row.Scan(&a.ID, &a.Action, &a.InstanceUUID, &a.RequestID, &a.UserID, &a.ProjectID,
		&a.StartTime, &a.FinishTime, &a.Message, &a.UpdatedAt)
	return a, err
}

func createAction(ctx context.Context, q db.Querier, instanceUUID string, a ActionStart) (objects.InstanceAction, error) {
	out, err := scanAction(q.QueryRow(ctx, `INSERT INTO instance_actions (action, instance_uuid, request_id, user_id, project_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+actionColumns, a.Action, instanceUUID, a.RequestID, a.UserID, a.ProjectID))
	if err != nil {
		return out, fmt.Errorf("create instance action: %w", err)
	}
	return out, nil
}

// CreateAction records a user request on an instance.
func (s *Store) CreateAction(ctx context.Context, instanceUUID string, a ActionStart) (objects.InstanceAction, error) {
	return createAction(ctx, s.q, instanceUUID, a)
}

// Actions lists an instance's actions, newest first.
func (s *Store) Actions(ctx context.Context, instanceUUID string) ([]objects.InstanceAction, error) {
	rows, err := s.q.Query(ctx, `SELECT `+actionColumns+` FROM instance_actions WHERE instance_uuid = $1
		ORDER BY created_at DESC, id DESC`, instanceUUID)
	if err != nil {
		return nil, fmt.Errorf("instance actions: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.InstanceAction, error) { return scanAction(r) })
}

// Action returns the latest action of an instance under a request id,
// with its events.
func (s *Store) Action(ctx context.Context, instanceUUID, requestID string) (objects.InstanceAction, error) {
	a, err := scanAction(s.q.QueryRow(ctx, `SELECT `+actionColumns+` FROM instance_actions
		WHERE instance_uuid = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1`, instanceUUID, requestID))
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fault.New(fault.NotFound, "Action for request_id %s on instance %s not found", requestID, instanceUUID)
	}
	if err != nil {
		return a, fmt.Errorf("instance action: %w", err)
	}
	rows, err := s.q.Query(ctx, `SELECT event, start_time, finish_time, coalesce(result, ''), coalesce(traceback, ''),
		coalesce(host, ''), coalesce(details, '') FROM instance_actions_events WHERE action_id = $1 ORDER BY id`, a.ID)
	if err != nil {
		return a, fmt.Errorf("instance action events: %w", err)
	}
	a.Events, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (objects.InstanceActionEvent, error) {
		var e objects.InstanceActionEvent
		err := r.Scan(&e.Event, &e.StartTime, &e.FinishTime, &e.Result, &e.Traceback, &e.Host, &e.Details)
		return e, err
	})
	return a, err
}

func (s *Store) actionID(ctx context.Context, instanceUUID, requestID string) (int64, error) {
	var id int64
	err := s.q.QueryRow(ctx, `SELECT id FROM instance_actions WHERE instance_uuid = $1 AND request_id = $2
		ORDER BY id DESC LIMIT 1`, instanceUUID, requestID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fault.New(fault.NotFound, "Action for request_id %s on instance %s not found", requestID, instanceUUID)
	}
	return id, err
}

// EventStart records the start of an event of the action under requestID.
func (s *Store) EventStart(ctx context.Context, instanceUUID, requestID, event, host string) error {
	id, err := s.actionID(ctx, instanceUUID, requestID)
	if err != nil {
		return err
	}
	_, err = s.q.Exec(ctx, `INSERT INTO instance_actions_events (action_id, event, host) VALUES ($1, $2, $3)`, id, event, nullStr(host))
	if err == nil {
		_, err = s.q.Exec(ctx, `UPDATE instance_actions SET updated_at = now() WHERE id = $1`, id)
	}
	return err
}

// EventFinish records the end of an event (starting it if it was never
// started) with its result; an error result marks the action "Error".
func (s *Store) EventFinish(ctx context.Context, instanceUUID, requestID, event, host, result, traceback, details string) error {
	id, err := s.actionID(ctx, instanceUUID, requestID)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE instance_actions_events SET finish_time = now(), result = $3, traceback = $4,
			details = $5, updated_at = now() WHERE id = (SELECT max(id) FROM instance_actions_events
			WHERE action_id = $1 AND event = $2 AND finish_time IS NULL)`, id, event, result, nullStr(traceback), nullStr(details))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO instance_actions_events (action_id, event, host, finish_time, result, traceback, details)
				VALUES ($1, $2, $3, now(), $4, $5, $6)`, id, event, nullStr(host), result, nullStr(traceback), nullStr(details)); err != nil {
				return err
			}
		}
		msg := "message"
		if result == objects.EventError {
			msg = "'Error'"
		}
		_, err = tx.Exec(ctx, `UPDATE instance_actions SET updated_at = now(), finish_time = now(), message = `+msg+` WHERE id = $1`, id)
		return err
	})
}
