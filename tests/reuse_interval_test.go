package tests

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"ginrest/settings"
)

// REFRESH_TOKEN_REUSE_INTERVAL: a rotated refresh token presented again within the interval
// of its rotation is refused as simplejwt refuses it, and its session lives; after the
// interval, it ends the session. The clock is the test's: nothing here depends on timing.

// reuseInterval is the default REFRESH_TOKEN_REUSE_INTERVAL, which these tests run with.
var reuseInterval = settings.Default().Sessions.ReuseInterval

// raceRefresh posts one refresh token from n clients at once and returns their answers.
func (s *server) raceRefresh(refresh string, n int) []*httptest.ResponseRecorder {
	recs := make([]*httptest.ResponseRecorder, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			recs[i] = s.sessRefresh(refresh)
		}()
	}
	start.Done()
	done.Wait()
	return recs
}

// winner checks that exactly one of recs is a new pair and the others are simplejwt's
// "Token is blacklisted", and returns the pair.
func winner(t *testing.T, recs []*httptest.ResponseRecorder) (access, refresh string) {
	t.Helper()
	won := 0
	for i, rec := range recs {
		if rec.Code == http.StatusOK {
			won++
			access, refresh = sessPair(t, rec)
			continue
		}
		if rec.Code != http.StatusUnauthorized || rec.Body.String() != bodyBlacklisted {
			t.Errorf("client %d: %d %s, want 200 or 401 %s", i, rec.Code, rec.Body, bodyBlacklisted)
		}
	}
	if won != 1 {
		t.Fatalf("%d clients refreshed the same token; want exactly 1", won)
	}
	return access, refresh
}

// Concurrent refreshes of one token (two tabs, a retry) are the client racing itself: one
// wins, and the losers' reuse, within the interval, leaves the winner's tokens working.
func TestReuseIntervalConcurrentRefreshes(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	_, refresh := s.login("alice", "wonderland-42")

	access, next := winner(t, s.raceRefresh(refresh, 16))

	assertJSON(t, s.getWith("/api/protected/", access), http.StatusOK, `{"message":"Hello, authenticated user!"}`)
	access2, _ := sessPair(t, s.sessRefresh(next))
	assertJSON(t, s.getWith("/api/protected/", access2), http.StatusOK, `{"message":"Hello, authenticated user!"}`)
	if list := s.sessList(access2); len(list) != 1 {
		t.Errorf("sessions after the race: %v, want the one", list)
	}
}

// A replay within the interval of the rotation is refused, and the session lives: the
// token the rotation issued still refreshes. The interval runs from the rotation, not from
// the login.
func TestReuseWithinTheInterval(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	_, r1 := s.login("alice", "wonderland-42")
	s.Clock.Advance(time.Hour) // the login is long past the interval
	a2, r2 := sessPair(t, s.sessRefresh(r1))
	s.Clock.Advance(reuseInterval - time.Second)

	assertJSON(t, s.sessRefresh(r1), http.StatusUnauthorized, bodyBlacklisted)
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": r1}), http.StatusUnauthorized, bodyBlacklisted)

	assertJSON(t, s.getWith("/api/protected/", a2), http.StatusOK, `{"message":"Hello, authenticated user!"}`)
	a3, _ := sessPair(t, s.sessRefresh(r2))
	assertJSON(t, s.getWith("/api/protected/", a3), http.StatusOK, `{"message":"Hello, authenticated user!"}`)
}

// A replay after the interval is a stolen copy: it ends the session, the newest token with
// it; other sessions live. Replays within the interval do not extend it.
func TestReuseAfterTheInterval(t *testing.T) {
	for _, c := range []struct {
		name   string
		replay func(s *server, old, newest string)
	}{
		{"refresh", func(s *server, old, _ string) {
			assertJSON(s.t, s.sessRefresh(old), http.StatusUnauthorized, bodyBlacklisted)
		}},
		{"logout", func(s *server, old, _ string) {
			assertJSON(s.t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": old}), http.StatusUnauthorized, bodyBlacklisted)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t)
			s.createUser("alice", "wonderland-42")
			_, r1 := s.login("alice", "wonderland-42")
			otherAccess, other := s.login("alice", "wonderland-42") // another device
			_, r2 := sessPair(t, s.sessRefresh(r1))

			s.Clock.Advance(reuseInterval / 2)
			assertJSON(t, s.sessRefresh(r1), http.StatusUnauthorized, bodyBlacklisted) // forgiven
			s.Clock.Advance(reuseInterval / 2)
			c.replay(s, r1, r2)

			assertJSON(t, s.sessRefresh(r2), http.StatusUnauthorized, bodyBlacklisted)
			if list := s.sessList(otherAccess); len(list) != 1 {
				t.Errorf("sessions after the reuse: %v, want only the other device's", list)
			}
			sessPair(t, s.sessRefresh(other))
		})
	}
}

// REFRESH_TOKEN_REUSE_INTERVAL=0 is no grace: every reuse ends the session, the losers of
// concurrent refreshes included, so the winner's new token is refused too.
func TestReuseIntervalZero(t *testing.T) {
	noGrace := func(st *settings.Settings) { st.Sessions.ReuseInterval = 0 }

	t.Run("replay", func(t *testing.T) {
		s := newServer(t, noGrace)
		s.createUser("alice", "wonderland-42")
		_, r1 := s.login("alice", "wonderland-42")
		_, r2 := sessPair(t, s.sessRefresh(r1))
		assertJSON(t, s.sessRefresh(r1), http.StatusUnauthorized, bodyBlacklisted)
		assertJSON(t, s.sessRefresh(r2), http.StatusUnauthorized, bodyBlacklisted)
	})
	t.Run("concurrent refreshes", func(t *testing.T) {
		s := newServer(t, noGrace)
		s.createUser("alice", "wonderland-42")
		_, refresh := s.login("alice", "wonderland-42")
		access, next := winner(t, s.raceRefresh(refresh, 16))
		assertJSON(t, s.sessRefresh(next), http.StatusUnauthorized, bodyBlacklisted)
		if list := s.sessList(access); len(list) != 0 {
			t.Errorf("sessions after the race: %v, want none", list)
		}
	})
}
