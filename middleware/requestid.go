package middleware

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/netip"

	"ginrest/rest"
)

// RequestIDHeader is the header that carries a request's id in and out (X-Request-ID,
// spelled as Go's canonical form, so that setting it costs no allocation).
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an id taken from a proxy: it goes into every log line.
const maxRequestIDLen = 128

// RequestID gives each request an id, echoed in the X-Request-ID response header and
// carried by its context (RequestIDFrom), so that every log line of the request names it.
//
// A proxy in front (TRUSTED_PROXIES) may have named the request already, and the id then
// follows it through both logs; from any other peer the header is ignored, as a client
// could otherwise write what it likes into the logs, or make its requests look like
// someone else's. An id that is not 1–128 visible ASCII characters is replaced too.
func RequestID(proxies rest.TrustedProxies) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(RequestIDHeader)
			if id == "" || !validRequestID(id) || !peerTrusted(proxies, r) {
				id = rand.Text() // 128 random bits, base32: URL-safe, and safe in a log
			}
			w.Header()[RequestIDHeader] = idHeader(r.Context(), id) // the canonical key: Set would canonicalize it again
			info := rest.InfoFrom(r.Context())
			if info == nil { // not under Begin: give the request an Info of its own
				info = &rest.Info{}
				r = r.WithContext(rest.WithInfo(r.Context(), info))
			}
			info.SetRequestID(id)
			next.ServeHTTP(w, r)
		})
	}
}

// RequestIDFrom is the id RequestID gave the request whose context is ctx, "" outside one.
func RequestIDFrom(ctx context.Context) string { return rest.InfoFrom(ctx).RequestID() }

// idHeader is the header value that holds id: under Begin, the slot its context keeps
// for it, so that the value costs no allocation of its own.
func idHeader(ctx context.Context, id string) []string {
	if c, ok := ctx.(*requestContext); ok {
		c.requestID[0] = id
		return c.requestID[:]
	}
	return []string{id}
}

// peerTrusted: the connection comes from a trusted proxy (not: the client claims one).
func peerTrusted(proxies rest.TrustedProxies, r *http.Request) bool {
	if len(proxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && proxies.Contains(ap.Addr().Unmap().WithZone(""))
}

func validRequestID(id string) bool {
	if len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
