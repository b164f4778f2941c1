package views

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"time"

	"ginrest/audit"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/tokenserializers"
)

// Cookies is the HttpOnly cookie mode (AUTH_COOKIE): obtain, refresh and a password
// change set the refresh token in a cookie that page scripts cannot read, scoped to
// AUTH_COOKIE_PATH, and leave it out of the JSON body, which then holds the access token
// only; refresh and logout (blacklist) read it from the cookie when the body has none.
//
// A browser sends the cookie with requests other sites make it send, so every request that
// sets, clears or uses it, or acts on a session, is CSRF-checked (Check, csrf.go), whatever
// its body carries: beside the refresh cookie a readable CSRF cookie is set
// (AUTH_COOKIE_CSRF_NAME, path /) and a request carrying the refresh cookie must echo its
// value in the X-CSRFToken header (double-submit). The CSRF token is an HMAC of the
// refresh token under SECRET_KEY, so a cookie planted by a sibling subdomain does not
// match, and it changes with every rotation.
type Cookies struct {
	settings.AuthCookie
	// MaxAge is the cookies' lifetime: REFRESH_TOKEN_LIFETIME.
	MaxAge time.Duration
	// Key signs the CSRF tokens: SECRET_KEY.
	Key []byte
	// Origins are CSRF_TRUSTED_ORIGINS, parsed: the origins besides the request's own
	// whose requests are accepted.
	Origins []settings.TrustedOrigin
	// Audit logs the refusals of the CSRF check; nil logs them to slog.Default().
	Audit *audit.Log
}

// NewCookies is cookie mode with the given settings, its cookies living maxAge
// (REFRESH_TOKEN_LIFETIME), its CSRF tokens signed with key (SECRET_KEY).
func NewCookies(c settings.AuthCookie, maxAge time.Duration, key []byte) (*Cookies, error) {
	origins, err := settings.ParseTrustedOrigins(c.TrustedOrigins)
	if err != nil {
		return nil, fmt.Errorf("settings: CSRF_TRUSTED_ORIGINS %w", err)
	}
	return &Cookies{AuthCookie: c, MaxAge: maxAge, Key: key, Origins: origins}, nil
}

// CSRFToken is the CSRF token that goes with a refresh token.
func (c *Cookies) CSRFToken(refresh string) string {
	mac := hmac.New(sha256.New, c.Key)
	mac.Write([]byte("ginrest.csrf.v1:"))
	mac.Write([]byte(refresh))
	return hex.EncodeToString(mac.Sum(nil))
}

// set adds the refresh cookie and its CSRF cookie to a response's headers.
func (c *Cookies) set(h http.Header, refresh string) {
	c.add(h, refresh, c.CSRFToken(refresh), int(c.MaxAge/time.Second))
}

// clear tells the browser to drop both cookies.
func (c *Cookies) clear(h http.Header) { c.add(h, "", "", -1) }

func (c *Cookies) add(h http.Header, refresh, csrf string, maxAge int) {
	sameSite := c.SameSiteMode()
	h.Add("Set-Cookie", (&http.Cookie{Name: c.Name, Value: refresh, Path: c.Path, Domain: c.Domain,
		MaxAge: maxAge, Secure: c.Secure, HttpOnly: true, SameSite: sameSite}).String())
	// Path / so that scripts on any page of the site can read it.
	h.Add("Set-Cookie", (&http.Cookie{Name: c.CSRFName, Value: csrf, Path: "/", Domain: c.Domain,
		MaxAge: maxAge, Secure: c.Secure, HttpOnly: false, SameSite: sameSite}).String())
}

// fromCookie is the request data with the refresh token taken from the cookie, when the
// data has no refresh field and the request has the cookie. Check has already matched the
// cookie with its CSRF token. The parsed body is copied, never changed.
func (c *Cookies) fromCookie(r *rest.Request, data any) (any, bool) {
	obj, ok := data.(map[string]any)
	if !ok {
		return data, false // the serializer explains what is wrong with it
	}
	if _, present := obj["refresh"]; present {
		return data, false // simplejwt's way; the request passed the CSRF check all the same
	}
	cookie, err := r.HTTP.Cookie(c.Name)
	if err != nil || cookie.Value == "" {
		return data, false // "This field is required."
	}
	with := maps.Clone(obj)
	with["refresh"] = cookie.Value
	return with, true
}

// Access is the body of a login or refresh in cookie mode: the refresh token is in the
// cookie only, where page scripts cannot read it.
type Access struct {
	Access string `json:"access"`
}

