// Package migrations holds the SQL schema of every service database, one
// folder per service (keystone/, glance/, cinder/, nova/), embedded in the
// binaries so `gostack-manage db sync` needs no files on disk.
//
// Files are goose SQL migrations named NNNNN_what.sql (00001_, 00002_, ...)
// with a `-- +goose Up` section and a `-- +goose Down` section; each runs
// in a transaction. Add a new file for every change: never edit one that
// has shipped. services/db applies them.
package migrations
