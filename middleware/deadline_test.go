package middleware

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"ginrest/rest"
)

// withDeadline is ctx with the deadline at; release (when the request ends) cancels it.
// (Begin makes its deadline in place, inside its requestContext.)
func withDeadline(ctx context.Context, at time.Time) (c *deadline, release func()) {
	c = &deadline{Context: ctx, at: at}
	return c, c.release
}

// closed reports whether ch is closed, waiting at most a long while: a deadline of a few
// milliseconds must pass, however busy the machine.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(30 * time.Second):
		return false
	}
}

func isOpen(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return false
	default:
		return true
	}
}

// The lazy deadline behaves as context.WithDeadline's context, whichever of its methods is
// asked first.
func TestDeadlineContext(t *testing.T) {
	type key struct{}
	parentOf := func() (context.Context, context.CancelFunc) {
		return context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	}
	t.Run("deadline and value from the start, no timer", func(t *testing.T) {
		parent, cancel := parentOf()
		defer cancel()
		at := time.Now().Add(time.Hour)
		c, release := withDeadline(parent, at)
		defer release()
		if d, ok := c.Deadline(); !ok || !d.Equal(at) {
			t.Errorf("Deadline %v %v", d, ok)
		}
		if c.Value(key{}) != "v" || c.Err() != nil {
			t.Errorf("Value %v, Err %v", c.Value(key{}), c.Err())
		}
		if c.timed.Load() != nil {
			t.Error("a timer was made though nothing waited")
		}
	})
	t.Run("a passed deadline, without Done", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(-time.Nanosecond))
		defer release()
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err %v", c.Err())
		}
	})
	t.Run("Done closes at the deadline", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(5*time.Millisecond))
		defer release()
		if !closed(c.Done()) || !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err %v", c.Err())
		}
	})
	t.Run("the parent's cancellation", func(t *testing.T) {
		parent, cancel := parentOf()
		c, release := withDeadline(parent, time.Now().Add(time.Hour))
		defer release()
		cancel()
		if !errors.Is(c.Err(), context.Canceled) || !closed(c.Done()) {
			t.Errorf("Err %v", c.Err())
		}
	})
	t.Run("an earlier deadline of the parent", func(t *testing.T) {
		early := time.Now().Add(time.Minute)
		parent, cancel := context.WithDeadline(context.Background(), early)
		defer cancel()
		c, release := withDeadline(parent, time.Now().Add(time.Hour))
		defer release()
		if d, _ := c.Deadline(); !d.Equal(early) {
			t.Errorf("Deadline %v, want the parent's %v", d, early)
		}
	})
	t.Run("children end with the request", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		child, cancel := context.WithCancel(c)
		defer cancel()
		after := make(chan struct{})
		stop := context.AfterFunc(c, func() { close(after) })
		defer stop()
		if !isOpen(child.Done()) {
			t.Fatal("the child is done before the request ended")
		}
		release()
		if !closed(child.Done()) || !closed(after) || !errors.Is(c.Err(), context.Canceled) || !errors.Is(context.Cause(child), context.Canceled) {
			t.Errorf("after release: child %v, Err %v", child.Err(), c.Err())
		}
	})
	t.Run("Done after the request ended", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		release()
		if !errors.Is(c.Err(), context.Canceled) || !closed(c.Done()) {
			t.Errorf("Err %v", c.Err())
		}
	})
	t.Run("concurrent use", func(t *testing.T) {
		c, release := withDeadline(context.Background(), time.Now().Add(time.Hour))
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				switch i % 3 {
				case 0:
					_ = c.Done()
				case 1:
					_ = c.Err()
				default:
					_ = c.Value(i)
				}
			})
		}
		wg.Go(release)
		wg.Wait()
		if !closed(c.Done()) {
			t.Error("not done after release")
		}
	})
}

// Begin's context is the lazy deadline answering the Info's key itself: the Info, the
// parent's values and the deadline reach the handler, a child of the context registers
// with its timer and ends with the request, the request id is sent and logged, and the
// access log inside observes Begin's writer and start.
func TestBeginContext(t *testing.T) {
	type key struct{}
	var (
		child   context.Context
		entries []Entry
	)
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if _, ok := ctx.(*requestContext); !ok {
			t.Fatalf("context %T, want Begin's", ctx)
		}
		rest.InfoFrom(ctx).SetRoute("/r/")
		if dl, ok := ctx.Deadline(); !ok || time.Until(dl) <= 0 || time.Until(dl) > time.Hour {
			t.Errorf("deadline %v %v", dl, ok)
		}
		if ctx.Value(key{}) != "v" {
			t.Error("the parent's value is lost")
		}
		var cancel context.CancelFunc
		child, cancel = context.WithCancel(ctx)
		defer cancel()
		if !isOpen(child.Done()) {
			t.Error("the child is done before the request ended")
		}
		w.WriteHeader(http.StatusTeapot)
	}), Begin(time.Hour), RequestID(nil), AccessLog(func(_ context.Context, e Entry) { entries = append(entries, e) }))
	r := httptest.NewRequest(http.MethodGet, "/x/", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), key{}, "v")))
	if !closed(child.Done()) {
		t.Error("the child is not done once the request ended")
	}
	if len(entries) != 1 || entries[0].Route != "/r/" || entries[0].Status != http.StatusTeapot ||
		entries[0].Start.IsZero() || entries[0].Duration < 0 || time.Since(entries[0].Start) > time.Minute ||
		len(entries[0].RequestID) != 26 || rec.Header().Get(RequestIDHeader) != entries[0].RequestID {
		t.Errorf("entries %+v", entries)
	}
}
