package middleware

import (
	"context"
	"net/http"
	"time"

	"ginrest/rest"
)

// StatusClientClosedRequest is the status the access log and the metrics give a request
// whose client went away before it was answered (nginx's 499): the server gave it up, and
// the 503 it wrote reached nobody. Counted as a 5xx, it would page whoever watches the
// server's error rate for what clients did.
const StatusClientClosedRequest = 499

// Entry is one finished request, as the access log and the metrics see it.
type Entry struct {
	Start    time.Time
	Duration time.Duration
	Method   string
	// Path is the raw path; Route the URL table's pattern that matched it ("" for none).
	Path, Route string
	// RequestURI is the request line's target (path and query); Proto its version.
	RequestURI, Proto string
	// Status is the status sent, or StatusClientClosedRequest.
	Status    int
	Bytes     int64
	RequestID string
	// UserID is the authenticated user's pk, "" when anonymous.
	UserID string
}

// observe serves the request with a writer that records what was sent and an Info in its
// context for the router and the dispatcher to fill, then hands report the Entry. A panic
// is not reported (Recoverer, inside, turns it into a 500 first).
func observe(next http.Handler, w http.ResponseWriter, r *http.Request, report func(context.Context, Entry)) {
	ctx := r.Context()
	start := startOf(ctx)
	sw := wrapWriter(w)
	info := rest.InfoFrom(ctx)
	if info == nil {
		info = &rest.Info{}
		ctx = rest.WithInfo(ctx, info)
		r = r.WithContext(ctx)
	}
	next.ServeHTTP(sw, r)
	status := sw.Status()
	if info.Abandoned() {
		status = StatusClientClosedRequest
	}
	report(ctx, Entry{
		Start:      start,
		Duration:   time.Since(start),
		Method:     r.Method,
		Path:       r.URL.Path,
		Route:      info.Route(),
		RequestURI: r.RequestURI,
		Proto:      r.Proto,
		Status:     status,
		Bytes:      sw.bytes,
		RequestID:  RequestIDFrom(ctx),
		UserID:     UserID(info.User()),
	})
}

// startOf is when the request began: the time Begin read for its deadline (one clock
// reading per request instead of two), or now outside Begin.
func startOf(ctx context.Context) time.Time {
	if c, ok := ctx.(*requestContext); ok {
		return c.start
	}
	return time.Now()
}

// UserID is the user's primary key as text, "" for an anonymous (or unknown) user: any
// user type with a PK() string method (models.User, authentication.TokenUser) names itself.
func UserID(u rest.User) string {
	if u == nil || !u.IsAuthenticated() {
		return ""
	}
	if pk, ok := u.(interface{ PK() string }); ok {
		return pk.PK()
	}
	return ""
}
