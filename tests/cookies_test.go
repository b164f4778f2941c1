package tests

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"ginrest/settings"
)

func cookieMode(st *settings.Settings) { st.Sessions.Cookie.Enabled = true }

// cookiesOf reads a response's Set-Cookie headers by name.
func cookiesOf(rec *httptest.ResponseRecorder) map[string]*http.Cookie {
	m := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: rec.Header()}).Cookies() {
		m[c.Name] = c
	}
	return m
}

// cookieLogin logs in in cookie mode and returns the access token and both cookies,
// checking their attributes.
func cookieLogin(t *testing.T, s *server) (access string, refresh, csrf *http.Cookie) {
	t.Helper()
	rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
	body := bodyMap(t, rec)
	if rec.Code != 200 || len(body) != 1 || body["access"] == nil {
		t.Fatalf("login in cookie mode: %d %s, want the access token only", rec.Code, rec.Body)
	}
	refresh, csrf = checkAuthCookies(t, rec)
	return body["access"].(string), refresh, csrf
}

func checkAuthCookies(t *testing.T, rec *httptest.ResponseRecorder) (refresh, csrf *http.Cookie) {
	t.Helper()
	cookies := cookiesOf(rec)
	refresh, csrf = cookies["refresh_token"], cookies["csrftoken"]
	if refresh == nil || csrf == nil {
		t.Fatalf("Set-Cookie %q, want refresh_token and csrftoken", rec.Header().Values("Set-Cookie"))
	}
	if !refresh.HttpOnly || !refresh.Secure || refresh.SameSite != http.SameSiteLaxMode || refresh.Path != "/api/token/" || refresh.MaxAge != 86400 {
		t.Errorf("refresh cookie %q", refresh.String())
	}
	if claimsOf(t, refresh.Value)["token_type"] != "refresh" {
		t.Errorf("refresh cookie holds %v", claimsOf(t, refresh.Value))
	}
	if csrf.HttpOnly || !csrf.Secure || csrf.SameSite != http.SameSiteLaxMode || csrf.Path != "/" || csrf.MaxAge != 86400 || len(csrf.Value) != 64 {
		t.Errorf("CSRF cookie %q", csrf.String())
	}
	return refresh, csrf
}

// cookiePost posts an empty body with the refresh cookie (and the CSRF header if not "").
func cookiePost(s *server, path string, refresh *http.Cookie, csrfHeader string) *httptest.ResponseRecorder {
	h := map[string]string{"Cookie": refresh.Name + "=" + refresh.Value}
	if csrfHeader != "" {
		h["X-CSRFToken"] = csrfHeader
	}
	return s.do(req{Method: "POST", Path: path, Header: h})
}

// Cookie mode: the refresh token lives in an HttpOnly cookie; refresh and logout read it
// from there, and only with the matching X-CSRFToken header.
func TestCookieMode(t *testing.T) {
	s := newServer(t, cookieMode)
	s.createUser("alice", "wonderland-42")
	access, refresh, csrf := cookieLogin(t, s)
	if rec := s.getWith("/api/protected/", access); rec.Code != 200 {
		t.Fatalf("access: %d", rec.Code)
	}

	// Without the CSRF header, or with a wrong one, nothing happens.
	for _, c := range []struct{ header, want string }{
		{"", `{"detail":"CSRF Failed: CSRF token missing."}`},
		{"0000" + csrf.Value[4:], `{"detail":"CSRF Failed: CSRF token incorrect."}`},
		{csrf.Value[:63], `{"detail":"CSRF Failed: CSRF token incorrect."}`},
	} {
		for _, path := range []string{"/api/token/refresh/", "/api/token/blacklist/"} {
			rec := cookiePost(s, path, refresh, c.header)
			assertJSON(t, rec, 403, c.want)
			if len(rec.Header().Values("Set-Cookie")) != 0 {
				t.Errorf("%s refused, yet set cookies", path)
			}
		}
	}
	// A CSRF cookie planted beside a real refresh cookie does not match it.
	_, _, otherCSRF := cookieLogin(t, s)
	assertJSON(t, cookiePost(s, "/api/token/refresh/", refresh, otherCSRF.Value), 403, `{"detail":"CSRF Failed: CSRF token incorrect."}`)

	// With it, refresh rotates the cookie; the old cookie is spent.
	rec := cookiePost(s, "/api/token/refresh/", refresh, csrf.Value)
	if body := bodyMap(t, rec); rec.Code != 200 || len(body) != 1 || body["access"] == nil {
		t.Fatalf("refresh by cookie: %d %s", rec.Code, rec.Body)
	}
	refresh2, csrf2 := checkAuthCookies(t, rec)
	if refresh2.Value == refresh.Value || csrf2.Value == csrf.Value {
		t.Error("the cookies were not renewed")
	}
	// A token in the body, from a client that holds no cookie (not a browser), is used as
	// simplejwt uses it; with a cookie beside it, the CSRF check applies all the same
	// (TestCookieModeCSRF).
	_, refresh3, _ := cookieLogin(t, s)
	rec = s.do(req{Method: "POST", Path: "/api/token/refresh/", Body: `{"refresh":"` + refresh3.Value + `"}`, ContentType: "application/json"})
	checkAuthCookies(t, rec)
	rec = s.do(req{Method: "POST", Path: "/api/token/refresh/", Body: `{"refresh":"` + refresh3.Value + `"}`, ContentType: "application/json",
		Header: map[string]string{"Cookie": "refresh_token=garbage"}})
	assertJSON(t, rec, 403, `{"detail":"CSRF Failed: CSRF token missing."}`)
	// No cookie and no body: the field is required, as in simplejwt.
	assertJSON(t, s.do(req{Method: "POST", Path: "/api/token/refresh/"}), 400, `{"refresh":["This field is required."]}`)

	// Logout by cookie blacklists the token and clears both cookies.
	rec = cookiePost(s, "/api/token/blacklist/", refresh2, csrf2.Value)
	assertJSON(t, rec, 200, `{}`)
	cleared := cookiesOf(rec)
	for _, name := range []string{"refresh_token", "csrftoken"} {
		if c := cleared[name]; c == nil || c.MaxAge != -1 {
			t.Errorf("logout did not clear %s: %q", name, rec.Header().Values("Set-Cookie"))
		}
	}
	// A dead cookie's refusal tells the browser to drop the cookies.
	for _, dead := range []struct{ refresh, csrf *http.Cookie }{{refresh2, csrf2}, {refresh, csrf}} {
		rec = cookiePost(s, "/api/token/refresh/", dead.refresh, dead.csrf.Value)
		assertJSON(t, rec, 401, bodyBlacklisted)
		if c := cookiesOf(rec)["refresh_token"]; c == nil || c.MaxAge != -1 || c.Value != "" {
			t.Errorf("a refused cookie was not cleared: %q", rec.Header().Values("Set-Cookie"))
		}
	}
}

