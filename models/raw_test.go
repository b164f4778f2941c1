package models

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"gorm.io/gorm"
)

func TestRawPlaceholders(t *testing.T) {
	for _, c := range []struct{ query, postgres string }{
		{`SAVEPOINT "batch"`, `SAVEPOINT "batch"`},
		{`SELECT 1 WHERE "a" = ?`, `SELECT 1 WHERE "a" = $1`},
		{`UPDATE "t" SET "a" = ?, "b" = ? WHERE "id" = (SELECT "x" FROM "u" WHERE "y" = ?)`, `UPDATE "t" SET "a" = $1, "b" = $2 WHERE "id" = (SELECT "x" FROM "u" WHERE "y" = $3)`},
	} {
		r := NewRaw(c.query)
		if r.sqlite != c.query || r.postgres != c.postgres {
			t.Errorf("NewRaw(%q) = %q / %q, want the query / %q", c.query, r.sqlite, r.postgres, c.postgres)
		}
	}
}

// Raw statements run in a batch's transaction: their writes commit with it, and a failing
// transaction's roll back with its savepoint.
func TestRawInTransaction(t *testing.T) {
	db := openBatchDB(t)
	insert := NewRaw(`INSERT INTO "item" ("n") VALUES (?)`)
	ctx := context.Background()
	if err := Transaction(ctx, db, func(tx *gorm.DB) error {
		n, err := insert.Exec(tx, 1)
		if err == nil && n != 1 {
			t.Errorf("rows affected %d, want 1", n)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("failed")
	if err := Transaction(ctx, db, func(tx *gorm.DB) error {
		if _, err := insert.Exec(tx, 2); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("got %v, want the transaction's error", err)
	}
	var got ReadStmt
	for n, want := range map[int]bool{1: true, 2: false} {
		var one int
		err := got.QueryRow(ctx, db, NewRaw(`SELECT 1 FROM "item" WHERE "n" = ?`), n).Scan(&one)
		if found := err == nil; found != want || (err != nil && !errors.Is(err, sql.ErrNoRows)) {
			t.Errorf("item %d: found %v (%v), want %v", n, found, err, want)
		}
	}
}

// A ReadStmt whose preparing failed runs its query unprepared, so that it works once the
// cause is gone (here a table created after the first call).
func TestReadStmtUnpreparedAfterAFailedPrepare(t *testing.T) {
	db := openBatchDB(t)
	q := NewRaw(`SELECT "name" FROM "later" WHERE "id" = ?`)
	var s ReadStmt
	var name string
	if err := s.QueryRow(context.Background(), db, q, 1).Scan(&name); err == nil {
		t.Fatal("a query of a missing table succeeded")
	}
	if err := db.Exec(`CREATE TABLE "later" ("id" INTEGER PRIMARY KEY, "name" TEXT)`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`INSERT INTO "later" VALUES (1, 'one')`).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.QueryRow(context.Background(), db, q, 1).Scan(&name); err != nil || name != "one" {
		t.Fatalf("after the table was created: %q, %v", name, err)
	}
}
