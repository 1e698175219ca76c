package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
)

// AppCred is an application credential: a secret a user makes to let an
// application act with some of its roles on one project.
type AppCred struct {
	ID           string
	Name         string
	SecretHash   string
	Description  string
	UserID       string
	ProjectID    string
	System       string
	ExpiresAt    *time.Time
	Unrestricted bool
	RoleIDs      []string
	CreatedAt    time.Time
}

const appCredCols = `id, name, secret_hash, description, user_id, COALESCE(project_id, ''), COALESCE(system, ''), expires_at, unrestricted, created_at,
	ARRAY(SELECT role_id FROM application_credential_role r WHERE r.application_credential_id = application_credential.internal_id ORDER BY role_id)`

func scanAppCred(row pgx.Row) (AppCred, error) {
	var c AppCred
	err := row.Scan(&c.ID, &c.Name, &c.SecretHash, &c.Description, &c.UserID, &c.ProjectID, &c.System, &c.ExpiresAt, &c.Unrestricted, &c.CreatedAt, &c.RoleIDs)
	return c, err
}

// CreateAppCred stores c; an empty ID gets a new one.
func (s *Store) CreateAppCred(ctx context.Context, c AppCred) (AppCred, error) {
	if c.ID == "" {
		c.ID = NewID()
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var internalID int64
		err := tx.QueryRow(ctx, `INSERT INTO application_credential (id, name, secret_hash, description, user_id, project_id, system, expires_at, unrestricted)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING internal_id`,
			c.ID, c.Name, c.SecretHash, c.Description, c.UserID, nullable(c.ProjectID), nullable(c.System), c.ExpiresAt, c.Unrestricted).Scan(&internalID)
		if db.IsUniqueViolation(err) {
			return conflict(err, "application_credential", "name", c.Name, "")
		}
		if err != nil {
			return internal(err, "create application credential")
		}
		for _, r := range c.RoleIDs {
			if _, err := tx.Exec(ctx, "INSERT INTO application_credential_role VALUES ($1,$2) ON CONFLICT DO NOTHING", internalID, r); err != nil {
				return internal(err, "create application credential role")
			}
		}
		return nil
	})
	if err != nil {
		return AppCred{}, err
	}
	return s.GetAppCred(ctx, c.ID)
}

// GetAppCred returns the application credential with id.
func (s *Store) GetAppCred(ctx context.Context, id string) (AppCred, error) {
	c, err := scanAppCred(s.pool.QueryRow(ctx, "SELECT "+appCredCols+" FROM application_credential WHERE id = $1", id))
	if isNoRows(err) {
		return AppCred{}, notFound("Application Credential", id)
	}
	if err != nil {
		return AppCred{}, internal(err, "get application credential %s", id)
	}
	return c, nil
}

// GetAppCredByName returns the user's application credential named name.
func (s *Store) GetAppCredByName(ctx context.Context, userID, name string) (AppCred, error) {
	c, err := scanAppCred(s.pool.QueryRow(ctx, "SELECT "+appCredCols+" FROM application_credential WHERE user_id = $1 AND name = $2", userID, name))
	if isNoRows(err) {
		return AppCred{}, notFound("Application Credential", name)
	}
	if err != nil {
		return AppCred{}, internal(err, "get application credential %s", name)
	}
	return c, nil
}

// ListAppCreds returns the user's application credentials, optionally
// only the one named name.
func (s *Store) ListAppCreds(ctx context.Context, userID, name string) ([]AppCred, error) {
	var w where
	w.add("user_id = ?", userID)
	if name != "" {
		w.add("name = ?", name)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+appCredCols+" FROM application_credential"+w.sql()+" ORDER BY name", w.args...)
	if err != nil {
		return nil, internal(err, "list application credentials")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AppCred, error) { return scanAppCred(r) })
	if err != nil {
		return nil, internal(err, "list application credentials")
	}
	return out, nil
}

// DeleteAppCred removes an application credential.
func (s *Store) DeleteAppCred(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM application_credential WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete application credential %s", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound("Application Credential", id)
	}
	return nil
}
