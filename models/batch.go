package models

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Transaction runs fn in a transaction and returns once it has committed (or failed).
//
// On SQLite the transactions of concurrent requests are committed together: SQLite has one
// writer, and a durable commit costs an fsync (synchronous=FULL), which is most of what a
// small transaction costs. So the writer takes every transaction waiting when it is free,
// runs each in a savepoint of one transaction — a failing fn rolls back its own work only —
// and commits them with one fsync; each caller is answered after that commit. Requests run
// one after the other, so each sees the writes of those before it, exactly as if they had
// committed in turn: the rotation race still has one winner. A fn must be quick and touch
// nothing but tx (no network, no hashing): the others of its batch wait for it.
//
// On PostgreSQL, whose own commits are grouped by the server, it is db.Transaction.
func Transaction(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	if p, ok := poolsOf(db); ok && p.batches != nil {
		return p.batches.do(ctx, fn)
	}
	return db.WithContext(ctx).Transaction(fn)
}

// maxBatch bounds the transactions committed together, so that one batch's wait stays short.
const maxBatch = 256

// batcher is SQLite's committer: one goroutine, started with the first transaction, owns
// the writer while it commits.
type batcher struct {
	db     *gorm.DB
	writer *sql.DB    // db's one connection
	stmts  statements // the batcher's goroutine's alone
	queue  chan *pending
	stop   chan struct{} // closed by close
	done   chan struct{} // closed when the committer has stopped (or never started)

	mu      sync.Mutex
	started bool
	closed  bool

	// What the committer has done, for WriterStats: written by it, read by any goroutine.
	batches, transactions atomic.Int64
	commitTime, busyTime  atomic.Int64 // nanoseconds
}

// WriterStats are what SQLite's writer has done since the database opened. It is the one
// writer of every request, so it bounds how fast the server writes: Busy's rate is the
// share of time it had work (near 1, requests queue for it), Commit over Batches the
// commit's latency (mostly the WAL's fsync), Transactions over Batches the mean batch.
type WriterStats struct {
	Batches int64 // batches run: one transaction each, and one fsync if it commits
	// Transactions are the requests' transactions the batches answered: kept, rolled back,
	// or skipped because their client had gone.
	Transactions int64
	Commit       time.Duration // spent in COMMIT, the fsync included
	Busy         time.Duration // spent running batches, from BEGIN to their answers
}

// SQLiteWriterStats reports SQLite's writer; false on PostgreSQL, which has no one writer.
func SQLiteWriterStats(db *gorm.DB) (WriterStats, bool) {
	p, ok := poolsOf(db)
	if !ok || p.batches == nil {
		return WriterStats{}, false
	}
	b := p.batches
	return WriterStats{
		Batches:      b.batches.Load(),
		Transactions: b.transactions.Load(),
		Commit:       time.Duration(b.commitTime.Load()),
		Busy:         time.Duration(b.busyTime.Load()),
	}, true
}

type pending struct {
	ctx    context.Context
	fn     func(tx *gorm.DB) error
	result chan error
}

func newBatcher(db *gorm.DB, writer *sql.DB) *batcher {
	return &batcher{db: db, writer: writer, queue: make(chan *pending, maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
}

func (b *batcher) do(ctx context.Context, fn func(tx *gorm.DB) error) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errClosed
	}
	if !b.started {
		b.started = true
		go b.run()
	}
	b.mu.Unlock()
	p := &pending{ctx: ctx, fn: fn, result: make(chan error, 1)}
	// Queued at once when there is room, as there is unless maxBatch requests are waiting:
	// only a request that has to wait for room asks for ctx.Done, which makes the request
	// deadline's timer (middleware/deadline.go), a context and its registration with the
	// server's, about 1 µs and 400 bytes a write for a wait that never comes. One whose
	// context has ended is queued all the same, and skipped by the committer.
	select {
	case b.queue <- p:
	default:
		select {
		case b.queue <- p:
		case <-ctx.Done():
			return ctx.Err()
		case <-b.stop:
			return errClosed
		}
	}
	// Once queued, the answer comes: the batch commits or fails, and a request whose
	// context ended before its batch began is skipped and told so.
	select {
	case err := <-p.result:
		return err
	case <-b.done:
		select { // stopped: it may have answered on its way out
		case err := <-p.result:
			return err
		default:
			return errClosed
		}
	}
}

var errClosed = fmt.Errorf("sql: database is closed")

