// Package db is the PostgreSQL plumbing every service shares: it opens a
// pgx pool from the oslo-style `[database] connection` option, applies a
// service's schema migrations, runs transactions, and classifies
// PostgreSQL errors so stores can map them to fault kinds.
//
// Migrations are goose SQL files (`-- +goose Up` / `-- +goose Down`), one
// folder per service database (see the top-level migrations package).
// goose records applied versions in its default table, goose_db_version,
// in each service database; we keep that name so goose's own tools and
// docs apply unchanged. Concurrent runners (several daemons starting at
// once, or `gostack-manage db sync` twice) serialize on a PostgreSQL
// session advisory lock, which is scoped to the one database.
package db
