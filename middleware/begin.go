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
// request, instead of one per layer.
func Begin(timeout time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := rest.WithInfo(r.Context(), &rest.Info{})
			if timeout > 0 {
				var release func()
				ctx, release = withDeadline(ctx, time.Now().Add(timeout)) // deadline.go
				defer release()
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
