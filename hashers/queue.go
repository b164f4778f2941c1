package hashers

import (
	"container/list"
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Queue runs password hashes a few at a time, in the order they arrive, and refuses at once
// a hash that would wait longer than a bound.
//
// A hash is pure CPU: a server that starts a burst of logins together shares the cores
// among all of them, so they all finish late, together, and none in time. With the work
// bounded by the cores and served first come, first served, the first logins of the burst
// finish first, and the last are refused quickly enough for the client to retry.
//
// The order is the queue's own: waiters wait on a list, and a finishing hash hands its
// worker to the oldest waiter. It does not rely on how the runtime orders goroutines
// blocked on a channel or a mutex.
//
// Set the exported fields before the first Do; a Queue must not be copied after.
type Queue struct {
	// Workers is how many hashes run at once; 0 or less means runtime.GOMAXPROCS(0),
	// read at the first Do.
	Workers int
	// Timeout is the longest a hash may expect to wait for a worker: a caller whose
	// estimated wait is longer gets a *BusyError at once. 0 or less never refuses.
	Timeout time.Duration
	// Now is the clock that times each hash; nil means time.Now. Tests replace it, so the
	// measured mean, and with it every refusal, is exact.
	Now func() time.Time

	mu      sync.Mutex
	workers int           // Workers, resolved at the first Do
	running int           // hashes holding a worker
	waiting list.List     // of chan struct{}, oldest first; closed when given a worker
	mean    time.Duration // moving average of measured hashes; 0 until the first
}

// NewQueue is a queue of runtime.GOMAXPROCS(0) workers with the given bound
// (PASSWORD_HASHING_QUEUE_TIMEOUT).
func NewQueue(timeout time.Duration) *Queue {
	return &Queue{Workers: runtime.GOMAXPROCS(0), Timeout: timeout}
}

// BusyError is a refusal: the queue was too long. Wait is the wait estimated at arrival,
// what a client should wait before retrying.
type BusyError struct {
	Wait time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("password hashing queue is full: estimated wait %v", e.Wait)
}

// ErrBusy matches every *BusyError with errors.Is.
var ErrBusy error = &BusyError{}

// Is makes errors.Is(err, ErrBusy) true whatever the estimated wait.
func (e *BusyError) Is(target error) bool {
	_, ok := target.(*BusyError)
	return ok
}

// meanWeight is the moving average's weight of history: each hash moves the mean an
// eighth of the way to its own duration, so it follows a change of PASSWORD_ITERATIONS or
// load within a few dozen hashes while one slow hash hardly moves it.
const meanWeight = 8

// Do runs hash once a worker is free and its turn has come; nothing else is run on its
// behalf. It returns a *BusyError, without running hash, if the estimated wait exceeds
// Timeout, and ctx's error if ctx ends first (before hash starts: a hash that started
// runs to its end, which PBKDF2 cannot be stopped before).
func (q *Queue) Do(ctx context.Context, hash func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := q.acquire(ctx); err != nil {
		return err
	}
	defer q.release()
	start := q.now()
	hash()
	q.observe(q.now().Sub(start))
	return nil
}

// acquire takes a worker: at once if one is free and nobody waits, else after every
// caller that arrived before.
func (q *Queue) acquire(ctx context.Context) error {
	q.mu.Lock()
	q.resolve()
	if q.running < q.workers && q.waiting.Len() == 0 {
		q.running++
		q.mu.Unlock()
		return nil
	}
	if wait := q.estimate(); q.Timeout > 0 && wait > q.Timeout {
		q.mu.Unlock()
		return &BusyError{Wait: wait}
	}
	turn := make(chan struct{})
	elem := q.waiting.PushBack(turn)
	q.mu.Unlock()

	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	select {
	case <-turn:
		// Given a worker as ctx ended: pass it on, or it would be lost.
		q.mu.Unlock()
		q.release()
	default:
		q.waiting.Remove(elem)
		q.mu.Unlock()
	}
	return ctx.Err()
}

// resolve fixes the number of workers at first use. Called with mu held.
func (q *Queue) resolve() {
	if q.workers == 0 {
		q.workers = q.Workers
		if q.workers < 1 {
			q.workers = runtime.GOMAXPROCS(0)
		}
	}
}

// release hands the worker to the oldest waiter, or frees it.
func (q *Queue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if front := q.waiting.Front(); front != nil {
		close(q.waiting.Remove(front).(chan struct{}))
		return
	}
	q.running--
}

// estimate is how long a caller arriving now would wait for a worker: the hashes ahead of
// it (those waiting, and one more for a running hash to end) times the mean duration of a
// hash, shared among the workers. Before any hash has been timed it is 0: nothing is
// refused on a guess. Called with mu held.
func (q *Queue) estimate() time.Duration {
	ahead := time.Duration(q.waiting.Len() + 1)
	return ahead * q.mean / time.Duration(q.workers)
}

// observe adds one hash's duration to the moving average; the first seeds it.
func (q *Queue) observe(d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d = max(d, 0) // a test clock may step back
	if q.mean == 0 {
		q.mean = d
		return
	}
	q.mean += (d - q.mean) / meanWeight
}

// Stats is a snapshot of the queue, for tests and monitoring.
type Stats struct {
	Workers, Running, Waiting int
	// Mean is the moving average of hash durations; 0 until the first hash ends.
	Mean time.Duration
}

// Stats reports what the queue is doing now.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.resolve()
	return Stats{Workers: q.workers, Running: q.running, Waiting: q.waiting.Len(), Mean: q.mean}
}

func (q *Queue) now() time.Time {
	if q.Now != nil {
		return q.Now()
	}
	return time.Now()
}
