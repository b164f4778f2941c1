package views

import (
	"crypto/hmac"
	"log/slog"
	"net/url"
	"strings"

	"ginrest/audit"
	"ginrest/rest"
)

// CSRFHeader is the header that must echo the CSRF cookie: Django's CSRF_HEADER_NAME.
const CSRFHeader = "X-CSRFToken"

// Django's words for a failed CSRF check (CsrfViewMiddleware's REASON_*), with DRF's prefix
// (SessionAuthentication.enforce_csrf).
const (
	MsgCSRFMissing   = "CSRF Failed: CSRF token missing."
	MsgCSRFIncorrect = "CSRF Failed: CSRF token incorrect."
	// MsgCSRFCrossSite has no Django counterpart: Django does not read Sec-Fetch-Site.
	MsgCSRFCrossSite = "CSRF Failed: Cross-site request refused (Sec-Fetch-Site: cross-site)."
)

// MsgCSRFBadOrigin is Django's REASON_BAD_ORIGIN for the Origin given.
func MsgCSRFBadOrigin(origin string) string {
	return "CSRF Failed: Origin checking failed - " + origin + " does not match any trusted origins."
}

// Check is cookie mode's CSRF check, run by every view that sets or clears the cookies,
// reads the refresh cookie or acts on a session, before it looks at the body: a token in
// the body does not exempt a request, since another site's form can carry the attacker's
// own token (swapping the victim's session for the attacker's, or logging the victim out).
// It refuses, with 403 in Django's words:
//
//   - an Origin header that is neither the request's own origin nor one of
//     CSRF_TRUSTED_ORIGINS, as Django's CsrfViewMiddleware does. This is what stops login
//     CSRF: a login request carries no cookie yet, so the double-submit token cannot apply;
//   - Sec-Fetch-Site: cross-site, unless the Origin is one of CSRF_TRUSTED_ORIGINS (a
//     trusted origin on another site is cross-site by definition);
//   - a request carrying the refresh cookie whose X-CSRFToken is missing or is not the
//     cookie's CSRF token (double-submit).
//
// A client that sends neither Origin nor Sec-Fetch-Site and no cookie, that is not a
// browser, passes: it cannot be made to send a request by another site. A nil Cookies
// (AUTH_COOKIE off) checks nothing, as simplejwt.
//
// Each refusal is logged as a csrf_failure security event (audit), with the reason and the
// Origin, never the cookie or the CSRF token.
func (c *Cookies) Check(r *rest.Request) error {
	if c == nil {
		return nil
	}
	reason, err := c.check(r)
	if err != nil {
		origin := r.HTTP.Header.Get("Origin")
		if len(origin) > maxLoggedOrigin {
			origin = origin[:maxLoggedOrigin]
		}
		c.Audit.Event(r.Context(), audit.CSRFFailure, "CSRF check failed", slog.String("reason", reason),
			slog.String("origin", origin), slog.String("sec_fetch_site", r.HTTP.Header.Get("Sec-Fetch-Site")))
	}
	return err
}

// maxLoggedOrigin bounds the Origin an event records: the client writes it.
const maxLoggedOrigin = 256

// check is Check's decision, with the reason a refusal gives the log.
func (c *Cookies) check(r *rest.Request) (reason string, err error) {
	req := r.HTTP
	trusted := false
	if values := req.Header.Values("Origin"); len(values) > 0 {
		origin := values[0]
		own := origin == ownOrigin(r)
		trusted = !own && c.trustedOrigin(origin)
		if !own && !trusted {
			return "bad_origin", rest.PermissionDenied(MsgCSRFBadOrigin(origin))
		}
	}
	if strings.EqualFold(req.Header.Get("Sec-Fetch-Site"), "cross-site") && !trusted {
		return "cross_site", rest.PermissionDenied(MsgCSRFCrossSite)
	}
	cookie, err := req.Cookie(c.Name)
	if err != nil || cookie.Value == "" {
		return "", nil // no ambient credential to misuse: the origin checks were all there was
	}
	got := req.Header.Get(CSRFHeader)
	if got == "" {
		return "token_missing", rest.PermissionDenied(MsgCSRFMissing)
	}
	if !hmac.Equal([]byte(got), []byte(c.CSRFToken(cookie.Value))) { // constant time
		return "token_incorrect", rest.PermissionDenied(MsgCSRFIncorrect)
	}
	return "", nil
}

// ownOrigin is the request's own origin as Django's CsrfViewMiddleware computes it: the
// request's scheme and the Host header. Behind a proxy that terminates TLS the scheme is
// https only with SECURE_PROXY_SSL_HEADER (rest.Request.Scheme), as in Django; without
// it, list the site's https origin in CSRF_TRUSTED_ORIGINS.
func ownOrigin(r *rest.Request) string {
	return r.Scheme() + "://" + r.HTTP.Host
}

// trustedOrigin: origin is one of CSRF_TRUSTED_ORIGINS.
func (c *Cookies) trustedOrigin(origin string) bool {
	if len(c.Origins) == 0 {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return false // "null", or not an origin
	}
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	for _, t := range c.Origins {
		if t.Matches(scheme, host) {
			return true
		}
	}
	return false
}
