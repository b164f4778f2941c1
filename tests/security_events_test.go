package tests

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/settings"
)

// events are the security events logged so far with the given event name.
func events(t *testing.T, all []logRecord, event string) []logRecord {
	t.Helper()
	var out []logRecord
	for _, r := range all {
		if r["event"] == event {
			out = append(out, r)
		}
	}
	return out
}

// allRecords are every record logged so far.
func allRecords(t *testing.T, log fmt.Stringer) []logRecord {
	t.Helper()
	var out []logRecord
	for line := range strings.Lines(log.String()) {
		var r logRecord
		mustJSON(t, []byte(line), &r)
		out = append(out, r)
	}
	return out
}

// checkEvent checks that exactly one event was logged, at WARN, with the given fields.
func checkEvent(t *testing.T, all []logRecord, event string, want map[string]any) {
	t.Helper()
	got := events(t, all, event)
	if len(got) != 1 {
		t.Fatalf("%d %s events, want 1: %v", len(got), event, all)
	}
	r := got[0]
	if r["level"] != "WARN" {
		t.Errorf("%s at %v, want WARN", event, r["level"])
	}
	for k, v := range want {
		if fmt.Sprint(r[k]) != fmt.Sprint(v) {
			t.Errorf("%s: %s = %v, want %v (record %v)", event, k, r[k], v, r)
		}
	}
}

// Security events — a CSRF refusal, a refresh token reused after the interval, a throttled
// login — are logged at WARN with an event name, the user and session where known, the
// client's address (as TRUSTED_PROXIES say) and the request id; never a token or a password.
func TestSecurityEventsAreLogged(t *testing.T) {
	s, buf := loggedServer(t, slog.LevelWarn, cookieMode, func(st *settings.Settings) {
		st.Sessions.ReuseInterval = 0 // every reuse revokes
		st.ThrottleRates = map[string]string{"login": "2/min"}
		st.TrustedProxies = []string{"192.0.2.0/24"} // httptest's peer
	})
	alice := s.createUser("alice", "wonderland-42")
	access, refresh, csrf := cookieLogin(t, s)
	secrets := []string{access, refresh.Value, csrf.Value, "wonderland-42", "guessed-wrong-1"}
	var session models.Session
	if err := s.App.DB.Where("user_id = ?", alice.ID).First(&session).Error; err != nil {
		t.Fatal(err)
	}
	fromClient := func(h map[string]string) map[string]string {
		h["X-Forwarded-For"] = "203.0.113.9"
		return h
	}

	// csrf_failure: another site's refresh; then logout-all with the cookie and no token,
	// as the authenticated alice.
	rec := s.do(req{Method: "POST", Path: "/api/token/refresh/", Body: form("refresh", refresh.Value), ContentType: formType,
		Header: fromClient(map[string]string{"Cookie": "refresh_token=" + refresh.Value, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})})
	if rec.Code != 403 {
		t.Fatalf("cross-site refresh: %d %s", rec.Code, rec.Body)
	}
	checkEvent(t, allRecords(t, buf), "csrf_failure", map[string]any{"reason": "bad_origin", "origin": "https://evil.example",
		"sec_fetch_site": "cross-site", "client_ip": "203.0.113.9", "request_id": rec.Header().Get("X-Request-ID"),
		"method": "POST", "path": "/api/token/refresh/", "msg": "CSRF check failed"})
	buf.Reset()
	rec = s.do(req{Method: "POST", Path: "/api/token/logout-all/", Header: fromClient(map[string]string{"Authorization": "Bearer " + access, "Cookie": "refresh_token=" + refresh.Value})})
	if rec.Code != 403 {
		t.Fatalf("logout-all without the CSRF token: %d %s", rec.Code, rec.Body)
	}
	checkEvent(t, allRecords(t, buf), "csrf_failure", map[string]any{"reason": "token_missing", "user_id": alice.ID,
		"client_ip": "203.0.113.9", "request_id": rec.Header().Get("X-Request-ID")})
	log := buf.String()
	buf.Reset()

	// token_reuse_detected: the cookie refreshed once, then presented again.
	if rec = cookiePost(s, "/api/token/refresh/", refresh, csrf.Value); rec.Code != 200 {
		t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
	}
	rotated, rotatedCSRF := checkAuthCookies(t, rec)
	secrets = append(secrets, bodyMap(t, rec)["access"].(string), rotated.Value, rotatedCSRF.Value)
	rec = s.do(req{Method: "POST", Path: "/api/token/refresh/", Header: fromClient(map[string]string{"Cookie": "refresh_token=" + refresh.Value, "X-CSRFToken": csrf.Value})})
	assertJSON(t, rec, 401, bodyBlacklisted)
	checkEvent(t, allRecords(t, buf), "token_reuse_detected", map[string]any{"user_id": alice.ID, "session_id": session.ID,
		"client_ip": "203.0.113.9", "request_id": rec.Header().Get("X-Request-ID"), "path": "/api/token/refresh/"})
	if rec = cookiePost(s, "/api/token/refresh/", rotated, rotatedCSRF.Value); rec.Code != 401 {
		t.Errorf("the session was not revoked: %d %s", rec.Code, rec.Body)
	}
	log += buf.String()
	buf.Reset()

	// login_throttled: two failures, then the third attempt is refused before any check.
	var last *http.Response
	for range 3 {
		rec = s.do(req{Method: "POST", Path: "/api/token/", Body: form("username", "alice", "password", "guessed-wrong-1"), ContentType: formType, Header: fromClient(map[string]string{})})
		last = rec.Result()
	}
	if last.StatusCode != 429 {
		t.Fatalf("third failed login: %d", last.StatusCode)
	}
	checkEvent(t, allRecords(t, buf), "login_throttled", map[string]any{"client_ip": "203.0.113.9",
		"request_id": last.Header.Get("X-Request-ID"), "path": "/api/token/", "msg": "login throttled"})
	if r := events(t, allRecords(t, buf), "login_throttled")[0]; r["retry_after"] == nil || r["user_id"] != nil {
		t.Errorf("login_throttled: %v, want retry_after and no user", r)
	}
	log += buf.String()

	for _, secret := range secrets {
		if strings.Contains(log, secret) {
			t.Errorf("the log holds a token or a password %.20q…:\n%s", secret, log)
		}
	}
}
