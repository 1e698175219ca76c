package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// KeyPair is a user's public key (nova's KeyPair).
type KeyPair struct {
	ID          int64
	Name        string
	UserID      string
	Fingerprint string
	PublicKey   string
	Type        string // ssh or x509
	CreatedAt   time.Time
	UpdatedAt   *time.Time
}

const keyPairColumns = `id, name, user_id, fingerprint, public_key, type, created_at, updated_at`

func scanKeyPair(row pgx.Row) (KeyPair, error) {
	var k KeyPair
	err := row.Scan(&k.ID, &k.Name, &k.UserID, &k.Fingerprint, &k.PublicKey, &k.Type, &k.CreatedAt, &k.UpdatedAt)
	return k, err
}

// KeyPairNotFound is nova's KeypairNotFound.
func KeyPairNotFound(user, name string) error {
	return fault.New(fault.NotFound, "Keypair %s not found for user %s", name, user)
}

// CreateKeyPair stores a keypair; a duplicate name of the user conflicts.
func (s *Store) CreateKeyPair(ctx context.Context, k KeyPair) (KeyPair, error) {
	out, err := scanKeyPair(s.q.QueryRow(ctx, `INSERT INTO key_pairs (name, user_id, fingerprint, public_key, type)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+keyPairColumns, k.Name, k.UserID, k.Fingerprint, k.PublicKey, k.Type))
	if db.IsUniqueViolation(err) {
		return KeyPair{}, fault.New(fault.Conflict, "Key pair '%s' already exists.", k.Name)
	}
	if err != nil {
		return KeyPair{}, fmt.Errorf("create keypair: %w", err)
	}
	return out, nil
}

// GetKeyPair returns a user's keypair by name.
func (s *Store) GetKeyPair(ctx context.Context, userID, name string) (KeyPair, error) {
	k, err := scanKeyPair(s.q.QueryRow(ctx, `SELECT `+keyPairColumns+` FROM key_pairs WHERE user_id = $1 AND name = $2`, userID, name))
	if errors.Is(err, pgx.ErrNoRows) {
		return KeyPair{}, KeyPairNotFound(userID, name)
	}
	return k, err
}

// ListKeyPairs lists a user's keypairs by name after marker.
func (s *Store) ListKeyPairs(ctx context.Context, userID string, limit int, marker string) ([]KeyPair, error) {
	if marker != "" {
		if _, err := s.GetKeyPair(ctx, userID, marker); err != nil {
			return nil, fault.New(fault.Invalid, "marker [%s] not found", marker)
		}
	}
	q := `SELECT ` + keyPairColumns + ` FROM key_pairs WHERE user_id = $1 AND name > $2 ORDER BY name`
	args := []any{userID, marker}
	if limit > 0 {
		q += " LIMIT $3"
		args = append(args, limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list keypairs: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (KeyPair, error) { return scanKeyPair(r) })
}

// CountKeyPairs counts a user's keypairs (the key_pairs quota).
func (s *Store) CountKeyPairs(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.q.QueryRow(ctx, `SELECT count(*) FROM key_pairs WHERE user_id = $1`, userID).Scan(&n)
	return n, err
}

// DeleteKeyPair removes a user's keypair.
func (s *Store) DeleteKeyPair(ctx context.Context, userID, name string) error {
	tag, err := s.q.Exec(ctx, `DELETE FROM key_pairs WHERE user_id = $1 AND name = $2`, userID, name)
	if err != nil {
		return fmt.Errorf("delete keypair: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return KeyPairNotFound(userID, name)
	}
	return nil
}
