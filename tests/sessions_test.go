package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ginrest/settings"
)

// GET /api/token/sessions/ lists the caller's live sessions, one per login, with the client
// each last came from; DELETE ends one of them.
func TestSessionsListAndEnd(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	s.createUser("bob", "builder-42")
	start := s.Clock.Now().UTC()
	phoneAccess, phoneRefresh := s.sessLogin("alice", "wonderland-42", "Phone/1.0")
	s.Clock.Advance(time.Minute)
	laptopAccess, _ := s.sessLogin("alice", "wonderland-42", "Laptop/2.0")
	bobAccess, bobRefresh := s.sessLogin("bob", "builder-42", "Bob/1.0")

	list := s.sessList(laptopAccess)
	if len(list) != 2 {
		t.Fatalf("alice's sessions: %v", list)
	}
	// The most recently used first; each with what it recorded.
	laptop, phone := list[0], list[1]
	want := map[string]any{"user_agent": "Laptop/2.0", "ip_address": "192.0.2.1",
		"created_at": start.Add(time.Minute).Format(time.RFC3339), "last_used_at": start.Add(time.Minute).Format(time.RFC3339),
		"expires_at": start.Add(time.Minute + 24*time.Hour).Format(time.RFC3339)}
	for k, v := range want {
		if laptop[k] != v {
			t.Errorf("laptop %s = %v, want %v", k, laptop[k], v)
		}
	}
	if phone["user_agent"] != "Phone/1.0" {
		t.Errorf("phone: %v", phone)
	}
	// A session's id is the random tail of its first token's jti: 10 hex digits.
	if id, _ := phone["id"].(string); len(id) != 10 || id == laptop["id"] {
		t.Errorf("session ids %v and %v", phone["id"], laptop["id"])
	}
	if keys := len(laptop); keys != 6 {
		t.Errorf("a session has %d fields: %v", keys, laptop)
	}

	// A refresh moves the session to the top, with the client it came from.
	s.Clock.Advance(time.Minute)
	body := fmt.Sprintf(`{"refresh":%q}`, phoneRefresh)
	sessPair(t, s.do(req{Method: "POST", Path: "/api/token/refresh/", Body: body, ContentType: "application/json",
		Header: map[string]string{"User-Agent": "Phone/1.1"}}))
	list = s.sessList(phoneAccess)
	if list[0]["id"] != phone["id"] || list[0]["user_agent"] != "Phone/1.1" || list[0]["created_at"] != phone["created_at"] ||
		list[0]["last_used_at"] != start.Add(2*time.Minute).Format(time.RFC3339) {
		t.Errorf("after a refresh: %v", list)
	}

	// Bob cannot see or end Alice's sessions: a 404 as for a session that does not exist.
	if list := s.sessList(bobAccess); len(list) != 1 || list[0]["user_agent"] != "Bob/1.0" {
		t.Errorf("bob's sessions: %v", list)
	}
	phonePath := fmt.Sprintf("/api/token/sessions/%s/", phone["id"])
	for _, path := range []string{phonePath, "/api/token/sessions/0123456789abcdef0123456789abcdef/", "/api/token/sessions/'%20OR%201=1%20--/",
		"/api/token/sessions/" + strings.Repeat("a", 4000) + "/"} {
		assertJSON(t, s.sessCall("DELETE", path, bobAccess, nil), 404, `{"detail":"Not found."}`)
	}
	if len(s.sessList(laptopAccess)) != 2 {
		t.Error("bob's DELETE ended one of alice's sessions")
	}

	// Alice ends her phone's session: its refresh token is refused, the laptop's session lives.
	if rec := s.sessCall("DELETE", phonePath, laptopAccess, nil); rec.Code != 204 || rec.Body.Len() != 0 {
		t.Fatalf("DELETE: %d %q", rec.Code, rec.Body)
	}
	assertJSON(t, s.sessCall("DELETE", phonePath, laptopAccess, nil), 404, `{"detail":"Not found."}`)
	if list := s.sessList(laptopAccess); len(list) != 1 || list[0]["user_agent"] != "Laptop/2.0" {
		t.Errorf("after DELETE: %v", list)
	}
	sessPair(t, s.sessRefresh(bobRefresh))

	// Anonymous callers and the wrong methods.
	assertJSON(t, s.do(req{Method: "GET", Path: "/api/token/sessions/"}), 401, `{"detail":"Authentication credentials were not provided."}`)
	assertJSON(t, s.do(req{Method: "DELETE", Path: phonePath}), 401, `{"detail":"Authentication credentials were not provided."}`)
	assertJSON(t, s.sessCall("POST", "/api/token/sessions/", laptopAccess, nil), 405, `{"detail":"Method \"POST\" not allowed."}`)
	assertJSON(t, s.sessCall("GET", phonePath, laptopAccess, nil), 405, `{"detail":"Method \"GET\" not allowed."}`)
}

