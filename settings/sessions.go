package settings

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sessions are what simplejwt's users ask for beyond simplejwt: logging out everywhere,
// revoking on a password change, refresh-token reuse detection, sessions, cookies and
// pruning.
type Sessions struct {
	// TokenVersionCheck gives each user a token version, carried by every token issued and
	// checked on every authenticated request, refresh and verify; "log out everywhere" and
	// a password change bump it (TOKEN_VERSION_CHECK).
	TokenVersionCheck bool
	// RevokeOnPasswordChange ends every session of a user whose password changes, through
	// the API or changepassword (REVOKE_ON_PASSWORD_CHANGE).
	RevokeOnPasswordChange bool
	// ReuseDetection revokes a refresh token's whole family (its session) when a rotated
	// refresh token of it is presented again (REFRESH_TOKEN_REUSE_DETECTION). It needs
	// BLACKLIST_AFTER_ROTATION: without it, a rotated token is not refused.
	ReuseDetection bool
	// ReuseInterval is the grace period of reuse detection (REFRESH_TOKEN_REUSE_INTERVAL),
	// as Auth0's reuse interval and Okta's grace period for token rotation: a rotated
	// refresh token presented again within it of its rotation is refused, but its session
	// lives; after it, the session is revoked. The default, 10s, covers the losers of
	// concurrent refreshes (two tabs, a retry after a timeout, a response lost on the
	// network) and is short enough that a thief's later replay still ends the session.
	// 0 is no grace: every reuse revokes.
	ReuseInterval time.Duration
	// PruneInterval is how often runserver deletes expired tokens and sessions
	// (TOKEN_PRUNE_INTERVAL); 0 never does (run flushexpiredtokens instead).
	PruneInterval time.Duration
	Cookie        AuthCookie
}

// AuthCookie is the HttpOnly cookie mode: obtain and refresh set the refresh token as a
// cookie that page scripts cannot read, and refresh and logout take it from there.
type AuthCookie struct {
	Enabled  bool   // AUTH_COOKIE
	Name     string // AUTH_COOKIE_NAME
	Secure   bool   // AUTH_COOKIE_SECURE
	SameSite string // AUTH_COOKIE_SAMESITE: Lax, Strict or None
	Path     string // AUTH_COOKIE_PATH: where the browser sends the refresh cookie
	Domain   string // AUTH_COOKIE_DOMAIN: empty means this host only
	// CSRFName is the readable cookie holding the CSRF token that cookie requests must echo
	// in X-CSRFToken (AUTH_COOKIE_CSRF_NAME).
	CSRFName string
	// InsecureOK lets cookie mode run with Secure off while DEBUG is off
	// (AUTH_COOKIE_INSECURE_OK): a deployment that serves plain HTTP on purpose, on a
	// private network, say. Without it that combination stops the server at start, as a
	// refresh token sent in clear over the Internet is a session handed to anyone on the path.
	InsecureOK bool
	// TrustedOrigins are the origins besides the request's own whose cross-origin requests
	// cookie mode accepts (CSRF_TRUSTED_ORIGINS), in Django's form: "https://app.example.com",
	// or "https://*.example.com" for every subdomain. Read by ParseTrustedOrigins.
	TrustedOrigins []string
}

// SameSiteMode is AUTH_COOKIE_SAMESITE as net/http's value (Validate checks it).
func (c AuthCookie) SameSiteMode() http.SameSite {
	switch strings.ToLower(c.SameSite) {
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	}
	return http.SameSiteLaxMode
}

// validateSessions checks the Sessions settings.
func (s *Settings) validateSessions() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	ss := s.Sessions
	if ss.ReuseInterval < 0 {
		bad("REFRESH_TOKEN_REUSE_INTERVAL", "must not be negative (0 is no grace period)")
	}
	if ss.PruneInterval < 0 {
		bad("TOKEN_PRUNE_INTERVAL", "must not be negative")
	} else if ss.PruneInterval > 0 && ss.PruneInterval < time.Second {
		bad("TOKEN_PRUNE_INTERVAL", "must be at least 1s, or 0 for never")
	}
	c := ss.Cookie
	for name, v := range map[string]string{"AUTH_COOKIE_NAME": c.Name, "AUTH_COOKIE_CSRF_NAME": c.CSRFName} {
		if !validCookieName(v) {
			bad(name, "%q is not a cookie name (letters, digits and !#$%%&'*+-.^_`|~)", v)
		}
	}
	if c.Name == c.CSRFName {
		bad("AUTH_COOKIE_CSRF_NAME", "must differ from AUTH_COOKIE_NAME")
	}
	switch strings.ToLower(c.SameSite) {
	case "lax", "strict":
	case "none":
		if !c.Secure {
			bad("AUTH_COOKIE_SAMESITE", "None needs AUTH_COOKIE_SECURE=true (browsers refuse it otherwise)")
		}
	default:
		bad("AUTH_COOKIE_SAMESITE", "%q is not Lax, Strict or None", c.SameSite)
	}
	if !strings.HasPrefix(c.Path, "/") || strings.ContainsAny(c.Path, ";\r\n ") {
		bad("AUTH_COOKIE_PATH", "%q must be a URL path starting with /", c.Path)
	}
	if strings.ContainsAny(c.Domain, ";\r\n ") {
		bad("AUTH_COOKIE_DOMAIN", "%q is not a domain", c.Domain)
	}
	if c.Enabled && !c.Secure && !s.Debug && !c.InsecureOK {
		bad("AUTH_COOKIE_SECURE", "is false with DEBUG false: the refresh cookie would travel over plain HTTP; "+
			"set AUTH_COOKIE_SECURE=true, or AUTH_COOKIE_INSECURE_OK=true if plain HTTP is meant")
	}
	if _, err := ParseTrustedOrigins(c.TrustedOrigins); err != nil {
		bad("CSRF_TRUSTED_ORIGINS", "%v", err)
	}
	return errs
}

// validCookieName is RFC 6265's cookie-name: an RFC 7230 token.
func validCookieName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r >= 0x7f || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}
