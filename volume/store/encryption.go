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

// Encryption is a volume type's encryption type (cinder's encryption
// table): how volumes of the type would be encrypted.
type Encryption struct {
	EncryptionID    string
	VolumeTypeID    string
	Provider        *string
	Cipher          *string
	KeySize         *int
	ControlLocation *string
	CreatedAt       time.Time
	UpdatedAt       *time.Time
}

// EncryptionUpdate lists what to change; a nil field is kept, a field
// pointing at nil is set to null.
type EncryptionUpdate struct {
	Provider        **string
	Cipher          **string
	KeySize         **int
	ControlLocation **string
}

// Apply sets the fields u changes in e.
func (u EncryptionUpdate) Apply(e *Encryption) {
	if u.Provider != nil {
		e.Provider = *u.Provider
	}
	if u.Cipher != nil {
		e.Cipher = *u.Cipher
	}
	if u.KeySize != nil {
		e.KeySize = *u.KeySize
	}
	if u.ControlLocation != nil {
		e.ControlLocation = *u.ControlLocation
	}
}

// EncryptionNotFound is cinder's VolumeTypeEncryptionNotFound.
func EncryptionNotFound(typeID string) error {
	return fault.New(fault.NotFound, "Volume type encryption for type %s does not exist.", typeID)
}

// The encryption of a deleted type is gone with it, as upstream's.
const encryptionColumns = `e.encryption_id, e.volume_type_id, e.provider, e.cipher, e.key_size, e.control_location,
	e.created_at, e.updated_at`

const encryptionFrom = ` FROM encryption e JOIN volume_types t ON t.id = e.volume_type_id AND t.deleted_at IS NULL`

// GetEncryption returns a type's encryption, or nil when it has none.
func (s *Store) GetEncryption(ctx context.Context, typeID string) (*Encryption, error) {
	if !isUUID(typeID) {
		return nil, nil
	}
	var e Encryption
	err := s.pool.QueryRow(ctx, `SELECT `+encryptionColumns+encryptionFrom+` WHERE e.volume_type_id = $1`, typeID).
		Scan(&e.EncryptionID, &e.VolumeTypeID, &e.Provider, &e.Cipher, &e.KeySize, &e.ControlLocation, &e.CreatedAt, &e.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get encryption of volume type %s: %w", typeID, err)
	}
	return &e, nil
}

// CreateEncryption inserts a type's encryption; a second one is cinder's
// VolumeTypeEncryptionExists (400).
func (s *Store) CreateEncryption(ctx context.Context, e Encryption) (Encryption, error) {
	_, err := s.pool.Exec(ctx, `INSERT INTO encryption (encryption_id, volume_type_id, provider, cipher, key_size, control_location)
		VALUES ($1,$2,$3,$4,$5,$6)`, e.EncryptionID, e.VolumeTypeID, e.Provider, e.Cipher, e.KeySize, e.ControlLocation)
	if db.IsUniqueViolation(err) {
		return Encryption{}, fault.New(fault.Invalid, "Volume type encryption for type %s already exists.", e.VolumeTypeID)
	}
	if err != nil {
		return Encryption{}, fmt.Errorf("create encryption of volume type %s: %w", e.VolumeTypeID, err)
	}
	got, err := s.GetEncryption(ctx, e.VolumeTypeID)
	if err != nil {
		return Encryption{}, err
	}
	if got == nil {
		return Encryption{}, EncryptionNotFound(e.VolumeTypeID)
	}
	return *got, nil
}

// UpdateEncryption changes a type's encryption.
func (s *Store) UpdateEncryption(ctx context.Context, typeID string, u EncryptionUpdate) error {
	e, err := s.GetEncryption(ctx, typeID)
	if err != nil {
		return err
	}
	if e == nil {
		return EncryptionNotFound(typeID)
	}
	u.Apply(e)
	_, err = s.pool.Exec(ctx, `UPDATE encryption SET provider = $2, cipher = $3, key_size = $4, control_location = $5,
		updated_at = now() WHERE encryption_id = $1`, e.EncryptionID, e.Provider, e.Cipher, e.KeySize, e.ControlLocation)
	if err != nil {
		return fmt.Errorf("update encryption of volume type %s: %w", typeID, err)
	}
	return nil
}

// DeleteEncryption removes a type's encryption.
func (s *Store) DeleteEncryption(ctx context.Context, typeID string) error {
	e, err := s.GetEncryption(ctx, typeID)
	if err != nil {
		return err
	}
	if e == nil {
		return EncryptionNotFound(typeID)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM encryption WHERE encryption_id = $1`, e.EncryptionID); err != nil {
		return fmt.Errorf("delete encryption of volume type %s: %w", typeID, err)
	}
	return nil
}

// TypeInUse reports whether volumes of the type exist (cinder's
// volume_type_encryption_volume_get, in any project).
func (s *Store) TypeInUse(ctx context.Context, typeID string) (bool, error) {
	if !isUUID(typeID) {
		return false, nil
	}
	var used bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS(SELECT 1 FROM volumes WHERE volume_type_id = $1)`, typeID).Scan(&used)
	if err != nil {
		return false, fmt.Errorf("volumes of type %s: %w", typeID, err)
	}
	return used, nil
}
