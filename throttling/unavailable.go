package throttling

import (
	"context"
	"errors"
	"net"
	"time"

	"ginrest/rest"
)

// Retry-After of a request refused because the store did not answer: soon after a slow
// answer, later when it is down (refused, reset, restarting).
const (
	retrySlow = time.Second
	retryDown = 5 * time.Second
)

// unavailable is the error of a request whose throttle could not count it, because the
// store failed (Redis down, restarting, failing over, too slow). Throttling fails closed:
// a request that cannot be counted is not let through, or a Redis outage would lift every
// limit, the login throttle's included. It is a 503 with Retry-After, in DRF's shape, that
// keeps the cause for the log (rest.Unavailable). A request whose client went away keeps
// its own error, for the dispatcher to treat as such.
func unavailable(ctx context.Context, err error) error {
	if ctx.Err() == context.Canceled {
		return ctx.Err()
	}
	wait := retryDown
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout() {
		wait = retrySlow
	}
	return rest.Unavailable(&StoreError{Err: err}, wait)
}

// StoreError is a failure of the throttle store, as the log shows it.
type StoreError struct{ Err error }

func (e *StoreError) Error() string { return "throttle store: " + e.Err.Error() }
func (e *StoreError) Unwrap() error { return e.Err }
