package views

import (
	"errors"
	"net/http"
	"strings"

	"ginrest/rest"
	"ginrest/socialaccount"
	"ginrest/tokenserializers"
)

// The browser login with an OpenID Connect provider (docs/oidc.md), run by ginrest:
// /api/auth/<provider>/login/ sends the browser to the provider, which sends it back to
// /api/auth/<provider>/callback/ with a code, answered as a login. What ties the two
// requests to one browser is a cookie, sealed under SECRET_KEY, holding the state, the
// nonce and the PKCE verifier: any process of the service can finish a login another began.

// StateCookie is the name of the login's state cookie; it is sent to the callback only.
const StateCookie = "ginrest_oidc_state"

// MsgNextNeedsCookies refuses a next URL outside cookie mode: the tokens would have to
// travel in the URL.
const MsgNextNeedsCookies = "A login with a next URL needs cookie mode (AUTH_COOKIE): the tokens are set in cookies, never put in a URL."

// callbackPath is the callback of provider name: the state cookie's path too.
func callbackPath(name string) string { return "/api/auth/" + name + "/callback/" }

// stateCookie is the Set-Cookie of the state: HttpOnly, for the callback's path only, and
// SameSite=Lax, since the callback is a top-level navigation from the provider's site
// (Strict would leave the cookie behind); Secure on https or when AUTH_COOKIE_SECURE says.
func stateCookie(r *rest.Request, cookies *Cookies, name, value string, maxAge int) string {
	secure := r.IsSecure() || (cookies != nil && cookies.Secure)
	return (&http.Cookie{Name: StateCookie, Value: value, Path: callbackPath(name), MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode}).String()
}

// OIDCBrowserLogin is GET /api/auth/<provider>/login/: a 302 to the provider's
// authorization endpoint, and the state cookie.
type OIDCBrowserLogin struct {
	rest.APIView
	browser *socialaccount.Browser
	cookies *Cookies
}

var _ rest.Getter = (*OIDCBrowserLogin)(nil)

// NewOIDCBrowserLogin builds the view; cookies is nil unless AUTH_COOKIE.
func NewOIDCBrowserLogin(b *socialaccount.Browser, cookies *Cookies) *OIDCBrowserLogin {
	name := b.Provider.Name
	return &OIDCBrowserLogin{APIView: rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}, NoStore: true,
		Name: "OIDC Login", Description: "Sends the browser to the " + name + " OpenID Connect provider to sign in; the provider sends it back to the callback.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{http.MethodGet: {
			Summary:    "Log in with " + name + " in the browser: to the provider",
			Parameters: []rest.QueryParam{{Name: "next", Type: "string", Description: "Where the browser goes once logged in (cookie mode only): a path of this server or a URL of OIDC_REDIRECT_ORIGINS."}},
			Status:     http.StatusFound,
			Responses:  map[int]any{http.StatusFound: rest.Redirect{}},
			Errors:     []int{http.StatusBadRequest, http.StatusServiceUnavailable},
		}}}},
		browser: b, cookies: cookies}
}

func (v *OIDCBrowserLogin) Get(r *rest.Request) (*rest.Response, error) {
	next := r.QueryParams().Get("next")
	if next != "" {
		if v.cookies == nil {
			return nil, rest.ValidationError(map[string]any{"next": []string{MsgNextNeedsCookies}})
		}
		if !v.browser.SafeNext(next) {
			return nil, rest.ValidationError(map[string]any{"next": []string{socialaccount.MsgNextNotSafe}})
		}
	}
	redirectURI := r.AbsoluteURL(callbackPath(v.browser.Provider.Name)).String()
	authURL, sealed, err := v.browser.Start(r.Context(), redirectURI, next)
	if err != nil {
		return nil, err
	}
	h := http.Header{"Location": {authURL}}
	h.Add("Set-Cookie", stateCookie(r, v.cookies, v.browser.Provider.Name, sealed, int(v.browser.Lifetime.Seconds())))
	return &rest.Response{Status: http.StatusFound, Header: h}, nil
}

