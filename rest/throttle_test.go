package rest_test

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"ginrest/rest"
)

// TestThrottled checks DRF's Throttled exception: the wait rounded up, "second" for 1,
// Retry-After with the same number, and neither for an unknown wait.
func TestThrottled(t *testing.T) {
	tests := []struct {
		wait       time.Duration
		detail     string
		retryAfter string
	}{
		{0, "Request was throttled.", ""},
		{-time.Second, "Request was throttled.", ""},
		{time.Nanosecond, "Request was throttled. Expected available in 1 second.", "1"},
		{time.Second, "Request was throttled. Expected available in 1 second.", "1"},
		{1200 * time.Millisecond, "Request was throttled. Expected available in 2 seconds.", "2"},
		{59 * time.Second, "Request was throttled. Expected available in 59 seconds.", "59"},
		{24 * time.Hour, "Request was throttled. Expected available in 86400 seconds.", "86400"},
	}
	for _, tt := range tests {
		e := rest.Throttled(tt.wait)
		if e.Status != http.StatusTooManyRequests || e.Detail != tt.detail || e.Header.Get("Retry-After") != tt.retryAfter {
			t.Errorf("Throttled(%v) = %d %q Retry-After %q, want 429 %q %q", tt.wait, e.Status, e.Detail, e.Header.Get("Retry-After"), tt.detail, tt.retryAfter)
		}
	}
}

// counter allows its first limit requests, counting those, and then refuses with wait.
type counter struct {
	limit   int32
	wait    time.Duration
	allowed atomic.Int32
	asked   atomic.Int32
}

func (c *counter) AllowRequest(*rest.Request, any) (bool, time.Duration) {
	c.asked.Add(1)
	if c.allowed.Load() >= c.limit {
		return false, c.wait
	}
	c.allowed.Add(1)
	return true, 0
}

// outcomes is an OutcomeThrottle that allows limit requests and records the status each
// one ended with.
type outcomes struct {
	counter
	ended []int
}

func (o *outcomes) Attempt(r *rest.Request, view any) (bool, time.Duration, func(*rest.Response, error), error) {
	ok, wait := o.AllowRequest(r, view)
	if !ok {
		return false, wait, nil, nil
	}
	return true, 0, func(resp *rest.Response, err error) {
		var e *rest.Error
		switch {
		case errors.As(err, &e):
			o.ended = append(o.ended, e.Status)
		case resp != nil:
			o.ended = append(o.ended, max(resp.Status, 200))
		}
	}, nil
}

