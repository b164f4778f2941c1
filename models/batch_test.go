package models

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"gorm.io/gorm"
)

func openBatchDB(t *testing.T) *gorm.DB {
	t.Helper()
	db, err := OpenWith("sqlite:///"+filepath.Join(t.TempDir(), "batch.sqlite3"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(db) })
	if err := db.Exec(`CREATE TABLE "item" ("n" INTEGER PRIMARY KEY)`).Error; err != nil {
		t.Fatal(err)
	}
	return db
}

// Concurrent transactions committed together each keep or lose their own work: a failing
// or panicking one rolls back alone, a duplicate sees the write of the one before it, and
// every caller is answered after the commit that holds its write.
func TestTransactionsCommitTogetherEachInItsOwnSavepoint(t *testing.T) {
	db := openBatchDB(t)
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	bad := errors.New("refused")
	for i := range n {
		wg.Go(func() {
			errs[i] = Transaction(context.Background(), db, func(tx *gorm.DB) error {
				v := i
				if i >= 150 {
					v = i - 140 // 50 duplicates of 10..59: whichever comes second fails
				}
				if err := tx.Exec(`INSERT INTO "item" VALUES (?)`, v).Error; err != nil {
					return err
				}
				switch {
				case i == 7:
					return bad // after its insert: rolled back
				case i == 8:
					panic("a bug")
				}
				return nil
			})
		})
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		switch {
		case i == 7 && !errors.Is(err, bad), i == 8 && err == nil:
			t.Errorf("transaction %d: %v", i, err)
		case err != nil:
			failed++
		}
	}
	var rows int64
	if err := db.Raw(`SELECT COUNT(*) FROM "item"`).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	// 150 distinct values, less 7 and 8, rolled back; 50 duplicates and 7 and 8 failed.
	if rows != 148 || failed != 52 {
		t.Errorf("%d rows kept and %d transactions failed, want 148 and 52", rows, failed)
	}
	var kept int64
	if err := db.Raw(`SELECT COUNT(*) FROM "item" WHERE "n" IN (7, 8)`).Scan(&kept).Error; err != nil || kept != 0 {
		t.Errorf("rolled-back inserts kept: %d (%v)", kept, err)
	}
}

// A transaction whose context has ended before its turn does nothing and says so; after
// Close, Transaction refuses at once.
func TestTransactionContextAndClose(t *testing.T) {
	db := openBatchDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	if err := Transaction(ctx, db, func(tx *gorm.DB) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Errorf("cancelled: err %v, ran %v", err, ran)
	}
	if err := Transaction(context.Background(), db, func(tx *gorm.DB) error { return tx.Exec(`INSERT INTO "item" VALUES (1)`).Error }); err != nil {
		t.Fatal(err)
	}
	if err := Close(db); err != nil {
		t.Fatal(err)
	}
	if err := Transaction(context.Background(), db, func(tx *gorm.DB) error { return nil }); err == nil {
		t.Error("a transaction after Close succeeded")
	}
}

// A write that a transaction of the batch ran once is prepared afterwards, and later
// transactions run it prepared; a nested transaction inside one is still a savepoint of
// its own.
func TestBatchStatementsArePreparedOnce(t *testing.T) {
	db := openBatchDB(t)
	const insert = `INSERT INTO "item" VALUES (?)`
	for i := range 3 {
		err := Transaction(context.Background(), db, func(tx *gorm.DB) error {
			if err := tx.Exec(insert, i).Error; err != nil {
				return err
			}
			inner := tx.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec(insert, 100+i).Error; err != nil {
					return err
				}
				return errors.New("inner refused")
			})
			if inner == nil {
				t.Error("the nested transaction's error was lost")
			}
			return nil
		})
		if err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	p, _ := poolsOf(db)
	if p.batches.stmts.byQuery[insert] == nil {
		t.Errorf("not prepared: %q; prepared: %v", insert, p.batches.stmts.byQuery)
	}
	for q := range p.batches.stmts.byQuery {
		if isSavepoint(q) {
			t.Errorf("a savepoint of gorm's was prepared: %q", q)
		}
	}
	var rows int64
	if err := db.Raw(`SELECT COUNT(*) FROM "item"`).Scan(&rows).Error; err != nil || rows != 3 {
		t.Errorf("%d rows (%v), want 3: the nested transactions' inserts rolled back", rows, err)
	}
}