// respond puts a response's refresh token in the cookies and takes it out of the body.
func (c *Cookies) respond(resp *rest.Response) {
	var access, refresh string
	switch body := resp.Data.(type) {
	case *tokenserializers.Pair:
		access, refresh = body.Access, body.Refresh
	case *tokenserializers.Refreshed:
		access, refresh = body.Access, body.Refresh
	}
	if refresh == "" {
		return // no rotation: the cookie keeps the token it has
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	c.set(resp.Header, refresh)
	resp.Data = Access{Access: access}
}

// tokenValidator is a token view: its serializer can be run on data of the caller's.
type tokenValidator interface {
	rest.View
	rest.ActionDescriber
	validateData(ctx context.Context, data any) (any, error)
}

func (v *tokenView[T]) validateData(ctx context.Context, data any) (any, error) {
	return v.validate(ctx, data)
}

// cookieView is a token view in cookie mode.
type cookieView struct {
	inner   tokenValidator
	cookies *Cookies
	// read takes the refresh token from the cookie (refresh, logout); clear drops the
	// cookies once the view succeeded (logout).
	read, clear bool
}

var (
	_ rest.Poster          = (*cookieView)(nil)
	_ rest.ActionDescriber = (*cookieView)(nil)
)

func (v *cookieView) Base() *rest.APIView                { return v.inner.Base() }
func (v *cookieView) Describe(method string) rest.Fields { return v.inner.Describe(method) }

func (v *cookieView) Post(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	// Before anything is read from the body: a token in it must not let a request skip
	// the check (another site's form can carry its own refresh token).
	if err := v.cookies.Check(r); err != nil {
		return nil, err
	}
	fromCookie := false
	if v.read {
		data, fromCookie = v.cookies.fromCookie(r, data)
	}
	out, err := v.inner.validateData(r.Context(), data)
	if err != nil {
		var e *rest.Error
		if errors.As(err, &e) && fromCookie && e.Status == http.StatusUnauthorized && !errors.Is(err, tokenserializers.ErrReusedInGrace) {
			// The cookie's token is dead (expired, blacklisted): the browser may drop it.
			// Not when it lost a race of two tabs (reused within the reuse interval): the
			// browser may hold the winner's new cookie by now, which a clear would drop.
			e2 := *e
			e2.Header = e.Header.Clone()
			if e2.Header == nil {
				e2.Header = http.Header{}
			}
			v.cookies.clear(e2.Header)
			return nil, &e2
		}
		return nil, err
	}
	resp := rest.OK(out)
	if v.clear {
		resp.Header = http.Header{}
		v.cookies.clear(resp.Header)
		return resp, nil
	}
	v.cookies.respond(resp)
	return resp, nil
}

// wrap puts a token view in cookie mode; any other view is returned as it is, and so is
// every view when c is nil (AUTH_COOKIE off), so that the URL table can say
// cookies.Obtain(view) whatever the settings.
func (c *Cookies) wrap(view rest.View, read, clear bool) rest.View {
	tv, ok := view.(tokenValidator)
	if c == nil || !ok {
		return view
	}
	// The document says what this mode answers: the access token alone where a refresh
	// token went to the cookie, and a 403 from the CSRF check.
	op := tv.Base().Schema.Operations[http.MethodPost]
	op.Errors = append(op.Errors, http.StatusForbidden)
	if body, ok := op.Responses[http.StatusOK]; ok {
		op.Responses = maps.Clone(op.Responses)
		op.Responses[http.StatusOK] = cookieBody(body)
	}
	tv.Base().Schema.Operations[http.MethodPost] = op
	return &cookieView{inner: tv, cookies: c, read: read, clear: clear}
}

// cookieBody is a token view's declared success body as respond leaves it: a pair (or a
// rotated refresh's) is the access token alone; each alternative of a OneOf likewise.
func cookieBody(body any) any {
	switch b := body.(type) {
	case *tokenserializers.Pair, tokenserializers.Pair, *tokenserializers.Refreshed:
		return Access{}
	case rest.OneOf:
		out := make(rest.OneOf, len(b))
		for i, alt := range b {
			out[i] = cookieBody(alt)
		}
		return out
	}
	return body
}

// Obtain is the login view in cookie mode: it sets the cookies.
func (c *Cookies) Obtain(view rest.View) rest.View { return c.wrap(view, false, false) }

// Refresh is the refresh view in cookie mode: it reads the refresh cookie, and sets the
// rotated token in it.
func (c *Cookies) Refresh(view rest.View) rest.View { return c.wrap(view, true, false) }

// Logout is the blacklist view in cookie mode: it reads the refresh cookie, and drops the
// cookies.
func (c *Cookies) Logout(view rest.View) rest.View { return c.wrap(view, true, true) }
