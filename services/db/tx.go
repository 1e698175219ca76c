package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// MaxTxAttempts bounds how often InTx runs a transaction that keeps losing
// serialization or deadlock races.
const MaxTxAttempts = 3

// rollbackTimeout bounds a rollback that runs after the caller's context
// is done.
const rollbackTimeout = 5 * time.Second

// InTx runs fn in a read-committed transaction; see InTxWith.
func InTx(ctx context.Context, db TxBeginner, fn func(pgx.Tx) error) error {
	return InTxWith(ctx, db, pgx.TxOptions{}, fn)
}

// InTxWith runs fn in a transaction with the given options. It commits
// when fn returns nil and rolls back when fn returns an error or panics
// (the panic is then re-raised). When the transaction fails with a
// serialization failure or a deadlock, InTxWith runs it again, at most
// MaxTxAttempts times in all, so fn must touch nothing but tx.
func InTxWith(ctx context.Context, db TxBeginner, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := runTx(ctx, db, opts, fn)
		if err == nil || !IsRetryable(err) || attempt >= MaxTxAttempts {
			return err
		}
		if perr := pause(ctx, time.Duration(attempt)*10*time.Millisecond); perr != nil {
			return fmt.Errorf("%w (not retried: %w)", err, perr)
		}
	}
}

func runTx(ctx context.Context, db TxBeginner, opts pgx.TxOptions, fn func(pgx.Tx) error) (err error) {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			rollback(ctx, tx)
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		rollback(ctx, tx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	return nil
}

// rollback ends tx even when ctx is already done. A failed rollback needs
// no report: pgx then closes the connection, which aborts the transaction.
func rollback(ctx context.Context, tx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	_ = tx.Rollback(ctx)
}

func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
