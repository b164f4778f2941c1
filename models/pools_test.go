package models

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
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

// On PostgreSQL a statement that one request is waiting to run, on a pool whose every
// connection a transaction holds, does not stall that transaction when it runs the same
// statement: pgx prepares on the transaction's own connection (gorm's PrepareStmt made the
// transaction wait for the other request's preparation, which waited for the transaction's
// connection, until the request's deadline failed both).
func TestPostgresStatementWaitingForAConnection(t *testing.T) {
	url := os.Getenv("DATABASE_URL")
	if !strings.HasPrefix(url, "postgres") {
		t.Skip("DATABASE_URL is not PostgreSQL: set DATABASE_URL=postgres://... to run this test")
	}
	db, err := OpenWith(url, Options{MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	query := fmt.Sprintf("SELECT %d + ?", time.Now().UnixNano()) // a statement never run before
	waiting := make(chan error, 1)
	err = db.Transaction(func(tx *gorm.DB) error {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var n int64
			waiting <- db.WithContext(ctx).Raw(query, 1).Scan(&n).Error
		}()
		// Go on only once the other request is waiting for the connection: on a busy
		// machine its goroutine may not have started yet.
		for PoolStats(db)["write"].WaitCount == 0 {
			time.Sleep(time.Millisecond)
		}
		var n int64
		return tx.Raw(query, 2).Scan(&n).Error
	})
	if err != nil {
		t.Fatalf("the transaction: %v", err)
	}
	if err := <-waiting; err != nil {
		t.Fatalf("the waiting request: %v", err)
	}
}

// The writer keeps statement journals in memory (writerPragmas), on its first connection
// and on any it opens after losing one, and still writes durably through the WAL.
func TestSQLiteWriterPragmas(t *testing.T) {
	db, err := OpenWith("sqlite:///"+filepath.Join(t.TempDir(), "pragmas.sqlite3"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	p, _ := poolsOf(db)
	for round := range 2 {
		var tempStore, synchronous int
		var journal string
		conn, err := p.writer.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for pragma, dest := range map[string]any{"temp_store": &tempStore, "synchronous": &synchronous, "journal_mode": &journal} {
			if err := conn.QueryRowContext(context.Background(), "PRAGMA "+pragma).Scan(dest); err != nil {
				t.Fatal(err)
			}
		}
		if tempStore != 2 || synchronous != 2 || journal != "wal" {
			t.Errorf("connection %d: temp_store %d, synchronous %d, journal_mode %q; want 2 (MEMORY), 2 (FULL), wal", round, tempStore, synchronous, journal)
		}
		// Drop the connection: the pool opens a new one, which must be configured too.
		if err := conn.Raw(func(any) error { return driver.ErrBadConn }); !errors.Is(err, driver.ErrBadConn) {
			t.Fatalf("conn.Raw: %v", err)
		}
		conn.Close()
	}
}

// A SQLite database opens at most DATABASE_MAX_CONNS readers, and no more than twice the
// CPUs (at least 4): more run no more reads at once, and each costs memory.
func TestSQLiteReadersFollowTheCPUs(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, tc := range []struct{ procs, maxConns, want int }{
		{1, 0, 4}, {2, 0, 4}, {4, 0, 8}, {8, 0, 10}, // 0: DefaultMaxConns, 10
		{2, 3, 3}, {2, 10, 4}, {16, 64, 32}, {16, 20, 20},
	} {
		runtime.GOMAXPROCS(tc.procs)
		db, err := OpenWith("sqlite:///"+filepath.Join(t.TempDir(), "readers.sqlite3"), Options{MaxConns: tc.maxConns})
		if err != nil {
			t.Fatal(err)
		}
		stats := PoolStats(db)
		Close(db)
		if got := stats["read"].MaxOpenConnections; got != tc.want {
			t.Errorf("%d CPUs, cap %d: %d readers, want %d", tc.procs, tc.maxConns, got, tc.want)
		}
		if stats["write"].MaxOpenConnections != 1 {
			t.Errorf("%d CPUs, cap %d: %d writers, want 1", tc.procs, tc.maxConns, stats["write"].MaxOpenConnections)
		}
	}
}
