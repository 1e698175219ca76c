package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// Credential is a stored credential (keystone's credential table): the
// blob only ever in its encrypted form, with the hash of the key that
// encrypted it. The API encrypts and decrypts (identity/credential).
type Credential struct {
	ID            string
	UserID        string
	ProjectID     string
	Type          string
	EncryptedBlob string
	KeyHash       string
	Extra         map[string]any
}

// CredentialFilter selects credentials; zero fields do not filter.
type CredentialFilter struct {
	UserID string
	Type   string
}

const credentialCols = "id, user_id, COALESCE(project_id, ''), type, encrypted_blob, key_hash, extra"

func scanCredential(row pgx.Row) (Credential, error) {
	var c Credential
	err := row.Scan(&c.ID, &c.UserID, &c.ProjectID, &c.Type, &c.EncryptedBlob, &c.KeyHash, &c.Extra)
	return c, err
}

// CreateCredential stores c, whose ID the caller chose.
func (s *Store) CreateCredential(ctx context.Context, c Credential) (Credential, error) {
	out, err := scanCredential(s.pool.QueryRow(ctx, "INSERT INTO credential (id, user_id, project_id, type, encrypted_blob, key_hash, extra) "+
		"VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING "+credentialCols,
		c.ID, c.UserID, nullable(c.ProjectID), c.Type, c.EncryptedBlob, c.KeyHash, jsonMap(c.Extra)))
	if db.IsUniqueViolation(err) {
		return Credential{}, conflict(err, "credential", "ID", c.ID, "")
	}
	if err != nil {
		return Credential{}, internal(err, "create credential")
	}
	return out, nil
}

// GetCredential returns the credential with id.
func (s *Store) GetCredential(ctx context.Context, id string) (Credential, error) {
	c, err := scanCredential(s.pool.QueryRow(ctx, "SELECT "+credentialCols+" FROM credential WHERE id = $1", id))
	if isNoRows(err) {
		return Credential{}, notFound("credential", id)
	}
	if err != nil {
		return Credential{}, internal(err, "get credential")
	}
	return c, nil
}

// ListCredentials returns the credentials f selects, oldest first.
func (s *Store) ListCredentials(ctx context.Context, f CredentialFilter) ([]Credential, error) {
	var w where
	if f.UserID != "" {
		w.add("user_id = ?", f.UserID)
	}
	if f.Type != "" {
		w.add("type = ?", f.Type)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+credentialCols+" FROM credential"+w.sql()+" ORDER BY created_at, id", w.args...)
	if err != nil {
		return nil, internal(err, "list credentials")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Credential, error) { return scanCredential(r) })
	if err != nil {
		return nil, internal(err, "list credentials")
	}
	return out, nil
}

// UpdateCredential replaces the stored fields of the credential c.ID
// (the caller merged the change into the current credential).
func (s *Store) UpdateCredential(ctx context.Context, c Credential) (Credential, error) {
	out, err := scanCredential(s.pool.QueryRow(ctx, "UPDATE credential SET user_id=$2, project_id=$3, type=$4, encrypted_blob=$5, key_hash=$6, extra=$7 "+
		"WHERE id=$1 RETURNING "+credentialCols,
		c.ID, c.UserID, nullable(c.ProjectID), c.Type, c.EncryptedBlob, c.KeyHash, jsonMap(c.Extra)))
	if isNoRows(err) {
		return Credential{}, notFound("credential", c.ID)
	}
	if err != nil {
		return Credential{}, internal(err, "update credential")
	}
	return out, nil
}

// DeleteCredential removes a credential.
func (s *Store) DeleteCredential(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM credential WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete credential")
	}
	if tag.RowsAffected() == 0 {
		return notFound("credential", id)
	}
	return nil
}