// OIDCCallback is GET /api/auth/<provider>/callback/: the provider's redirect with a code,
// answered as a login (the pair, the mfa step, the cookies in cookie mode), or, with the
// next the login began with, a 302 there. Every answer clears the state cookie: a state
// serves one callback, and a replayed code is refused by the provider (RFC 6749 §4.1.2).
type OIDCCallback struct {
	rest.APIView
	browser *socialaccount.Browser
	login   tokenserializers.OIDCLogin
	cookies *Cookies
}

var _ rest.Getter = (*OIDCCallback)(nil)

// NewOIDCCallback builds the view; throttles as for NewOIDCToken (the login throttle).
func NewOIDCCallback(jwt *tokenserializers.JWT, b *socialaccount.Browser, accounts *socialaccount.Accounts, cookies *Cookies, throttles ...rest.Throttle) *OIDCCallback {
	name := b.Provider.Name
	var success any = rest.OneOf{tokenserializers.Pair{}, tokenserializers.MFAStep{}}
	if cookies != nil {
		success = cookieBody(success)
	}
	return &OIDCCallback{APIView: rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}, Throttles: throttles,
		NoStore: true, WWWAuthenticate: `Bearer realm="api"`,
		Name: "OIDC Callback", Description: "Where the " + name + " OpenID Connect provider sends the browser back: the login's answer.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{http.MethodGet: {
			Summary: "Log in with " + name + " in the browser: back from the provider",
			Description: "Checks the state against the login's cookie, exchanges the code (with PKCE) and verifies the ID token. " +
				"Answers as POST /api/auth/" + name + "/token/ does, or, when the login was given a next URL, redirects there " +
				"(the mfa step's token in the fragment: #mfa_token=…).",
			Parameters: []rest.QueryParam{
				{Name: "code", Type: "string", Description: "The authorization code."},
				{Name: "state", Type: "string", Description: "The state the login sent."},
				{Name: "error", Type: "string", Description: "The provider's refusal (RFC 6749 §4.1.2.1), instead of a code."},
				{Name: "error_description", Type: "string", Description: "The provider's words on it; not repeated."},
			},
			Responses: map[int]any{http.StatusOK: success, http.StatusFound: rest.Redirect{}},
			Errors:    []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusServiceUnavailable},
		}}}},
		browser: b, login: tokenserializers.OIDCLogin{JWT: jwt, Provider: b.Provider, Accounts: accounts}, cookies: cookies}
}

func (v *OIDCCallback) Get(r *rest.Request) (*rest.Response, error) {
	clear := stateCookie(r, v.cookies, v.browser.Provider.Name, "", -1)
	sealed := ""
	if c, err := r.HTTP.Cookie(StateCookie); err == nil {
		sealed = c.Value
	}
	out, next, err := v.finish(r, sealed)
	if err != nil {
		// Each error is made for this request, so its headers are this answer's alone.
		var e *rest.Error
		if errors.As(err, &e) {
			if e.Header == nil {
				e.Header = http.Header{}
			}
			e.Header.Add("Set-Cookie", clear)
		}
		return nil, err
	}
	resp := rest.OK(out)
	if v.cookies != nil {
		v.cookies.respond(resp)
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Header.Add("Set-Cookie", clear)
	if next == "" {
		return resp, nil
	}
	// The tokens are in the cookies; the mfa step's token (no credential without a code)
	// goes in the fragment, which browsers never send to a server.
	loc, _, _ := strings.Cut(next, "#")
	if step, ok := out.(*tokenserializers.MFAStep); ok {
		loc += "#mfa_token=" + step.MFAToken
	}
	resp.Status, resp.Data = http.StatusFound, nil
	resp.Header.Set("Location", loc)
	return resp, nil
}

func (v *OIDCCallback) finish(r *rest.Request, sealed string) (any, string, error) {
	id, next, err := v.browser.Finish(r.Context(), sealed, r.QueryParams())
	if err != nil {
		return nil, "", err
	}
	out, err := v.login.LogIn(r.Context(), id)
	return out, next, err
}
