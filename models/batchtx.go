package models

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// batchTx is a batch's transaction as gorm sees it (a gorm.ConnPool): a statement the
// writer has prepared before runs through it (sql.Tx.StmtContext reuses what the
// connection prepared); another runs as it is and is prepared once the transaction has
// ended, when the writer's one connection is free: preparing it now would wait for the
// connection this transaction holds.
type batchTx struct {
	tx     *sql.Tx
	stmts  *statements
	missed []string
	// bound are the prepared statements bound to tx so far: the requests of a batch run
	// the same few statements, and sql.Tx.StmtContext makes a new binding at every call.
	bound map[*sql.Stmt]*sql.Stmt
}

func (t *batchTx) stmt(ctx context.Context, query string) *sql.Stmt {
	s := t.stmts.byQuery[query]
	if s == nil {
		t.missed = append(t.missed, query)
		return nil
	}
	if b := t.bound[s]; b != nil {
		return b
	}
	b := t.tx.StmtContext(ctx, s)
	if t.bound == nil {
		t.bound = make(map[*sql.Stmt]*sql.Stmt, 8)
	}
	t.bound[s] = b
	return b
}

func (t *batchTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

func (t *batchTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t *batchTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t *batchTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := t.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// Commit and Rollback make gorm see a transaction, so that a nested tx.Transaction is a
// savepoint; the batch itself commits or rolls back, never one of its requests.
func (t *batchTx) Commit() error   { return errBatchOwned }
func (t *batchTx) Rollback() error { return errBatchOwned }

var errBatchOwned = errors.New("database: a transaction of a batch commits with its batch")

// maxStatements bounds the writer's prepared statements: the app's writes are a few dozen.
const maxStatements = 256

// statements are the writer's prepared statements by query.
type statements struct{ byQuery map[string]*sql.Stmt }

// learn prepares the queries a transaction ran unprepared. Savepoints are left out: gorm
// names a nested one afresh each time.
func (s *statements) learn(ctx context.Context, writer *sql.DB, queries []string) {
	for _, q := range queries {
		if s.byQuery[q] != nil || len(s.byQuery) >= maxStatements || isSavepoint(q) {
			continue
		}
		stmt, err := writer.PrepareContext(ctx, q)
		if err != nil {
			continue // it ran unprepared, and will again
		}
		if s.byQuery == nil {
			s.byQuery = map[string]*sql.Stmt{}
		}
		s.byQuery[q] = stmt
	}
}

func isSavepoint(query string) bool {
	verb, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	switch strings.ToUpper(verb) {
	case "SAVEPOINT", "RELEASE", "ROLLBACK":
		return !strings.Contains(query, `"batch"`)
	}
	return false
}

func (s *statements) close() {
	for _, stmt := range s.byQuery {
		stmt.Close()
	}
	s.byQuery = nil
}
