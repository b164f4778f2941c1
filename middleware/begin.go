package middleware

import (
	"net/http"
	"time"

	"ginrest/rest"
)

// Begin gives each request, once, what every layer inside reads from its context: the
// rest.Info that the request id, the router and the dispatcher fill in for the access log
// and the metrics, and the request's deadline (REQUEST_TIMEOUT; 0 for none), which reaches
// every database call and queue, so a request that waits too long is answered (503)
// rather than cut off by the server's write timeout. One context and one copy of the
// request, instead of one per layer; with a deadline, the context, the Info and the
// writer the access log and the metrics observe (wrapWriter) are one allocation.
func Begin(timeout time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if timeout <= 0 {
				next.ServeHTTP(w, r.WithContext(rest.WithInfo(r.Context(), &rest.Info{})))
				return
			}
			start := time.Now()
			c := &requestContext{deadline: deadline{Context: r.Context(), at: start.Add(timeout)}, start: start}
			defer c.release() // deadline.go
			c.writer.ResponseWriter = w
			next.ServeHTTP(&c.writer, r.WithContext(c))
		})
	}
}

// requestContext is the context Begin gives a request: its deadline, which answers the
// Info's key itself rather than through a context.WithValue, and beside them the writer
// that observe would otherwise allocate and the start it would otherwise read the clock for.
type requestContext struct {
	deadline
	info   rest.Info
	writer statusWriter
	start  time.Time // when Begin began the request: the access log's Start
	// requestID is the X-Request-Id header's value, set by RequestID (idHeader).
	requestID [1]string
}

func (c *requestContext) Value(key any) any {
	if info, ok := rest.InfoValue(key, &c.info); ok {
		return info
	}
	return c.deadline.Value(key)
}