// A transaction queued while a batch runs joins that batch: it runs before the commit, in
// the same transaction, and is answered after it. A reader (another connection) sees
// neither write until then.
func TestTransactionQueuedDuringABatchJoinsItsCommit(t *testing.T) {
	db := openBatchDB(t)
	p, _ := poolsOf(db)
	second := make(chan error, 1)
	var seenBySecond int64 = -1
	err := Transaction(context.Background(), db, func(tx *gorm.DB) error {
		if err := tx.Exec(`INSERT INTO "item" VALUES (1)`).Error; err != nil {
			return err
		}
		go func() {
			second <- Transaction(context.Background(), db, func(tx *gorm.DB) error {
				// Still uncommitted, if this runs in the first one's transaction.
				if err := db.Raw(`SELECT COUNT(*) FROM "item"`).Scan(&seenBySecond).Error; err != nil {
					return err
				}
				return tx.Exec(`INSERT INTO "item" VALUES (2)`).Error
			})
		}()
		for len(p.batches.queue) == 0 { // until the second waits in the queue
			runtime.Gosched()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if seenBySecond != 0 {
		t.Errorf("a reader saw %d rows from inside the second transaction, want 0: it ran after the first one's commit", seenBySecond)
	}
	var rows int64
	if err := db.Raw(`SELECT COUNT(*) FROM "item"`).Scan(&rows).Error; err != nil || rows != 2 {
		t.Errorf("%d rows (%v), want 2", rows, err)
	}
}

// A request queues at once while the queue has room, without asking for its context's
// Done (which makes the request deadline's timer); one that has to wait for room waits no
// longer than its context, and its transaction never runs.
func TestTransactionWaitsForRoomNoLongerThanItsContext(t *testing.T) {
	db := openBatchDB(t)
	p, _ := poolsOf(db)

	idle := newDoneWatcher()
	if err := Transaction(idle, db, func(tx *gorm.DB) error { return tx.Exec(`INSERT INTO "item" VALUES (0)`).Error }); err != nil {
		t.Fatal(err)
	}
	if idle.asked() {
		t.Error("a transaction queued with room to spare asked for its context's Done")
	}

	inside, release := make(chan struct{}), make(chan struct{})
	answers := make(chan error, maxBatch+1)
	go func() { // holds the writer, so that what follows stays queued
		answers <- Transaction(context.Background(), db, func(tx *gorm.DB) error {
			close(inside)
			<-release
			return tx.Exec(`INSERT INTO "item" VALUES (1)`).Error
		})
	}()
	<-inside
	for i := range maxBatch {
		go func() {
			answers <- Transaction(context.Background(), db, func(tx *gorm.DB) error {
				return tx.Exec(`INSERT INTO "item" VALUES (?)`, i+2).Error
			})
		}()
	}
	for len(p.batches.queue) < maxBatch {
		runtime.Gosched()
	}

	waiting := newDoneWatcher()
	ran := make(chan struct{}, 1)
	refused := make(chan error, 1)
	go func() {
		refused <- Transaction(waiting, db, func(tx *gorm.DB) error { ran <- struct{}{}; return nil })
	}()
	<-waiting.askedFor // it waits for room, watching its context
	waiting.cancel()
	if err := <-refused; !errors.Is(err, context.Canceled) {
		t.Errorf("a transaction whose context ended while it waited for room: %v, want context.Canceled", err)
	}

	close(release)
	for range maxBatch + 1 {
		if err := <-answers; err != nil {
			t.Error(err)
		}
	}
	select {
	case <-ran:
		t.Error("the transaction refused while waiting for room ran")
	default:
	}
	var rows int64
	if err := db.Raw(`SELECT COUNT(*) FROM "item"`).Scan(&rows).Error; err != nil || rows != maxBatch+2 {
		t.Errorf("%d rows (%v), want %d", rows, err, maxBatch+2)
	}
}

// doneWatcher is a cancellable context that tells when its Done is first asked for.
type doneWatcher struct {
	context.Context
	cancel   context.CancelFunc
	once     sync.Once
	askedFor chan struct{} // closed at the first Done
}

func newDoneWatcher() *doneWatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &doneWatcher{Context: ctx, cancel: cancel, askedFor: make(chan struct{})}
}

func (w *doneWatcher) Done() <-chan struct{} {
	w.once.Do(func() { close(w.askedFor) })
	return w.Context.Done()
}

func (w *doneWatcher) asked() bool {
	select {
	case <-w.askedFor:
		return true
	default:
		return false
	}
}
