package store

import (
	"context"
	"fmt"

	"github.com/gostack/gostack/compute/objects"
)

// CreateFault records an instance fault. The message is cut to the
// column's 255 characters, as nova does.
func (s *Store) CreateFault(ctx context.Context, f objects.Fault) error {
	if f.Code == 0 {
		f.Code = 500
	}
	msg := f.Message
	if r := []rune(msg); len(r) > 255 {
		msg = string(r[:255])
	}
	_, err := s.q.Exec(ctx, `INSERT INTO instance_faults (instance_uuid, code, message, details, host)
		VALUES ($1, $2, $3, $4, $5)`, f.InstanceUUID, f.Code, msg, nullStr(f.Details), nullStr(f.Host))
	if err != nil {
		return fmt.Errorf("create instance fault: %w", err)
	}
	return nil
}

// LatestFaults returns each instance's newest fault, by uuid.
func (s *Store) LatestFaults(ctx context.Context, uuids []string) (map[string]objects.Fault, error) {
	out := map[string]objects.Fault{}
	if len(uuids) == 0 {
		return out, nil
	}
	rows, err := s.q.Query(ctx, `SELECT DISTINCT ON (instance_uuid) instance_uuid::text, code, message,
		coalesce(details, ''), coalesce(host, ''), created_at FROM instance_faults
		WHERE instance_uuid = ANY($1::uuid[]) ORDER BY instance_uuid, id DESC`, uuids)
	if err != nil {
		return nil, fmt.Errorf("instance faults: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f objects.Fault
		if err := rows.Scan(&f.InstanceUUID, &f.Code, &f.Message, &f.Details, &f.Host, &f.CreatedAt); err != nil {
			return nil, err
		}
		out[f.InstanceUUID] = f
	}
	return out, rows.Err()
}
