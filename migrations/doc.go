// Package migrations holds the SQL schema of every service database, one
// folder per service (keystone/, glance/, cinder/, nova/), embedded in the
// binaries so `gostack-manage db sync` needs no files on disk.
//
// Files are goose SQL migrations named NNNNN_what.sql with a
// `-- +goose Up` section and a `-- +goose Down` section; each runs in a
// transaction. Add a new file for every change: never edit one that has
// shipped. services/db applies them.
//
// Numbers rise by one within a component's range. Where two components
// share a database they take separate ranges, so each can add files
// without renumbering the other's: nova's API and conductor tables are
// 00001-00099, the scheduler's (compute nodes, allocations) 00100-00199.
// A number below one already applied is still applied (services/db allows
// out-of-order files).
package migrations
