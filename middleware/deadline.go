package middleware

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// deadline is a request's context with its REQUEST_TIMEOUT deadline, whose timer is made
// only when something waits on it. context.WithTimeout made a timer, and registered a
// child with the server's context, for every request: a tenth of the protected view's CPU,
// though a view answered from memory never waits. A database call, a queue or a child
// context asks for Done, and from then on this is context.WithDeadline's context.
// Deadline, Err and Value hold from the start.
type deadline struct {
	context.Context // the request's context
	at              time.Time

	mu       sync.Mutex
	timed    atomic.Pointer[timedContext] // nil until Done is asked for
	released atomic.Bool                  // the request has ended
}

type timedContext struct {
	context.Context
	cancel context.CancelFunc
}

var _ context.Context = (*deadline)(nil)

// made is context.WithDeadline's context, made at the first call.
func (c *deadline) made() *timedContext {
	if t := c.timed.Load(); t != nil {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.timed.Load(); t != nil {
		return t
	}
	ctx, cancel := context.WithDeadline(c.Context, c.at)
	t := &timedContext{Context: ctx, cancel: cancel}
	if c.released.Load() {
		cancel() // asked for after the request ended: done already
	}
	c.timed.Store(t)
	return t
}

func (c *deadline) Deadline() (time.Time, bool) {
	if parent, ok := c.Context.Deadline(); ok && parent.Before(c.at) {
		return parent, true
	}
	return c.at, true
}

func (c *deadline) Done() <-chan struct{} { return c.made().Done() }

// Err is context.WithDeadline's answer without making the timer: the parent's error, else
// DeadlineExceeded once the deadline has passed, else Canceled once the request ended.
func (c *deadline) Err() error {
	if t := c.timed.Load(); t != nil {
		return t.Err()
	}
	if err := c.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.at) {
		return context.DeadlineExceeded
	}
	if c.released.Load() {
		return context.Canceled
	}
	return nil
}

// Value answers from the made context once there is one, so that context.WithCancel of
// this context finds the cancelCtx whose Done it was given and registers with it, rather
// than start a goroutine to watch it.
func (c *deadline) Value(key any) any {
	if t := c.timed.Load(); t != nil {
		return t.Value(key)
	}
	return c.Context.Value(key)
}

func (c *deadline) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.released.Store(true)
	if t := c.timed.Load(); t != nil {
		t.cancel()
	}
}
