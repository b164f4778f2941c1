package rest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Throttle is DRF's BaseThrottle: allow_request and wait in one call, so that a throttle
// keeps no per-request state and one value serves every request concurrently.
// AllowRequest reports whether the request may proceed, counting it if it may; when it
// may not, wait is how long until it may (0 or less: unknown, DRF's wait() returning None).
type Throttle interface {
	AllowRequest(r *Request, view any) (ok bool, wait time.Duration)
}

// ThrottleFunc adapts a function to a Throttle.
type ThrottleFunc func(r *Request, view any) (bool, time.Duration)

func (f ThrottleFunc) AllowRequest(r *Request, view any) (bool, time.Duration) { return f(r, view) }

// OutcomeThrottle is optionally implemented by a Throttle that counts outcomes rather than
// requests, as the login throttle counts failed logins. The dispatcher calls Attempt
// instead of AllowRequest; when it allows, done is called once the request is answered,
// with the response or the error it ended with (another throttle's refusal included), so
// the throttle can keep or take back what it counted.
type OutcomeThrottle interface {
	Throttle
	Attempt(r *Request, view any) (ok bool, wait time.Duration, done func(*Response, error))
}

// Throttled is DRF's Throttled exception: 429, "Request was throttled. Expected available
// in N seconds." with N the wait rounded up, and Retry-After: N. A wait of 0 or less is
// unknown: the detail has no estimate and there is no Retry-After, as in DRF.
func Throttled(wait time.Duration) *Error {
	e := &Error{Status: http.StatusTooManyRequests, Detail: "Request was throttled."}
	if wait <= 0 {
		return e
	}
	secs := int64(math.Ceil(wait.Seconds()))
	n := strconv.FormatInt(secs, 10)
	if secs == 1 {
		e.Detail += " Expected available in 1 second."
	} else {
		e.Detail += " Expected available in " + n + " seconds."
	}
	e.Header = http.Header{"Retry-After": []string{n}}
	return e
}

// checkThrottles is DRF's check_throttles: every throttle is asked (each counts the
// request it allows, even when another refuses), and when several refuse the longest wait
// wins. done holds what the outcome throttles that allowed want to hear of the outcome.
func (h *Handler) checkThrottles(r *Request) (done []func(*Response, error), err error) {
	refused := false
	var wait time.Duration
	for _, t := range h.throttles {
		ok, w := false, time.Duration(0)
		if ot, isOutcome := t.(OutcomeThrottle); isOutcome {
			var f func(*Response, error)
			if ok, w, f = ot.Attempt(r, h.view); ok && f != nil {
				done = append(done, f)
			}
		} else {
			ok, w = t.AllowRequest(r, h.view)
		}
		if !ok {
			refused = true
			wait = max(wait, w)
		}
	}
	if refused {
		return done, Throttled(wait)
	}
	return done, nil
}
