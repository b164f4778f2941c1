package models

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"
)

// The writer counts each batch it runs, the transactions it answers in them, whether
// kept or rolled back, and the time it spends committing and running them.
func TestSQLiteWriterStats(t *testing.T) {
	db := openBatchDB(t)
	before, ok := SQLiteWriterStats(db)
	if !ok {
		t.Fatal("no writer stats on SQLite")
	}
	if before != (WriterStats{}) {
		t.Fatalf("a new database's writer: %+v, want nothing done", before)
	}
	refused := errors.New("refused")
	for i := range 3 { // one after the other: a batch each
		err := Transaction(context.Background(), db, func(tx *gorm.DB) error {
			if err := tx.Exec(`INSERT INTO "item" VALUES (?)`, i).Error; err != nil {
				return err
			}
			if i == 2 {
				return refused // rolled back, and still answered by its batch
			}
			return nil
		})
		if (i == 2) != errors.Is(err, refused) {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	s, _ := SQLiteWriterStats(db)
	if s.Batches != 3 || s.Transactions != 3 {
		t.Errorf("batches %d, transactions %d; want 3 and 3", s.Batches, s.Transactions)
	}
	if s.Commit <= 0 || s.Busy < s.Commit {
		t.Errorf("commit %v, busy %v: want commits timed, and within the busy time", s.Commit, s.Busy)
	}
	var n int64
	if err := db.Raw(`SELECT count(*) FROM "item"`).Scan(&n).Error; err != nil || n != 2 {
		t.Fatalf("%d rows (%v), want 2", n, err)
	}
}

func TestPostgresHasNoWriterStats(t *testing.T) {
	if _, ok := SQLiteWriterStats(postgresDB(t)); ok {
		t.Error("writer stats on PostgreSQL, which has no one writer")
	}
}
