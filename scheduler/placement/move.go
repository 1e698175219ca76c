package placement

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Move claims: during a move (resize, migration) the instance's claim on
// its source node is held by the migration's uuid, and the instance claims
// its new resources on the destination, as nova's move_allocations to the
// migration consumer. Confirming drops the migration's claim; reverting
// drops the instance's new claim and gives the migration's back to it.

// MoveClaim hands the claim of consumer from to consumer to (instance ->
// migration). It fails with fault.NotFound when from holds none and with
// fault.Conflict when to already holds one.
func (s *Store) MoveClaim(ctx context.Context, from, to string) error {
	if _, err := uuid.Parse(to); err != nil {
		return fault.New(fault.Invalid, "a claim needs a consumer uuid, got %q", to)
	}
	txb, ok := s.q.(db.TxBeginner)
	if !ok {
		return fault.New(fault.Internal, "placement: moving claims needs a store over a pool")
	}
	return db.InTx(ctx, txb, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM allocations WHERE consumer_uuid = $1`, to).Scan(&n); err != nil {
			return fmt.Errorf("read the claim of %s: %w", to, err)
		}
		if n > 0 {
			return fault.New(fault.Conflict, "Consumer %s already holds a claim.", to)
		}
		tag, err := tx.Exec(ctx, `UPDATE allocations SET consumer_uuid = $2 WHERE consumer_uuid = $1`, from, to)
		if err != nil {
			return fmt.Errorf("move the claim of %s to %s: %w", from, to, err)
		}
		if tag.RowsAffected() == 0 {
			return fault.New(fault.NotFound, "Consumer %s holds no claim to move.", from)
		}
		return nil
	})
}

// RevertMove gives the instance back the claim the migration holds,
// dropping the instance's own (new) claim first, in one transaction. When
// the migration holds no claim (already reverted, or never moved) nothing
// changes.
func (s *Store) RevertMove(ctx context.Context, instance, migration string) error {
	if _, err := uuid.Parse(instance); err != nil {
		return fault.New(fault.Invalid, "a claim needs a consumer uuid, got %q", instance)
	}
	if _, err := uuid.Parse(migration); err != nil {
		return fault.New(fault.Invalid, "a claim needs a consumer uuid, got %q", migration)
	}
	txb, ok := s.q.(db.TxBeginner)
	if !ok {
		return fault.New(fault.Internal, "placement: moving claims needs a store over a pool")
	}
	return db.InTx(ctx, txb, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM allocations WHERE consumer_uuid = $1`, migration).Scan(&n); err != nil {
			return fmt.Errorf("read the claim of %s: %w", migration, err)
		}
		if n == 0 {
			return nil // already reverted (a redelivered message), or never moved
		}
		if _, err := tx.Exec(ctx, `DELETE FROM allocations WHERE consumer_uuid = $1`, instance); err != nil {
			return fmt.Errorf("drop the claim of %s: %w", instance, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE allocations SET consumer_uuid = $2 WHERE consumer_uuid = $1`, migration, instance); err != nil {
			return fmt.Errorf("give the claim of %s back to %s: %w", migration, instance, err)
		}
		return nil
	})
}