// The password change sets the new refresh token in the cookie in cookie mode; the cookie
// attributes follow the settings.
func TestCookieModeSettings(t *testing.T) {
	s := newServer(t, cookieMode, func(st *settings.Settings) {
		st.Sessions.Cookie.Name, st.Sessions.Cookie.CSRFName = "rt", "xsrf"
		st.Sessions.Cookie.SameSite, st.Sessions.Cookie.Path, st.Sessions.Cookie.Secure = "Strict", "/api/", false
		st.Sessions.Cookie.InsecureOK = true // DEBUG is off in the tests' settings
	})
	s.createUser("alice", "wonderland-42")
	rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
	access := bodyMap(t, rec)["access"].(string)
	c := cookiesOf(rec)
	if rt := c["rt"]; rt == nil || rt.Secure || rt.SameSite != http.SameSiteStrictMode || rt.Path != "/api/" || !rt.HttpOnly {
		t.Errorf("refresh cookie: %q", rec.Header().Values("Set-Cookie"))
	}
	if c["xsrf"] == nil {
		t.Errorf("CSRF cookie: %q", rec.Header().Values("Set-Cookie"))
	}
	rec = s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "looking-glass-7"})
	if body := bodyMap(t, rec); rec.Code != 200 || len(body) != 1 || cookiesOf(rec)["rt"] == nil {
		t.Errorf("password change in cookie mode: %d %s %q", rec.Code, rec.Body, rec.Header().Values("Set-Cookie"))
	}
}

// Without AUTH_COOKIE no cookie is set or read.
func TestNoCookiesByDefault(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
	_, refresh := sessPair(t, rec)
	if v := rec.Header().Values("Set-Cookie"); len(v) != 0 {
		t.Errorf("Set-Cookie %q without AUTH_COOKIE", v)
	}
	assertJSON(t, s.do(req{Method: "POST", Path: "/api/token/refresh/", Header: map[string]string{"Cookie": "refresh_token=" + refresh}}), 400,
		`{"refresh":["This field is required."]}`)
}

// Two tabs of one browser refresh with the same cookie at once: the loser's refusal leaves
// the cookie alone (the browser may already hold the winner's), and the session lives. A
// copy of the old cookie presented after REFRESH_TOKEN_REUSE_INTERVAL ends the session and
// tells the browser to drop its cookies.
func TestCookieModeTwoTabsKeepTheSession(t *testing.T) {
	s := newServer(t, cookieMode)
	s.createUser("alice", "wonderland-42")
	_, refresh, csrf := cookieLogin(t, s)
	rec := cookiePost(s, "/api/token/refresh/", refresh, csrf.Value)
	if rec.Code != 200 {
		t.Fatalf("the winning tab: %d %s", rec.Code, rec.Body)
	}
	won, wonCSRF := checkAuthCookies(t, rec)
	rec = cookiePost(s, "/api/token/refresh/", refresh, csrf.Value)
	assertJSON(t, rec, 401, bodyBlacklisted)
	if v := rec.Header().Values("Set-Cookie"); len(v) != 0 {
		t.Errorf("the losing tab's refusal set cookies %q: it would drop the winner's", v)
	}
	rec = cookiePost(s, "/api/token/refresh/", won, wonCSRF.Value)
	if rec.Code != 200 {
		t.Fatalf("the winner's cookie after the race: %d %s", rec.Code, rec.Body)
	}
	latest, latestCSRF := checkAuthCookies(t, rec)

	s.Clock.Advance(s.App.Settings.Sessions.ReuseInterval)
	rec = cookiePost(s, "/api/token/refresh/", won, wonCSRF.Value)
	assertJSON(t, rec, 401, bodyBlacklisted)
	if c := cookiesOf(rec)["refresh_token"]; c == nil || c.MaxAge != -1 {
		t.Errorf("a reuse after the interval did not clear the cookie: %q", rec.Header().Values("Set-Cookie"))
	}
	assertJSON(t, cookiePost(s, "/api/token/refresh/", latest, latestCSRF.Value), 401, bodyBlacklisted)
}
