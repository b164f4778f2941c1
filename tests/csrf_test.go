package tests

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/settings"
)

// tokenState is what a refused request must leave as it was: the tokens on record, the
// blacklist and the live sessions.
type tokenState struct{ outstanding, blacklisted, live int64 }

func (s *server) tokenState() tokenState {
	s.t.Helper()
	var st tokenState
	db := s.App.DB
	for _, q := range []struct {
		n     *int64
		model any
		where string
	}{
		{&st.outstanding, &models.OutstandingToken{}, "1 = 1"},
		{&st.blacklisted, &models.BlacklistedToken{}, "1 = 1"},
		{&st.live, &models.Session{}, "revoked_at IS NULL"},
	} {
		if err := db.Model(q.model).Where(q.where).Count(q.n).Error; err != nil {
			s.t.Fatal(err)
		}
	}
	return st
}

// form is a urlencoded body, what another site's <form> posts.
func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

const formType = "application/x-www-form-urlencoded"

// hostile is a request another site makes the victim's browser send, and the refusal it gets.
type hostile struct {
	name   string
	req    req
	status int
	body   string
}

// refuseAll sends each hostile request and checks the refusal, that no cookie was set or
// cleared, and that no token or session changed.
func refuseAll(t *testing.T, s *server, cases []hostile) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := s.tokenState()
			rec := s.do(c.req)
			assertJSON(t, rec, c.status, c.body)
			if v := rec.Header().Values("Set-Cookie"); len(v) != 0 {
				t.Errorf("refused, yet Set-Cookie %q", v)
			}
			if after := s.tokenState(); after != before {
				t.Errorf("refused, yet tokens changed: %+v, then %+v", before, after)
			}
		})
	}
}

// In cookie mode every request that sets, clears or uses the cookies is CSRF-checked
// whatever its body holds: another site cannot swap the victim's session for the
// attacker's (refresh with the attacker's token in the body), log the victim in as the
// attacker (login CSRF), or log the victim out (blacklist with any token in the body).
func TestCookieModeCSRF(t *testing.T) {
	s := newServer(t, cookieMode)
	alice := s.createUser("alice", "wonderland-42")
	s.createUser("mallory", "mallory-pw-1")
	_, victim, victimCSRF := cookieLogin(t, s)
	rec := s.postJSON("/api/token/", map[string]string{"username": "mallory", "password": "mallory-pw-1"})
	attacker := cookiesOf(rec)["refresh_token"].Value

	evil := func(h map[string]string) map[string]string {
		h["Origin"], h["Sec-Fetch-Site"] = "https://evil.example", "cross-site"
		return h
	}
	victimCookie := func() map[string]string { return map[string]string{"Cookie": "refresh_token=" + victim.Value} }
	badOrigin := `{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`
	missing := `{"detail":"CSRF Failed: CSRF token missing."}`
	crossSite := `{"detail":"CSRF Failed: Cross-site request refused (Sec-Fetch-Site: cross-site)."}`
	swap := form("refresh", attacker)
	refuseAll(t, s, []hostile{
		// 1. The session swap: the victim's cookie, the attacker's token in the body.
		{"refresh swap from another site", req{Method: "POST", Path: "/api/token/refresh/", Body: swap, ContentType: formType, Header: evil(victimCookie())}, 403, badOrigin},
		{"refresh swap without Origin", req{Method: "POST", Path: "/api/token/refresh/", Body: swap, ContentType: formType, Header: victimCookie()}, 403, missing},
		{"refresh swap with a JSON body", req{Method: "POST", Path: "/api/token/refresh/", Body: `{"refresh":"` + attacker + `"}`, ContentType: "application/json", Header: victimCookie()}, 403, missing},
		{"refresh swap, wrong CSRF token", req{Method: "POST", Path: "/api/token/refresh/", Body: swap, ContentType: formType,
			Header: map[string]string{"Cookie": "refresh_token=" + victim.Value, "X-CSRFToken": strings.Repeat("0", 64)}}, 403, `{"detail":"CSRF Failed: CSRF token incorrect."}`},
		{"refresh from another site, no cookie", req{Method: "POST", Path: "/api/token/refresh/", Body: swap, ContentType: formType, Header: evil(map[string]string{})}, 403, badOrigin},
		// 2. Login CSRF: no cookie yet; the origin is what tells.
		{"login from another site", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType, Header: evil(map[string]string{})}, 403, badOrigin},
		{"login, Sec-Fetch-Site cross-site", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType,
			Header: map[string]string{"Sec-Fetch-Site": "cross-site"}}, 403, crossSite},
		{"login, Origin null", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType,
			Header: map[string]string{"Origin": "null"}}, 403, `{"detail":"CSRF Failed: Origin checking failed - null does not match any trusted origins."}`},
		{"login, Origin of another scheme", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType,
			Header: map[string]string{"Origin": "https://example.com"}}, 403, `{"detail":"CSRF Failed: Origin checking failed - https://example.com does not match any trusted origins."}`},
		{"login, Origin extending the host", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType,
			Header: map[string]string{"Origin": "http://example.com.evil.example"}}, 403, `{"detail":"CSRF Failed: Origin checking failed - http://example.com.evil.example does not match any trusted origins."}`},
		{"login over the victim's cookie", req{Method: "POST", Path: "/api/token/", Body: form("username", "mallory", "password", "mallory-pw-1"), ContentType: formType, Header: victimCookie()}, 403, missing},
		// 3. Logout CSRF: any token in the body, the victim's cookie cleared.
		{"logout from another site", req{Method: "POST", Path: "/api/token/blacklist/", Body: swap, ContentType: formType, Header: evil(victimCookie())}, 403, badOrigin},
		{"logout without Origin", req{Method: "POST", Path: "/api/token/blacklist/", Body: swap, ContentType: formType, Header: victimCookie()}, 403, missing},
		{"logout, the victim's own token", req{Method: "POST", Path: "/api/token/blacklist/", Body: form("refresh", victim.Value), ContentType: formType, Header: victimCookie()}, 403, missing},
	})

	// The victim's session is still the victim's: the cookie refreshes, as alice.
	rec = cookiePost(s, "/api/token/refresh/", victim, victimCSRF.Value)
	if rec.Code != 200 {
		t.Fatalf("the victim's cookie after the attacks: %d %s", rec.Code, rec.Body)
	}
	if uid := claimsOf(t, bodyMap(t, rec)["access"].(string))["user_id"]; fmt.Sprint(uid) != fmt.Sprint(alice.ID) {
		t.Errorf("the victim's refresh gave a token of user %v, want %d", uid, alice.ID)
	}
	// The attacker's token was neither used nor blacklisted.
	if rec = s.postJSON("/api/token/refresh/", map[string]string{"refresh": attacker}); rec.Code != 200 {
		t.Errorf("the attacker's token after the refusals: %d %s", rec.Code, rec.Body)
	}
}

