package rest

import (
	"log/slog"
	"net/http"
)

// The security headers' values, shared by every response (net/http only reads them).
var (
	nosniff    = []string{"nosniff"}
	frameDeny  = []string{"DENY"}
	sameOrigin = []string{"same-origin"}
)

// SecurityHeaders adds the headers Django's SecurityMiddleware and XFrameOptionsMiddleware
// add to every response, redirects and 404s included.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["X-Content-Type-Options"] = nosniff
		h["X-Frame-Options"] = frameDeny
		h["Referrer-Policy"] = sameOrigin
		next.ServeHTTP(w, r)
	})
}

// Recoverer turns a panic into a generic JSON 500 and a log line: the client never sees a
// stack trace. Views render their whole body before writing, so nothing was sent yet.
func Recoverer(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, r, ServerError())
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// NotFoundHandler answers paths no route matches: {"detail": "Not found."}.
func NotFoundHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { writeError(w, r, NotFound()) })
}

// writeError renders an error outside any view (no Allow header: there is no view).
func writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	body, _ := e.MarshalJSON()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Add("Vary", "Accept") // after a middleware's Vary (CORS: Origin)
	w.WriteHeader(e.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}
