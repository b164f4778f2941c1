package models

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// Raw is a statement of the hot write path run straight on a transaction's connection,
// past gorm's statement builder, callbacks and reflection. On SQLite the writer runs the
// transactions of a batch one after the other, so what each statement costs in Go is paid
// in series by every refresh: gorm's Create of one row cost more than SQLite's insert.
// Raw statements are written once with ? placeholders; PostgreSQL's $n form is made when
// the Raw is, not per call.
type Raw struct{ sqlite, postgres string }

// NewRaw is the statement query, with ? placeholders (none inside a string literal).
func NewRaw(query string) Raw {
	var b strings.Builder
	n := 0
	for part := range strings.SplitSeq(query, "?") {
		if n > 0 {
			b.WriteString("$" + strconv.Itoa(n))
		}
		b.WriteString(part)
		n++
	}
	return Raw{sqlite: query, postgres: b.String()}
}

func (r Raw) text(tx *gorm.DB) string {
	if IsPostgres(tx) {
		return r.postgres
	}
	return r.sqlite
}

// Exec runs the statement in tx (a transaction from Transaction) and reports the rows it
// changed.
func (r Raw) Exec(tx *gorm.DB, args ...any) (int64, error) {
	res, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, r.text(tx), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ReadStmt is a Raw SELECT prepared on a database's read pool at its first use (beside
// SQLite's writer, never queued behind it), for a read on every request. Its zero value is
// ready; it belongs to the one database it is first used with. If preparing fails (the
// database was down at first use), every call runs the query unprepared instead, so that
// calls succeed again once the database is back.
type ReadStmt struct {
	once sync.Once
	pool *sql.DB
	stmt *sql.Stmt
}

// QueryRow runs q with args on db's read pool.
func (s *ReadStmt) QueryRow(ctx context.Context, db *gorm.DB, q Raw, args ...any) *sql.Row {
	s.once.Do(func() {
		pool, err := readPool(db)
		if err != nil {
			return
		}
		s.pool = pool
		// Not under ctx: one request's cancellation would leave the query unprepared for
		// the life of the process. A failure leaves stmt nil: the query runs unprepared.
		if stmt, err := pool.PrepareContext(context.WithoutCancel(ctx), q.text(db)); err == nil {
			s.stmt = stmt
		}
	})
	if s.stmt != nil {
		return s.stmt.QueryRowContext(ctx, args...)
	}
	if s.pool != nil {
		return s.pool.QueryRowContext(ctx, q.text(db), args...)
	}
	return db.WithContext(ctx).Raw(q.sqlite, args...).Row()
}