// The origins cookie mode accepts: none said (not a browser), the request's own, and
// CSRF_TRUSTED_ORIGINS, exact or by subdomain, even cross-site. The refused ones leave no
// session behind.
func TestCookieModeOrigins(t *testing.T) {
	s := newServer(t, cookieMode, func(st *settings.Settings) {
		st.Sessions.Cookie.TrustedOrigins = []string{"https://app.example.com", "https://*.example.org"}
	})
	s.createUser("alice", "wonderland-42")
	login := form("username", "alice", "password", "wonderland-42")
	for _, c := range []struct {
		path   string
		header map[string]string
		ok     bool
	}{
		{"/api/token/", map[string]string{}, true},
		{"/api/token/", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, true},
		{"https://example.com/api/token/", map[string]string{"Origin": "https://example.com"}, true},
		{"https://example.com/api/token/", map[string]string{"Origin": "http://example.com"}, false},
		{"/api/token/", map[string]string{"Sec-Fetch-Site": "same-site"}, true},
		{"/api/token/", map[string]string{"Origin": "https://app.example.com", "Sec-Fetch-Site": "cross-site"}, true},
		{"/api/token/", map[string]string{"Origin": "https://example.org", "Sec-Fetch-Site": "cross-site"}, true},
		{"/api/token/", map[string]string{"Origin": "https://a.b.example.org", "Sec-Fetch-Site": "same-site"}, true},
		{"/api/token/", map[string]string{"Origin": "http://app.example.com"}, false},
		{"/api/token/", map[string]string{"Origin": "https://evil.example.com"}, false},
		{"/api/token/", map[string]string{"Origin": "https://evilexample.org"}, false},
		{"/api/token/", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "cross-site"}, false},
		{"/api/token/", map[string]string{"Origin": ""}, false},
	} {
		before := s.tokenState()
		rec := s.do(req{Method: "POST", Path: c.path, Body: login, ContentType: formType, Header: c.header})
		set := len(rec.Header().Values("Set-Cookie")) != 0
		if c.ok && (rec.Code != 200 || !set) {
			t.Errorf("%s %v: %d %s, want 200 and cookies", c.path, c.header, rec.Code, rec.Body)
		}
		if !c.ok && (rec.Code != 403 || set || s.tokenState() != before) {
			t.Errorf("%s %v: %d %s, Set-Cookie %v; want 403 and nothing changed", c.path, c.header, rec.Code, rec.Body, set)
		}
	}
}

