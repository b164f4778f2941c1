package middleware_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"ginrest/middleware"
	"ginrest/rest"
)

// The middleware every request goes through, as the app mounts it (urls/operations.go),
// around a handler that answers a small JSON body: the per-request cost of the security
// headers, the context and deadline, the request id and the access line (formatted in
// full, into io.Discard).
func BenchmarkMiddleware(b *testing.B) {
	body := []byte(`{"message":"Hello, authenticated user!"}`)
	log := middleware.SlogAccess(slog.New(middleware.LogContext(middleware.NewTextHandler(io.Discard))))
	h := middleware.Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest.InfoFrom(r.Context()).SetRoute("/api/protected/")
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(body)
	}), rest.SecurityHeaders, middleware.Begin(30*time.Second), middleware.RequestID(nil), middleware.AccessLog(log))
	req := httptest.NewRequest(http.MethodGet, "/api/protected/", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}
