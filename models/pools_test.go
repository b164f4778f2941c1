package models

import (
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A SQLite database is one writer connection, for which writes queue in Go, and a pool of
// read-only connections: many goroutines writing at once never meet a lock held by another
// connection of this process, even with a busy timeout of 1ms.
func TestSQLiteWritesQueueOnOneConnection(t *testing.T) {
	db, err := OpenWith("sqlite:///"+filepath.Join(t.TempDir(), "pools.sqlite3"), Options{BusyTimeout: time.Millisecond, MaxConns: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	stats := PoolStats(db)
	if stats["write"].MaxOpenConnections != 1 || stats["read"].MaxOpenConnections != 3 {
		t.Fatalf("pools: write %d, read %d connections; want 1 and 3", stats["write"].MaxOpenConnections, stats["read"].MaxOpenConnections)
	}
	if err := db.Exec(`CREATE TABLE "counter" ("n" INTEGER)`).Error; err != nil {
		t.Fatal(err)
	}
	p, _ := poolsOf(db)
	if _, err := p.reader.Exec(`INSERT INTO "counter" VALUES (0)`); err == nil {
		t.Error("a reader connection wrote: readers must be query_only")
	}
	const writers = 64
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			if i%2 == 0 {
				errs <- db.Exec(`INSERT INTO "counter" VALUES (?)`, i).Error
				return
			}
			var n int64
			errs <- db.Raw(`SELECT COUNT(*) FROM "counter"`).Scan(&n).Error
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("a statement failed: %v", err)
		}
	}
	var n int64
	if err := db.Raw(`SELECT COUNT(*) FROM "counter"`).Scan(&n).Error; err != nil || n != writers/2 {
		t.Errorf("%d rows (%v), want %d", n, err, writers/2)
	}
}