// Behind a TLS-terminating proxy the browser's origin is https while the connection is
// http: with SECURE_PROXY_SSL_HEADER the proxy's header makes the request's own origin
// https, as Django's is_secure(); without the header, or without the setting, it is not.
func TestCookieModeOriginBehindProxy(t *testing.T) {
	s := newServer(t, cookieMode, func(st *settings.Settings) {
		st.SecureProxySSLHeader = settings.ProxySSLHeader{Name: "X-Forwarded-Proto", Value: "https"}
	})
	plain := newServer(t, cookieMode)
	s.createUser("alice", "wonderland-42")
	plain.createUser("alice", "wonderland-42")
	for _, c := range []struct {
		name   string
		srv    *server
		header map[string]string
		ok     bool
	}{
		{"the proxy says https", s, map[string]string{"Origin": "https://example.com", "X-Forwarded-Proto": "https"}, true},
		{"the proxy says nothing", s, map[string]string{"Origin": "https://example.com"}, false},
		{"no SECURE_PROXY_SSL_HEADER: not believed", plain, map[string]string{"Origin": "https://example.com", "X-Forwarded-Proto": "https"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := c.srv.do(req{Method: "POST", Path: "/api/token/", Body: form("username", "alice", "password", "wonderland-42"),
				ContentType: formType, Header: c.header})
			if c.ok && rec.Code != 200 {
				t.Errorf("%d %s, want 200", rec.Code, rec.Body)
			}
			if !c.ok {
				assertJSON(t, rec, 403, `{"detail":"CSRF Failed: Origin checking failed - https://example.com does not match any trusted origins."}`)
			}
		})
	}
}

// Logout-all, the password change and ending a session act on the user's sessions and
// set or clear the cookies: in cookie mode they are CSRF-checked too, though they also
// need the access token.
func TestCookieModeSessionViewsCSRF(t *testing.T) {
	s := newServer(t, cookieMode)
	s.createUser("alice", "wonderland-42")
	access, victim, victimCSRF := cookieLogin(t, s)
	sessions := s.sessList(access)
	if len(sessions) != 1 {
		t.Fatalf("sessions: %v", sessions)
	}
	bearer := func(h map[string]string) map[string]string {
		h["Authorization"] = "Bearer " + access
		return h
	}
	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	badOrigin := `{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`
	change := `{"old_password":"wonderland-42","new_password":"looking-glass-7"}`
	refuseAll(t, s, []hostile{
		{"logout-all from another site", req{Method: "POST", Path: "/api/token/logout-all/", Header: bearer(map[string]string{"Origin": evil["Origin"]})}, 403, badOrigin},
		{"logout-all with the cookie, no CSRF token", req{Method: "POST", Path: "/api/token/logout-all/", Header: bearer(map[string]string{"Cookie": "refresh_token=" + victim.Value})}, 403,
			`{"detail":"CSRF Failed: CSRF token missing."}`},
		{"password change from another site", req{Method: "POST", Path: "/api/auth/password/", Body: change, ContentType: "application/json", Header: bearer(map[string]string{"Origin": evil["Origin"]})}, 403, badOrigin},
		{"password change cross-site", req{Method: "POST", Path: "/api/auth/password/", Body: change, ContentType: "application/json", Header: bearer(map[string]string{"Sec-Fetch-Site": "cross-site"})}, 403,
			`{"detail":"CSRF Failed: Cross-site request refused (Sec-Fetch-Site: cross-site)."}`},
		{"session delete from another site", req{Method: "DELETE", Path: "/api/token/sessions/" + sessions[0]["id"].(string) + "/", Header: bearer(map[string]string{"Origin": evil["Origin"]})}, 403, badOrigin},
	})
	// Nothing changed: the password is the old one, the session lives, the cookie works.
	if rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}); rec.Code != 200 {
		t.Errorf("the old password after the refusals: %d", rec.Code)
	}
	if rec := cookiePost(s, "/api/token/refresh/", victim, victimCSRF.Value); rec.Code != 200 {
		t.Errorf("the cookie after the refusals: %d %s", rec.Code, rec.Body)
	}
	// From the site's own pages they work.
	rec := s.do(req{Method: "POST", Path: "/api/token/logout-all/", Header: bearer(map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"})})
	if rec.Code != 200 || cookiesOf(rec)["refresh_token"] == nil {
		t.Errorf("logout-all from the site: %d %s %q", rec.Code, rec.Body, rec.Header().Values("Set-Cookie"))
	}
}

// Without AUTH_COOKIE nothing is checked: Authorization-header clients are not browsers'
// ambient credentials, and simplejwt checks nothing either.
func TestNoOriginCheckWithoutCookieMode(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	rec := s.do(req{Method: "POST", Path: "/api/token/", Body: form("username", "alice", "password", "wonderland-42"), ContentType: formType,
		Header: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
	access, refresh := sessPair(t, rec)
	if v := rec.Header().Values("Set-Cookie"); len(v) != 0 {
		t.Errorf("Set-Cookie %q without AUTH_COOKIE", v)
	}
	for _, r := range []req{
		{Method: "POST", Path: "/api/token/refresh/", Body: form("refresh", refresh), ContentType: formType, Header: map[string]string{"Origin": "https://evil.example"}},
		{Method: "POST", Path: "/api/token/logout-all/", Header: map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + access}},
	} {
		if rec := s.do(r); rec.Code != 200 {
			t.Errorf("%s without AUTH_COOKIE: %d %s", r.Path, rec.Code, rec.Body)
		}
	}
}
