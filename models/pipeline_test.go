package models

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// A pipeline commits its steps when its check passes, and keeps nothing when the check
// divides by zero (ErrUndone) or a step fails.
func TestPostgresPipeline(t *testing.T) {
	db := postgresDB(t)
	table := fmt.Sprintf("pipeline_test_%d", time.Now().UnixNano())
	if err := db.Exec(`CREATE TABLE "` + table + `" ("n" integer PRIMARY KEY)`).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec(`DROP TABLE "` + table + `"`) })
	insert := NewRaw(`INSERT INTO "` + table + `" ("n") VALUES (?)`)
	// 1 while the table holds want rows, else a division by zero.
	check := NewRaw(`SELECT 1 / (CASE WHEN (SELECT COUNT(*) FROM "` + table + `") = ? THEN 1 ELSE 0 END)`)
	count := func() (n int64) {
		t.Helper()
		if err := db.Raw(`SELECT COUNT(*) FROM "` + table + `"`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	ctx := context.Background()
	steps := func(ns ...int) (s []Step) {
		for _, n := range ns {
			s = append(s, Step{Raw: insert, Args: []any{n}})
		}
		return s
	}

	if v, err := Pipeline(ctx, db, steps(1, 2), Step{Raw: check, Args: []any{2}}); v != 1 || err != nil {
		t.Fatalf("a passing check: %d, %v", v, err)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d rows after a passing check, want 2", n)
	}
	if _, err := Pipeline(ctx, db, steps(3, 4), Step{Raw: check, Args: []any{3}}); !errors.Is(err, ErrUndone) {
		t.Fatalf("a failing check: %v, want ErrUndone", err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d rows after a failing check, want 2: its steps were kept", n)
	}
	var pgErr *pgconn.PgError
	if _, err := Pipeline(ctx, db, steps(5, 1), Step{Raw: check, Args: []any{4}}); !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("a failing step: %v, want a unique violation", err)
	}
	if n := count(); n != 2 {
		t.Errorf("%d rows after a failing step, want 2: the steps before it were kept", n)
	}
}

// postgresDB opens the PostgreSQL database DATABASE_URL names, closed when the test ends;
// the test is skipped where it names none.
func postgresDB(t *testing.T) *gorm.DB {
	t.Helper()
	url := os.Getenv("DATABASE_URL")
	if !strings.HasPrefix(url, "postgres") {
		t.Skip("DATABASE_URL is not PostgreSQL: set DATABASE_URL=postgres://... to run this test")
	}
	db, err := Open(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	return db
}