// The refresh token of a session ended by DELETE is refused, after a rotation too.
func TestEndedSessionCannotRefresh(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	access, r1 := s.login("alice", "wonderland-42")
	_, r2 := sessPair(t, s.sessRefresh(r1))
	list := s.sessList(access)
	if len(list) != 1 {
		t.Fatalf("sessions: %v", list)
	}
	if rec := s.sessCall("DELETE", fmt.Sprintf("/api/token/sessions/%s/", list[0]["id"]), access, nil); rec.Code != 204 {
		t.Fatalf("DELETE: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.sessRefresh(r2), 401, bodyBlacklisted)
}

// Sessions whose tokens have expired are not listed.
func TestExpiredSessionsAreNotListed(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.JWT.AccessTokenLifetime = 48 * time.Hour })
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	s.Clock.Advance(23 * time.Hour)
	s.login("alice", "wonderland-42")
	if n := len(s.sessList(access)); n != 2 {
		t.Fatalf("%d sessions, want 2", n)
	}
	s.Clock.Advance(time.Hour)
	if list := s.sessList(access); len(list) != 1 {
		t.Errorf("after the first session expired: %v", list)
	}
}

// A session records the peer's address; X-Forwarded-For only from TRUSTED_PROXIES.
func TestSessionsRecordTheClientAddress(t *testing.T) {
	for _, c := range []struct {
		proxies []string
		want    string
	}{{nil, "192.0.2.1"}, {[]string{"192.0.2.0/24"}, "203.0.113.5"}} {
		t.Run(fmt.Sprint("TRUSTED_PROXIES=", c.proxies), func(t *testing.T) {
			s := newServer(t, func(st *settings.Settings) { st.TrustedProxies = c.proxies })
			s.createUser("alice", "wonderland-42")
			access, _ := sessPair(t, s.do(req{Method: "POST", Path: "/api/token/", ContentType: "application/json",
				Body: `{"username":"alice","password":"wonderland-42"}`, Header: map[string]string{"X-Forwarded-For": "203.0.113.5"}}))
			if list := s.sessList(access); len(list) != 1 || list[0]["ip_address"] != c.want {
				t.Errorf("sessions %v, want ip_address %s", list, c.want)
			}
		})
	}
}

// simplejwt's token-family proposal's endpoint ends the family (session) of the refresh
// token given, any of its tokens, and leaves the user's other sessions alone.
func TestFamilyBlacklistEndsTheSession(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	access, r1 := s.login("alice", "wonderland-42")
	_, other := s.login("alice", "wonderland-42")
	_, r2 := sessPair(t, s.sessRefresh(r1))
	if got := len(s.sessList(access)); got != 2 {
		t.Fatalf("%d sessions before, want 2", got)
	}
	assertJSON(t, s.postJSON("/api/token/family/blacklist/", map[string]string{"refresh": r2}), 200, `{}`)
	assertJSON(t, s.sessRefresh(r2), 401, bodyBlacklisted)
	if got := len(s.sessList(access)); got != 1 {
		t.Errorf("%d sessions after, want the other one", got)
	}
	sessPair(t, s.sessRefresh(other))
	assertJSON(t, s.postJSON("/api/token/family/blacklist/", map[string]string{"refresh": "nonsense"}), 401,
		`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
}
