package tests

import (
	"fmt"
	"testing"

	"ginrest/settings"
)

// Refresh-token reuse detection (RFC 9700 §4.14.2): a rotated refresh token presented
// again, once REFRESH_TOKEN_REUSE_INTERVAL has passed since its rotation, revokes its whole
// family, whoever presents it; other sessions are untouched. (Within the interval, see
// reuse_interval_test.go.)
func TestReuseRevokesTheFamily(t *testing.T) {
	cases := []struct {
		name string
		// reuse runs the two holders of one token: it returns the token each holds after.
		reuse func(s *server, stolen string) (client, thief string)
	}{
		{"the client refreshes, the thief reuses", func(s *server, stolen string) (string, string) {
			_, client := sessPair(s.t, s.sessRefresh(stolen))
			s.Clock.Advance(reuseInterval)
			assertJSON(s.t, s.sessRefresh(stolen), 401, bodyBlacklisted)
			return client, ""
		}},
		{"the thief refreshes, the client reuses", func(s *server, stolen string) (string, string) {
			_, thief := sessPair(s.t, s.sessRefresh(stolen))
			s.Clock.Advance(reuseInterval)
			assertJSON(s.t, s.sessRefresh(stolen), 401, bodyBlacklisted)
			return "", thief
		}},
		{"reuse at logout", func(s *server, stolen string) (string, string) {
			_, thief := sessPair(s.t, s.sessRefresh(stolen))
			s.Clock.Advance(reuseInterval)
			assertJSON(s.t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": stolen}), 401, bodyBlacklisted)
			return "", thief
		}},
		{"reuse after further rotations", func(s *server, stolen string) (string, string) {
			_, r2 := sessPair(s.t, s.sessRefresh(stolen))
			_, r3 := sessPair(s.t, s.sessRefresh(r2))
			s.Clock.Advance(reuseInterval)
			assertJSON(s.t, s.sessRefresh(stolen), 401, bodyBlacklisted)
			return r3, ""
		}},
	}
	for _, c := range cases {
		for _, detect := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/REFRESH_TOKEN_REUSE_DETECTION=%v", c.name, detect), func(t *testing.T) {
				s := newServer(t, func(st *settings.Settings) { st.Sessions.ReuseDetection = detect })
				s.createUser("alice", "wonderland-42")
				_, stolen := s.login("alice", "wonderland-42")
				_, other := s.login("alice", "wonderland-42") // another device
				client, thief := c.reuse(s, stolen)
				for _, live := range []string{client, thief} {
					if live == "" {
						continue
					}
					rec := s.sessRefresh(live)
					if detect {
						assertJSON(t, rec, 401, bodyBlacklisted)
					} else {
						sessPair(t, rec)
					}
				}
				sessPair(t, s.sessRefresh(other))
			})
		}
	}
}

// A refresh token ginrest did not issue (simplejwt's, or from before sessions) starts a
// session at its first refresh, and its reuse revokes that session.
func TestReuseOfATokenFromBeforeSessions(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	now := s.Clock.Now().Unix()
	legacy := sign(t, `{"alg":"HS256","typ":"JWT"}`,
		fmt.Sprintf(`{"token_type":"refresh","exp":%d,"iat":%d,"jti":"0badc0de0badc0de0badc0de0badc0de","user_id":%d}`, now+3600, now, u.ID), testKey)
	access, next := sessPair(t, s.sessRefresh(legacy))
	if list := s.sessList(access); len(list) != 1 {
		t.Fatalf("sessions after adopting a token: %v", list)
	}
	s.Clock.Advance(reuseInterval)
	assertJSON(t, s.sessRefresh(legacy), 401, bodyBlacklisted)
	assertJSON(t, s.sessRefresh(next), 401, bodyBlacklisted)
	if list := s.sessList(access); len(list) != 0 {
		t.Errorf("sessions after the reuse: %v", list)
	}
}

// Logout (the blacklist endpoint) ends the whole session, whichever of its tokens is
// presented, and nothing else.
func TestLogoutEndsTheSession(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.JWT.BlacklistAfterRotation = false; st.Sessions.ReuseDetection = false })
	s.createUser("alice", "wonderland-42")
	access, r1 := s.login("alice", "wonderland-42")
	_, keep := s.login("alice", "wonderland-42")
	// Without BLACKLIST_AFTER_ROTATION a rotated token stays valid: both are in the session.
	_, r2 := sessPair(t, s.sessRefresh(r1))
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": r2}), 200, `{}`)
	assertJSON(t, s.sessRefresh(r1), 401, bodyBlacklisted)
	assertJSON(t, s.sessRefresh(r2), 401, bodyBlacklisted)
	if list := s.sessList(access); len(list) != 1 {
		t.Errorf("sessions after logout: %v, want the other one", list)
	}
	sessPair(t, s.sessRefresh(keep))
}
