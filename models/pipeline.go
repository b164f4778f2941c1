package models

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"
)

// A Step is one statement of a Pipeline, with its arguments.
type Step struct {
	Raw  Raw
	Args []any
}

// ErrUndone is Pipeline's answer when its check divided by zero: the check's way of saying
// that the steps did not all do their part, which rolled every one of them back.
var ErrUndone = errors.New("models: the pipeline's check failed; nothing of it was kept")

// Pipeline runs steps, then check, on PostgreSQL in one round trip: pgx sends them as one
// batch, which the server runs as one implicit transaction, each statement with a snapshot
// of its own, as in a READ COMMITTED transaction. check is a query of one integer, which
// Pipeline returns; a check that divides by zero fails the transaction, and Pipeline says
// ErrUndone. Any other error from the server also means nothing was kept (the transaction
// was rolled back); an error of the connection may not.
//
// It is for a transaction of a few writes that Go has nothing to decide between: a
// transaction is a round trip for BEGIN, one per statement and one for COMMIT, and under
// load each is a pair of context switches on the server's machine.
func Pipeline(ctx context.Context, db *gorm.DB, steps []Step, check Step) (int64, error) {
	if !IsPostgres(db) {
		return 0, errors.New("models: Pipeline needs PostgreSQL")
	}
	pool, err := writePool(db)
	if err != nil {
		return 0, err
	}
	conn, err := pool.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	var v int64
	err = conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return errors.New("models: Pipeline needs a pgx connection")
		}
		b := &pgx.Batch{}
		for _, s := range steps {
			b.Queue(s.Raw.postgres, s.Args...)
		}
		b.Queue(check.Raw.postgres, check.Args...)
		results := c.Conn().SendBatch(ctx, b)
		for range steps {
			if _, err := results.Exec(); err != nil {
				return errors.Join(err, results.Close())
			}
		}
		if err := results.QueryRow().Scan(&v); err != nil {
			return errors.Join(err, results.Close())
		}
		return results.Close()
	})
	if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && pgErr.Code == "22012" { // division_by_zero
		return 0, ErrUndone
	}
	return v, err
}
