package tests

import (
	"net/http"
	"testing"
	"time"
)

// The demo's GetToken hook adds a username claim at login; simplejwt copies a refresh
// token's claims into every access token made from it and into its rotated successor, and
// the same hook makes the sliding token's claims.
func TestCustomClaimsFlowIntoEveryToken(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	tokens := map[string]string{}
	tokens["obtained access"], tokens["obtained refresh"] = s.login("alice", "wonderland-42")

	s.Clock.Advance(time.Minute)
	rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": tokens["obtained refresh"]})
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
	}
	var rotated struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &rotated)
	tokens["refreshed access"], tokens["rotated refresh"] = rotated.Access, rotated.Refresh

	s.Clock.Advance(time.Minute)
	rec = s.postJSON("/api/token/refresh/", map[string]string{"refresh": rotated.Refresh})
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh of the rotated token: %d %s", rec.Code, rec.Body)
	}
	var again struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &again)
	tokens["access from the rotated refresh"], tokens["refresh rotated twice"] = again.Access, again.Refresh

	tokens["sliding"] = s.slidingLogin("alice", "wonderland-42")
	s.Clock.Advance(time.Minute)
	tokens["slid sliding"] = s.slide(tokens["sliding"])

	for name, token := range tokens {
		if got := claimsOf(t, token)["username"]; got != "alice" {
			t.Errorf("%s: username claim = %v, want alice", name, got)
		}
	}
	// The claimed tokens still authenticate.
	if rec := s.getWith("/api/protected/", tokens["access from the rotated refresh"]); rec.Code != http.StatusOK {
		t.Errorf("access token with a custom claim refused: %d %s", rec.Code, rec.Body)
	}
}

// Without a hook a token carries simplejwt's claims and nothing else.
func TestNoHookNoCustomClaims(t *testing.T) {
	s := newServer(t)
	s.App.JWT.GetToken = nil
	s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	for _, token := range []string{access, refresh, s.slidingLogin("alice", "wonderland-42")} {
		if _, ok := claimsOf(t, token)["username"]; ok {
			t.Errorf("token without a hook has a username claim: %v", claimsOf(t, token))
		}
	}
}
