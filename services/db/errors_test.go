package db_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gostack/gostack/services/db"
)

func TestErrorClassification(t *testing.T) {
	ctx := ctxFor(t)
	pool, _ := openFresh(t)
	mustExec(t, pool, "CREATE TABLE parents (id int PRIMARY KEY, name text CONSTRAINT parents_name_key UNIQUE)")
	mustExec(t, pool, "CREATE TABLE children (id int PRIMARY KEY, parent_id int REFERENCES parents (id))")
	mustExec(t, pool, "INSERT INTO parents VALUES (1, 'a')")

	_, dup := pool.Exec(ctx, "INSERT INTO parents VALUES (2, 'a')")
	_, orphan := pool.Exec(ctx, "INSERT INTO children VALUES (1, 42)")
	var id int
	missing := pool.QueryRow(ctx, "SELECT id FROM parents WHERE id = 99").Scan(&id)
	wrapped := fmt.Errorf("create parent: %w", dup)

	tests := []struct {
		name               string
		err                error
		unique, fk, notFnd bool
		constraint         string
	}{
		{"duplicate", dup, true, false, false, "parents_name_key"},
		{"wrapped duplicate", wrapped, true, false, false, "parents_name_key"},
		{"foreign key", orphan, false, true, false, "children_parent_id_fkey"},
		{"no rows", missing, false, false, true, ""},
		{"plain", errors.New("x"), false, false, false, ""},
		{"nil", nil, false, false, false, ""},
	}
	for _, tt := range tests {
		if db.IsUniqueViolation(tt.err) != tt.unique || db.IsForeignKeyViolation(tt.err) != tt.fk ||
			db.IsNotFound(tt.err) != tt.notFnd || db.ConstraintName(tt.err) != tt.constraint {
			t.Errorf("%s (%v): unique=%v fk=%v notfound=%v constraint=%q", tt.name, tt.err,
				db.IsUniqueViolation(tt.err), db.IsForeignKeyViolation(tt.err), db.IsNotFound(tt.err), db.ConstraintName(tt.err))
		}
	}
}