// TestDispatchThrottles checks DRF's check_throttles: after permissions and before the
// method check, every throttle asked, the longest wait wins, and nil/empty as for the
// other policies.
func TestDispatchThrottles(t *testing.T) {
	const throttled = `{"detail":"Request was throttled. Expected available in 30 seconds."}`
	t.Run("throttles run after permissions", func(t *testing.T) {
		c := &counter{limit: 0, wait: time.Minute}
		view := &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(isAuthenticated), Throttles: []rest.Throttle{c}}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", nil, "")
		if rec.Code != 401 || c.asked.Load() != 0 {
			t.Errorf("anonymous: %d, throttle asked %d times; want 401 and not asked", rec.Code, c.asked.Load())
		}
	})
	t.Run("a refusal is DRF's 429 and the handler is not called", func(t *testing.T) {
		c := &counter{limit: 1, wait: 29*time.Second + time.Millisecond}
		view := &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(allowAny), Throttles: []rest.Throttle{c}}}
		h := rest.NewHandler(view, rest.Defaults{})
		if rec := call(t, h, http.MethodGet, "/", nil, ""); rec.Code != 200 {
			t.Fatalf("first request: %d", rec.Code)
		}
		rec := call(t, h, http.MethodGet, "/", nil, "")
		if rec.Code != 429 || rec.Body.String() != throttled || rec.Header().Get("Retry-After") != "30" {
			t.Errorf("got %d %s Retry-After %q, want 429 %s Retry-After 30", rec.Code, rec.Body, rec.Header().Get("Retry-After"), throttled)
		}
		if rec.Header().Get("WWW-Authenticate") != "" || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("headers: %v", rec.Header())
		}
		if view.Calls() != 1 {
			t.Errorf("handler called %d times, want 1", view.Calls())
		}
	})
	t.Run("throttles run before the method check", func(t *testing.T) {
		view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(), Throttles: []rest.Throttle{&counter{wait: 30 * time.Second}}}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodPut, "/", nil, "")
		if rec.Code != 429 || rec.Body.String() != throttled {
			t.Errorf("PUT to a GET-only throttled view: %d %s, want 429", rec.Code, rec.Body)
		}
	})
	t.Run("every throttle is asked and the longest wait wins", func(t *testing.T) {
		short, long, unknown, open := &counter{wait: 10 * time.Second}, &counter{wait: 30 * time.Second}, &counter{}, &counter{limit: 100}
		view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(), Throttles: []rest.Throttle{short, open, long, unknown}}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", nil, "")
		if rec.Code != 429 || rec.Body.String() != throttled || rec.Header().Get("Retry-After") != "30" {
			t.Errorf("got %d %s Retry-After %q", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
		for i, c := range []*counter{short, open, long, unknown} {
			if c.asked.Load() != 1 {
				t.Errorf("throttle %d asked %d times, want 1", i, c.asked.Load())
			}
		}
		if open.allowed.Load() != 1 {
			t.Error("the throttle that allowed did not count the request (DRF counts it)")
		}
	})
	t.Run("refusals with unknown waits only", func(t *testing.T) {
		view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(), Throttles: []rest.Throttle{&counter{}}}}
		rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", nil, "")
		if rec.Code != 429 || rec.Body.String() != `{"detail":"Request was throttled."}` || rec.Header().Get("Retry-After") != "" {
			t.Errorf("got %d %s Retry-After %q", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
		}
	})
	t.Run("nil takes the default throttles, empty means none", func(t *testing.T) {
		d := rest.Defaults{Throttles: []rest.Throttle{&counter{wait: 30 * time.Second}}}
		withDefaults := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms()}}
		if rec := call(t, rest.NewHandler(withDefaults, d), http.MethodGet, "/", nil, ""); rec.Code != 429 {
			t.Errorf("nil Throttles: %d, want the default's 429", rec.Code)
		}
		none := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(), Throttles: []rest.Throttle{}}}
		if rec := call(t, rest.NewHandler(none, d), http.MethodGet, "/", nil, ""); rec.Code != 200 {
			t.Errorf("empty Throttles: %d, want 200", rec.Code)
		}
	})
	t.Run("outcome throttles hear how each request they allowed ended", func(t *testing.T) {
		o := &outcomes{counter: counter{limit: 3, wait: time.Second}}
		gate := &counter{limit: 2, wait: time.Second}
		view := &Protected{APIView: rest.APIView{Authenticators: auths(bearer), Permissions: perms(allowAny), Throttles: []rest.Throttle{o, gate}}}
		h := rest.NewHandler(view, rest.Defaults{})
		call(t, h, http.MethodGet, "/", nil, "")                                // 200
		call(t, h, http.MethodDelete, "/", nil, "")                             // 405 from the method check
		call(t, h, http.MethodGet, "/", nil, "")                                // gate refuses: 429
		call(t, h, http.MethodGet, "/", nil, "")                                // o refuses itself: not told
		call(t, h, http.MethodGet, "/", hdr("Authorization", "Bearer bad"), "") // 401 before throttles: not asked
		want := []int{200, 405, 429}
		if len(o.ended) != len(want) || o.ended[0] != want[0] || o.ended[1] != want[1] || o.ended[2] != want[2] {
			t.Errorf("outcomes = %v, want %v", o.ended, want)
		}
	})
}

// unavailableThrottle is a FallibleThrottle whose store does not answer.
type unavailableThrottle struct {
	counter
	err error
}

func (u *unavailableThrottle) CheckRequest(*rest.Request, any) (bool, time.Duration, error) {
	u.asked.Add(1)
	return false, 0, u.err
}

// TestDispatchThrottleFailure: a throttle that cannot count ends the request with its
// error (here a 503), as an exception in DRF's allow_request does: the handler is not
// called, the throttles after it are not asked, and the outcome throttles that allowed
// hear how the request ended, so they can take back what they counted.
func TestDispatchThrottleFailure(t *testing.T) {
	o := &outcomes{counter: counter{limit: 10}}
	down := &unavailableThrottle{err: rest.Unavailable(errors.New("dial tcp 127.0.0.1:6379: connect: connection refused"), 5*time.Second)}
	after := &counter{limit: 10}
	view := &Protected{APIView: rest.APIView{Authenticators: auths(), Permissions: perms(), Throttles: []rest.Throttle{o, down, after}}}
	rec := call(t, rest.NewHandler(view, rest.Defaults{}), http.MethodGet, "/", nil, "")
	if rec.Code != 503 || rec.Body.String() != `{"detail":"Service temporarily unavailable, try again later."}` || rec.Header().Get("Retry-After") != "5" {
		t.Errorf("got %d %s Retry-After %q, want DRF's 503 with Retry-After 5", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	if view.Calls() != 0 || after.asked.Load() != 0 || down.asked.Load() != 1 {
		t.Errorf("handler called %d times, the next throttle asked %d times; want 0 and 0", view.Calls(), after.asked.Load())
	}
	if len(o.ended) != 1 || o.ended[0] != 503 {
		t.Errorf("the outcome throttle heard %v, want [503]", o.ended)
	}
}
