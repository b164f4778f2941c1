package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"ginrest/models"
	"ginrest/settings"
	"ginrest/socialaccount"
	"ginrest/views"
)

// The browser login (docs/oidc.md): /api/auth/<provider>/login/ to mockoidc's
// authorization endpoint and back to /api/auth/<provider>/callback/, as a browser goes,
// with the hostile variations of each step.

// claimsUser is a mockoidc user whose ID token claims a test changes.
type claimsUser struct {
	*mockoidc.MockUser
	change func(jwt.MapClaims)
}

func (u claimsUser) Claims(scope []string, base *mockoidc.IDTokenClaims) (jwt.Claims, error) {
	c, err := u.MockUser.Claims(scope, base)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m jwt.MapClaims
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	u.change(m)
	return m, nil
}

func mockUser(sub, email string) *mockoidc.MockUser {
	return &mockoidc.MockUser{Subject: sub, Email: email, EmailVerified: true}
}

// browserLogin is one login begun at the server: where it sent the browser, and the state
// cookie it set.
type browserLogin struct {
	location *url.URL
	cookie   *http.Cookie
}

// startLogin asks /api/auth/<provider>/login/ (with query) and wants its 302.
func (s *server) startLogin(provider, query string) browserLogin {
	s.t.Helper()
	rec := s.do(req{Method: "GET", Path: "/api/auth/" + provider + "/login/" + query})
	if rec.Code != http.StatusFound {
		s.t.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		s.t.Fatal(err)
	}
	cookie := cookiesOf(rec)[views.StateCookie]
	if cookie == nil {
		s.t.Fatalf("login set no state cookie: %q", rec.Header().Values("Set-Cookie"))
	}
	return browserLogin{location: loc, cookie: cookie}
}