func (b *batcher) run() {
	defer close(b.done)
	batch := make([]*pending, 0, maxBatch)
	for {
		select {
		case <-b.stop:
			b.drain()
			return
		case p := <-b.queue:
			batch = append(batch[:0], p)
		}
		b.commit(b.collect(batch))
		// Let the requests just answered run before the next batch. Each was woken onto
		// this goroutine's processor (Go readies a goroutine on the waker's), behind the
		// committer, which would otherwise hold it through the next batch's statements and
		// commit: on 2 cores under refresh load they waited 1.5 ms on average to run again,
		// and their clients' next requests missed the next batch. Yielding here made
		// batches larger and refresh 2–24% faster in paired runs (docs/load-log.md).
		runtime.Gosched()
	}
}

// collect adds to batch what is queued, up to maxBatch, without waiting.
func (b *batcher) collect(batch []*pending) []*pending {
	for len(batch) < maxBatch {
		select {
		case p := <-b.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// commit runs a batch in one transaction, each request in its own savepoint. What was
// queued while the batch ran joins it before the commit: the commit (writing the batch's
// pages to the WAL, and the fsync) costs about as much CPU as ten rotations, and a request
// that arrives meanwhile would otherwise wait for this commit and then pay for one more.
func (b *batcher) commit(batch []*pending) {
	began := time.Now()
	errs := make([]error, len(batch), maxBatch)
	err := b.transaction(func(tx *gorm.DB) error {
		for i := 0; i < len(batch); i++ {
			p := batch[i]
			if err := p.ctx.Err(); err != nil {
				errs[i] = err // its client is gone: do nothing for it
			} else {
				// Not under p.ctx: SQLite's interrupt of a cancelled statement can roll back
				// the whole transaction, and so the batch of others with it.
				var kept bool
				if errs[i], kept = savepoint(tx, p.fn); !kept {
					return errs[i] // its work could not be undone: nothing of the batch is kept
				}
			}
			if i == len(batch)-1 {
				batch = b.collect(batch)
				errs = errs[:len(batch)]
			}
		}
		return nil
	})
	// Counted before the answers, so that a caller answered sees its batch in the stats.
	b.busyTime.Add(int64(time.Since(began)))
	b.batches.Add(1)
	b.transactions.Add(int64(len(batch)))
	for i, p := range batch {
		if errs[i] == nil {
			errs[i] = err // BEGIN or COMMIT failed: nothing of the batch was kept
		}
		p.result <- errs[i]
	}
}

// transaction runs fn in a transaction of the writer, through statements prepared once
// (statements): gorm would prepare each statement anew in every transaction, which was a
// fifth of a refresh's cost. fn's error rolls the transaction back.
func (b *batcher) transaction(fn func(tx *gorm.DB) error) error {
	ctx := context.Background()
	sqlTx, err := b.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	conn := &batchTx{tx: sqlTx, stmts: &b.stmts}
	tx := b.db.Session(&gorm.Session{NewDB: true, Context: ctx})
	tx.Statement.ConnPool = conn
	if err := fn(tx); err != nil {
		return errors.Join(err, sqlTx.Rollback())
	}
	began := time.Now()
	err = sqlTx.Commit()
	b.commitTime.Add(int64(time.Since(began)))
	b.stmts.learn(ctx, b.writer, conn.missed) // the writer is free again
	return err
}

// savepoint runs fn in a savepoint of tx: its error or panic rolls back its own work only.
// kept is false if that rollback failed, so that fn's work may still be in the transaction.
// One name serves every savepoint: they follow one another, never nest.
func savepoint(tx *gorm.DB, fn func(tx *gorm.DB) error) (err error, kept bool) {
	if _, err := savepointBatch.Exec(tx); err != nil {
		return err, false
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("transaction panicked: %v", r)
		}
		if err != nil {
			if _, rbErr := rollbackBatch.Exec(tx); rbErr != nil {
				err, kept = errors.Join(err, rbErr), false
				return
			}
		}
		if _, relErr := releaseBatch.Exec(tx); relErr != nil {
			err, kept = errors.Join(err, relErr), false
		}
	}()
	kept = true // unless undoing fn fails, below: fn may panic before it returns
	return fn(tx.Session(&gorm.Session{NewDB: true})), kept
}

var (
	savepointBatch = NewRaw(`SAVEPOINT "batch"`)
	rollbackBatch  = NewRaw(`ROLLBACK TO SAVEPOINT "batch"`)
	releaseBatch   = NewRaw(`RELEASE SAVEPOINT "batch"`)
)

// drain answers what is still queued when the database closes.
func (b *batcher) drain() {
	for {
		select {
		case p := <-b.queue:
			p.result <- errClosed
		default:
			return
		}
	}
}

// close stops the committer after the batch it is committing; what is still queued is
// answered errClosed.
func (b *batcher) close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	started := b.started
	b.mu.Unlock()
	close(b.stop)
	if started {
		<-b.done
	} else {
		close(b.done)
	}
	b.stmts.close()
}
