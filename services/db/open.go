package db

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/fault"
)

// Open builds a pool from the options and checks that the database
// answers. An unreachable server, a refused login or a missing database is
// a fault.Unavailable whose message names host:port/dbname and the user,
// never the password.
func Open(ctx context.Context, opts Options) (*pgxpool.Pool, error) {
	cfg, err := PoolConfig(opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fault.Wrap(err, fault.Invalid, "[database] connection to %s is not usable", Target(cfg))
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, unreachable(cfg, err)
	}
	return pool, nil
}

// unreachable explains a failed first connection. The server's own
// message (a failed login, a missing database) is safe and useful to show;
// network errors get a hint instead, and the full error stays the cause.
func unreachable(cfg *pgxpool.Config, err error) error {
	user := cfg.ConnConfig.User
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fault.Wrap(err, fault.Unavailable,
			"cannot connect to PostgreSQL at %s as user %q: %s; check [database] connection",
			Target(cfg), user, pgErr.Message)
	}
	return fault.Wrap(err, fault.Unavailable,
		"cannot reach PostgreSQL at %s as user %q: is the server running and reachable? check [database] connection",
		Target(cfg), user)
}