// authorize is the browser at the provider: the query it is sent back to the callback with.
func (s *server) authorize(l browserLogin) url.Values {
	s.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(l.location.String())
	if err != nil {
		s.t.Fatal(err)
	}
	_ = resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || back.Query().Get("code") == "" {
		s.t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if back.Path != "/api/auth/mock/callback/" {
		s.t.Fatalf("the provider sends the browser to %s", back)
	}
	return back.Query()
}

// callback is the browser back at the server, with cookie (nil for none).
func (s *server) callback(provider string, q url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	s.t.Helper()
	r := req{Method: "GET", Path: "/api/auth/" + provider + "/callback/?" + q.Encode(), Header: map[string]string{}}
	if cookie != nil {
		r.Header["Cookie"] = cookie.Name + "=" + cookie.Value
	}
	return s.do(r)
}

// stateCleared says whether the answer drops the state cookie.
func stateCleared(rec *httptest.ResponseRecorder) bool {
	c := cookiesOf(rec)[views.StateCookie]
	return c != nil && c.MaxAge < 0 && c.Value == ""
}

func TestOIDCBrowserLogin(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)))
	s.Clock.Set(m.Now()) // mockoidc's tokens are of its own clock

	// The happy path, and what each step carries.
	m.QueueUser(mockUser("sub-browser", "browser@example.com"))
	login := s.startLogin("mock", "")
	q := login.location.Query()
	if login.location.Host != strings.TrimPrefix(m.Addr(), "http://") || q.Get("state") == "" || q.Get("nonce") == "" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("response_type") != "code" ||
		q.Get("redirect_uri") != "http://example.com/api/auth/mock/callback/" || q.Get("client_id") != m.ClientID {
		t.Errorf("the login sends the browser to %s", login.location)
	}
	if c := login.cookie; !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/api/auth/mock/callback/" || c.MaxAge != 600 ||
		strings.Contains(c.Value, q.Get("state")) {
		t.Errorf("state cookie %+v: want HttpOnly, Lax, the callback's path, 10 minutes, sealed", c)
	}
	back := s.authorize(login)
	rec := s.callback("mock", back, login.cookie)
	if rec.Code != http.StatusOK || bodyMap(t, rec)["refresh"] == nil || !stateCleared(rec) || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("callback: %d %s %q, want a pair and the state cookie cleared", rec.Code, rec.Body, rec.Header().Values("Set-Cookie"))
	}
	if linkedUser(t, s, m, "sub-browser") == 0 {
		t.Error("the browser login linked no user")
	}
	if got := s.getWith("/api/protected/", bodyMap(t, rec)["access"].(string)); got.Code != http.StatusOK {
		t.Errorf("the access token of a browser login: %d", got.Code)
	}

	// A replayed callback: with the state cookie (kept by whoever copied it), the provider
	// refuses the spent code; without it (the browser dropped it), the state is missing.
	assertJSON(t, s.callback("mock", back, login.cookie), http.StatusUnauthorized,
		`{"detail":"`+socialaccount.MsgCodeRefused+`","code":"token_not_valid"}`)
	missing := `{"detail":"` + socialaccount.MsgStateMissing + `","code":"state_missing"}`
	assertJSON(t, s.callback("mock", back, nil), http.StatusBadRequest, missing)

	// each begins a login whose user is u, runs it to the provider and back, and answers
	// the query and the cookie the callback would get.
	each := func(u mockoidc.User) (url.Values, *http.Cookie) {
		m.QueueUser(u)
		l := s.startLogin("mock", "")
		return s.authorize(l), l.cookie
	}
	run := func(u mockoidc.User) *httptest.ResponseRecorder {
		q, c := each(u)
		return s.callback("mock", q, c)
	}
	changed := func(sub string, f func(jwt.MapClaims)) mockoidc.User {
		return claimsUser{MockUser: mockUser(sub, sub+"@example.com"), change: f}
	}
	invalid := func(msg string) string { return `{"detail":"` + msg + `","code":"token_not_valid"}` }
	tests := []struct {
		name   string
		call   func() *httptest.ResponseRecorder
		status int
		want   string
	}{
		{"wrong state", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			q.Set("state", q.Get("state")+"x")
			return s.callback("mock", q, c)
		}, 400, `{"detail":"` + socialaccount.MsgStateMismatch + `","code":"state_mismatch"}`},
		{"no state", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			q.Del("state")
			return s.callback("mock", q, c)
		}, 400, `{"detail":"` + socialaccount.MsgStateMismatch + `","code":"state_mismatch"}`},
		{"another login's cookie", func() *httptest.ResponseRecorder {
			q, _ := each(mockUser("sub-x", "x@example.com"))
			_, other := each(mockUser("sub-x", "x@example.com"))
			return s.callback("mock", q, other)
		}, 400, `{"detail":"` + socialaccount.MsgStateMismatch + `","code":"state_mismatch"}`},
		{"missing state cookie", func() *httptest.ResponseRecorder {
			q, _ := each(mockUser("sub-x", "x@example.com"))
			return s.callback("mock", q, nil)
		}, 400, missing},
		{"forged state cookie", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			forged := *c
			// One bit of a character before the last, whose bits are all decoded.
			i := len(c.Value) - 5
			forged.Value = c.Value[:i] + string(c.Value[i]^1) + c.Value[i+1:]
			return s.callback("mock", q, &forged)
		}, 400, missing},
		{"expired state", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			s.Clock.Advance(10 * time.Minute)
			defer s.Clock.Set(m.Now())
			return s.callback("mock", q, c)
		}, 400, missing},
		{"no code", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			q.Del("code")
			return s.callback("mock", q, c)
		}, 400, `{"code":["This field is required."]}`},
		{"bad nonce", func() *httptest.ResponseRecorder {
			return run(changed("sub-nonce", func(c jwt.MapClaims) { c["nonce"] = "another" }))
		}, 401, invalid(socialaccount.MsgNonce)},
		{"no nonce", func() *httptest.ResponseRecorder {
			return run(changed("sub-nonce", func(c jwt.MapClaims) { delete(c, "nonce") }))
		}, 401, invalid(socialaccount.MsgNonce)},
		{"expired ID token", func() *httptest.ResponseRecorder {
			return run(changed("sub-exp", func(c jwt.MapClaims) { c["exp"] = m.Now().Add(-time.Minute).Unix() }))
		}, 401, invalid(socialaccount.MsgIDTokenExpired)},
		{"another audience", func() *httptest.ResponseRecorder {
			return run(changed("sub-aud", func(c jwt.MapClaims) { c["aud"] = "another-app" }))
		}, 401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"another issuer", func() *httptest.ResponseRecorder {
			return run(changed("sub-iss", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" }))
		}, 401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"unverified email", func() *httptest.ResponseRecorder {
			return run(&mockoidc.MockUser{Subject: "sub-unverified", Email: "eve@example.com"})
		}, 401, `{"detail":"` + socialaccount.MsgEmailNotVerified + `"}`},
		{"provider down at the exchange", func() *httptest.ResponseRecorder {
			q, c := each(mockUser("sub-x", "x@example.com"))
			// Once: how this provider takes the client's secret (in the body, not a header)
			// was learnt at the first exchange, so the token endpoint is asked once.
			m.QueueError(&mockoidc.ServerError{Code: http.StatusBadGateway, Error: "down"})
			return s.callback("mock", q, c)
		}, 503, `{"detail":"The identity provider \"mock\" is unavailable. Try again later.","code":"provider_unavailable"}`},
		{"access denied", func() *httptest.ResponseRecorder {
			_, c := each(mockUser("sub-x", "x@example.com"))
			return s.callback("mock", url.Values{"error": {"access_denied"}, "error_description": {"<b>no</b>"}, "state": {"s"}}, c)
		}, 400, `{"detail":"The identity provider \"mock\" did not sign the user in: access_denied.","code":"access_denied"}`},
		{"provider error, not a code", func() *httptest.ResponseRecorder {
			return s.callback("mock", url.Values{"error": {"<script>"}}, nil)
		}, 400, `{"detail":"The identity provider \"mock\" did not sign the user in: provider_error.","code":"provider_error"}`},
		{"provider's temporary trouble", func() *httptest.ResponseRecorder {
			return s.callback("mock", url.Values{"error": {"temporarily_unavailable"}}, nil)
		}, 503, `{"detail":"The identity provider \"mock\" is unavailable. Try again later.","code":"provider_unavailable"}`},
		{"provider down at the start", func() *httptest.ResponseRecorder {
			return s.do(req{Method: "GET", Path: "/api/auth/down/login/"})
		}, 503, `{"detail":"The identity provider \"down\" is unavailable. Try again later.","code":"provider_unavailable"}`},
		{"next outside cookie mode", func() *httptest.ResponseRecorder {
			return s.do(req{Method: "GET", Path: "/api/auth/mock/login/?next=/app/"})
		}, 400, `{"next":["` + views.MsgNextNeedsCookies + `"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.call()
			assertJSON(t, rec, tt.status, tt.want)
			if strings.HasPrefix(tt.name, "provider down at the start") || strings.HasPrefix(tt.name, "next") {
				return
			}
			if !stateCleared(rec) {
				t.Errorf("a refused callback kept the state cookie: %q", rec.Header().Values("Set-Cookie"))
			}
		})
	}
	for _, sub := range []string{"sub-x", "sub-nonce", "sub-exp", "sub-aud", "sub-iss", "sub-unverified"} {
		if linkedUser(t, s, m, sub) != 0 {
			t.Errorf("a refused login linked %s", sub)
		}
	}
}

// TestOIDCBrowserCookieMode: in cookie mode the callback sets the refresh cookie; with a
// safe next it redirects there; the mfa step's token goes in the fragment.
func TestOIDCBrowserCookieMode(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)), cookieMode, func(st *settings.Settings) {
		st.OIDC.RedirectOrigins = []string{"https://app.example.com"}
	})
	s.Clock.Set(m.Now())

	m.QueueUser(mockUser("sub-ivy", "ivy@example.com"))
	l := s.startLogin("mock", "")
	rec := s.callback("mock", s.authorize(l), l.cookie)
	if body := bodyMap(t, rec); rec.Code != http.StatusOK || len(body) != 1 || body["access"] == nil || cookiesOf(rec)["refresh_token"] == nil {
		t.Fatalf("callback in cookie mode: %d %s %q, want the access token and a refresh cookie", rec.Code, rec.Body, rec.Header().Values("Set-Cookie"))
	}

	for _, next := range []string{"//evil.test/", "https://evil.test/", "/\\evil.test", "javascript:alert(1)", "https://app.example.com.evil.test/"} {
		assertJSON(t, s.do(req{Method: "GET", Path: "/api/auth/mock/login/?next=" + url.QueryEscape(next)}), http.StatusBadRequest,
			`{"next":["`+socialaccount.MsgNextNotSafe+`"]}`)
	}
	for _, next := range []string{"/app/welcome?tab=1", "https://app.example.com/#/home"} {
		m.QueueUser(mockUser("sub-ivy", "ivy@example.com"))
		l := s.startLogin("mock", "?next="+url.QueryEscape(next))
		rec := s.callback("mock", s.authorize(l), l.cookie)
		want, _, _ := strings.Cut(next, "#")
		if rec.Code != http.StatusFound || rec.Header().Get("Location") != want || cookiesOf(rec)["refresh_token"] == nil || !stateCleared(rec) || rec.Body.Len() != 0 {
			t.Errorf("callback with next %q: %d %q %q %s", next, rec.Code, rec.Header().Get("Location"), rec.Header().Values("Set-Cookie"), rec.Body)
		}
	}

	// A user with a confirmed device: the mfa step, in the fragment of next.
	s.createUser("alice", mfaPassword, func(u *models.User) { u.Email = "alice@example.com" })
	secret := s.withDeviceInCookieMode()
	m.QueueUser(mockUser("sub-alice", "alice@example.com"))
	l = s.startLogin("mock", "?next=/app/")
	rec = s.callback("mock", s.authorize(l), l.cookie)
	loc := rec.Header().Get("Location")
	mfaToken, ok := strings.CutPrefix(loc, "/app/#mfa_token=")
	if rec.Code != http.StatusFound || !ok || cookiesOf(rec)["refresh_token"] != nil {
		t.Fatalf("callback of a user with a device: %d %q %q, want the mfa step in the fragment and no refresh cookie", rec.Code, loc, rec.Header().Values("Set-Cookie"))
	}
	rec = s.exchange(map[string]string{"mfa_token": mfaToken, "code": s.codeAt(secret, 0)})
	if rec.Code != http.StatusOK || cookiesOf(rec)["refresh_token"] == nil {
		t.Errorf("mfa exchange of a browser login: %d %s", rec.Code, rec.Body)
	}
}
