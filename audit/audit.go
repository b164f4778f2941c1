// Package audit logs security events: one structured WARN record per event, named by its
// event attribute, so that an operator can alert on them and follow an attack through the
// request ids. A record names who and where (user_id, session_id when known, client_ip,
// and, through middleware.LogContext, request_id); it never holds a token, a password or
// a CSRF token.
package audit

import (
	"context"
	"log/slog"

	"ginrest/rest"
)

// The events.
const (
	// CSRFFailure: cookie mode refused a request for its Origin, its Sec-Fetch-Site or its
	// CSRF token (views.Cookies.Check).
	CSRFFailure = "csrf_failure"
	// TokenReuseDetected: a rotated refresh token came back after the reuse interval and
	// its session was revoked (REFRESH_TOKEN_REUSE_DETECTION).
	TokenReuseDetected = "token_reuse_detected"
	// LoginThrottled: the login throttle refused a login (THROTTLE_RATES login).
	LoginThrottled = "login_throttled"
	// PasswordChangeThrottled: the password change's throttle refused a change after too
	// many wrong old passwords (THROTTLE_RATES password_change, or login).
	PasswordChangeThrottled = "password_change_throttled"
	// MFAThrottled: the mfa throttle refused a code after too many wrong ones (THROTTLE_RATES
	// mfa, or login): someone who has the password guessing the second factor.
	MFAThrottled = "mfa_throttled"
	// JWKSFetchFailed: fetching JWK_URL failed; the keys fetched before are kept.
	JWKSFetchFailed = "jwks_fetch_failed"
)

// Log writes security events. A nil Log, or one without a Logger, writes to
// slog.Default(): an event is never dropped for want of wiring.
type Log struct {
	Logger *slog.Logger
	// Proxies are TRUSTED_PROXIES: the client_ip of an event is the peer's address or what
	// trusted proxies say (rest.TrustedProxies.ClientIP), as the throttles count it.
	Proxies rest.TrustedProxies
}

// Event logs event at WARN with msg and attrs, adding the request's method, path and
// client_ip when ctx is a request's (rest.RequestFrom). Log it with the request's context
// so that request_id (and user_id, for an authenticated request) are added too.
func (l *Log) Event(ctx context.Context, event, msg string, attrs ...slog.Attr) {
	logger, proxies := slog.Default(), rest.TrustedProxies(nil)
	if l != nil {
		proxies = l.Proxies
		if l.Logger != nil {
			logger = l.Logger
		}
	}
	if !logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	all := make([]slog.Attr, 0, len(attrs)+4)
	all = append(all, slog.String("event", event))
	if r := rest.RequestFrom(ctx); r != nil {
		all = append(all, slog.String("method", r.HTTP.Method), slog.String("path", r.HTTP.URL.Path))
		if addr := proxies.ClientIP(r.HTTP); addr.IsValid() {
			all = append(all, slog.String("client_ip", addr.String()))
		}
	}
	all = append(all, attrs...)
	logger.LogAttrs(ctx, slog.LevelWarn, msg, all...)
}
