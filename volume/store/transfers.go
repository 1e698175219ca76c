package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Transfer is one row of transfers.
type Transfer struct {
	ID        string
	VolumeID  string
	ProjectID string
	Name      *string
	Salt      string
	CryptHash string
	CreatedAt time.Time
}

const transferColumns = `id, volume_id, project_id, display_name, salt, crypt_hash, created_at`

func scanTransfer(row pgx.Row) (Transfer, error) {
	var t Transfer
	err := row.Scan(&t.ID, &t.VolumeID, &t.ProjectID, &t.Name, &t.Salt, &t.CryptHash, &t.CreatedAt)
	return t, err
}

// TransferNotFound is cinder's TransferNotFound.
func TransferNotFound(id string) error {
	return fault.New(fault.NotFound, "Transfer %s could not be found.", id)
}

// CreateTransfer inserts a transfer.
func (s *Store) CreateTransfer(ctx context.Context, t Transfer) (Transfer, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO transfers (id, volume_id, project_id, display_name, salt, crypt_hash)
		VALUES ($1,$2,$3,$4,$5,$6)`, t.ID, t.VolumeID, t.ProjectID, t.Name, t.Salt, t.CryptHash)
	if err != nil {
		return Transfer{}, fmt.Errorf("create transfer: %w", err)
	}
	return s.GetTransfer(ctx, t.ID)
}

// GetTransfer returns a transfer.
func (s *Store) GetTransfer(ctx context.Context, id string) (Transfer, error) {
	if !isUUID(id) {
		return Transfer{}, TransferNotFound(id)
	}
	t, err := scanTransfer(s.pool.QueryRow(ctx, `SELECT `+transferColumns+` FROM transfers WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return Transfer{}, TransferNotFound(id)
	}
	return t, err
}

// ListTransfers returns the transfers of a project ("" = all), oldest first.
func (s *Store) ListTransfers(ctx context.Context, project string) ([]Transfer, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+transferColumns+` FROM transfers WHERE ($1 = '' OR project_id = $1)
		ORDER BY created_at, id`, project)
	if err != nil {
		return nil, fmt.Errorf("list transfers: %w", err)
	}
	defer rows.Close()
	out := []Transfer{}
	for rows.Next() {
		t, err := scanTransfer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// DeleteTransfer removes a transfer.
func (s *Store) DeleteTransfer(ctx context.Context, id string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM transfers WHERE id = $1`, id)
	return err
}

// MoveVolume gives a volume (and its snapshots) to another project and user.
func (s *Store) MoveVolume(ctx context.Context, id, project, user string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE volumes SET project_id = $2, user_id = $3, status = 'available', updated_at = now()
		WHERE id = $1`, id, project, user); err != nil {
		return fmt.Errorf("move volume: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `UPDATE snapshots SET project_id = $2, user_id = $3, updated_at = now() WHERE volume_id = $1`,
		id, project, user); err != nil {
		return fmt.Errorf("move snapshots: %w", err)
	}
	return nil
}
