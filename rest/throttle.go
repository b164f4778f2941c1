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

// FallibleThrottle is optionally implemented by a Throttle that counts in a service that
// can fail, as the throttles do in Redis. The dispatcher calls CheckRequest instead of
// AllowRequest, and an error ends the request with that error, through the exception
// handler, as an exception raised in DRF's allow_request does: a throttle that cannot
// count fails closed (a 503 with Retry-After, for a store that does not answer). Its
// AllowRequest refuses when it cannot count.
type FallibleThrottle interface {
	Throttle
	CheckRequest(r *Request, view any) (ok bool, wait time.Duration, err error)
}

// OutcomeThrottle is optionally implemented by a Throttle that counts outcomes rather than
// requests, as the login throttle counts failed logins. The dispatcher calls Attempt
// instead of AllowRequest; when it allows, done is called once the request is answered,
// with the response or the error it ended with (another throttle's refusal included), so
// the throttle can keep or take back what it counted. An error is the request's, as
// FallibleThrottle's.
type OutcomeThrottle interface {
	Throttle
	Attempt(r *Request, view any) (ok bool, wait time.Duration, done func(*Response, error), err error)
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
// wins. done holds what the outcome throttles that allowed want to hear of the outcome. A
// throttle that fails ends the check with its error, as an exception does in DRF.
func (h *Handler) checkThrottles(r *Request) (done []func(*Response, error), err error) {
	refused := false
	var wait time.Duration
	for _, t := range h.throttles {
		ok, w := false, time.Duration(0)
		switch t := t.(type) {
		case OutcomeThrottle:
			var f func(*Response, error)
			if ok, w, f, err = t.Attempt(r, h.view); err == nil && ok && f != nil {
				done = append(done, f)
			}
		case FallibleThrottle:
			ok, w, err = t.CheckRequest(r, h.view)
		default:
			ok, w = t.AllowRequest(r, h.view)
		}
		if err != nil {
			return done, err
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
