package middleware

import (
	"context"
	"net/http"
)

// RequestObserver receives every finished request: metrics.Metrics counts them.
type RequestObserver interface {
	ObserveRequest(Entry)
}

// Metrics reports each request to o once it is served. Put it inside AccessLog and the two
// share one response writer.
func Metrics(o RequestObserver) func(http.Handler) http.Handler {
	report := func(_ context.Context, e Entry) { o.ObserveRequest(e) }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			observe(next, w, r, report)
		})
	}
}
