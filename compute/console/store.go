package console

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/fault"
)

// Store keeps console tokens in nova's console_auth_tokens table.
type Store struct {
	pool *pgxpool.Pool
	now  func() time.Time
}

// NewStore returns a Store over nova's database.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, now: time.Now} }

// ErrInvalidToken is returned for a token that is unknown, expired, or for
// an instance that is gone or no longer on the token's host.
var ErrInvalidToken = errors.New("console: invalid or expired token")

// Authorize records a for a new token and returns the token; a.Expires is
// set from ttl. Expired tokens are purged on the way.
func (s *Store) Authorize(ctx context.Context, a Authorization, ttl time.Duration) (string, Authorization, error) {
	now := s.now()
	a.Expires = now.Add(ttl).Truncate(time.Second)
	token := NewToken()
	if _, err := s.pool.Exec(ctx, `DELETE FROM console_auth_tokens WHERE expires <= $1`, now.Unix()); err != nil {
		return "", a, fault.Wrap(err, fault.Internal, "Could not issue a console token.")
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO console_auth_tokens
		(token_hash, console_type, host, port, internal_access_path, instance_uuid, instance_host, access_url_base, expires)
		VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, NULLIF($8, ''), $9)`,
		HashToken(token), a.ConsoleType, a.Host, a.Port, a.InternalAccessPath, a.InstanceUUID, a.InstanceHost, a.AccessURLBase, a.Expires.Unix())
	if err != nil {
		return "", a, fault.Wrap(err, fault.Internal, "Could not issue a console token.")
	}
	return token, a, nil
}

// Validate returns what token grants. The token must be known and not
// expired, and its instance must still exist on the token's host (so a
// token never reaches another guest that later took the same VNC port).
func (s *Store) Validate(ctx context.Context, token string) (Authorization, error) {
	if token == "" {
		return Authorization{}, ErrInvalidToken
	}
	var a Authorization
	var exp int64
	var path, base *string
	err := s.pool.QueryRow(ctx, `SELECT t.instance_uuid::text, t.instance_host, t.console_type, t.host, t.port,
			t.internal_access_path, t.access_url_base, t.expires
		FROM console_auth_tokens t
		JOIN instances i ON i.uuid = t.instance_uuid AND i.deleted_at IS NULL AND i.host = t.instance_host
		WHERE t.token_hash = $1 AND t.expires > $2`, HashToken(token), s.now().Unix()).
		Scan(&a.InstanceUUID, &a.InstanceHost, &a.ConsoleType, &a.Host, &a.Port, &path, &base, &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return Authorization{}, ErrInvalidToken
	}
	if err != nil {
		return Authorization{}, fault.Wrap(err, fault.Unavailable, "Could not check the console token.")
	}
	if path != nil {
		a.InternalAccessPath = *path
	}
	if base != nil {
		a.AccessURLBase = *base
	}
	a.Expires = time.Unix(exp, 0)
	return a, nil
}

// DeleteForInstance removes an instance's tokens (on delete, as nova's
// clean_console_auths_for_instance).
func (s *Store) DeleteForInstance(ctx context.Context, uuid string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM console_auth_tokens WHERE instance_uuid = $1`, uuid)
	return err
}
