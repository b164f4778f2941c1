package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/settings"
)

// A refresh token's jti ends with its session's id (tokens.Families), so rotating a
// session's newest token writes no family row. These tests cover what that shortcut must
// not break: sessions from before it, tokens whose jti ends like another user's session,
// and tokens that stay live after their rotation.

// A session made before sessions recorded their newest token — a 32-digit id, every token
// in a family row — still rotates, lists, logs out and revokes on reuse.
func TestSessionFromBeforeNewestTokens(t *testing.T) {
	for _, end := range []string{"reuse", "logout"} {
		t.Run(end, func(t *testing.T) {
			s := newServer(t)
			s.createUser("alice", "wonderland-42")
			access, r1 := s.login("alice", "wonderland-42")
			_, other := s.login("alice", "wonderland-42")
			legacyID := strings.Repeat("5e", 16)
			jti, _ := claimsOf(t, r1)["jti"].(string)
			// What the database held before migration 1300: the session row with a random
			// 32-digit id and no newest token, and a family row per token.
			for _, step := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO "ginrest_session" ("id", "user_id", "created_at", "last_used_at", "expires_at", "user_agent", "ip_address")
					SELECT ?, "user_id", "created_at", "last_used_at", "expires_at", "user_agent", "ip_address" FROM "ginrest_session" WHERE "newest_jti" = ?`, []any{legacyID, jti}},
				{`DELETE FROM "ginrest_session" WHERE "newest_jti" = ?`, []any{jti}},
				{`INSERT INTO "ginrest_token_family" ("jti", "session_id") VALUES (?, ?)`, []any{jti, legacyID}},
			} {
				if err := s.App.DB.Exec(step.sql, step.args...).Error; err != nil {
					t.Fatalf("%s: %v", step.sql, err)
				}
			}
			_, r2 := sessPair(t, s.sessRefresh(r1))
			_, r3 := sessPair(t, s.sessRefresh(r2))
			list := s.sessList(access)
			if len(list) != 2 || (list[0]["id"] != legacyID && list[1]["id"] != legacyID) {
				t.Fatalf("sessions: %v, want the legacy one %s among two", list, legacyID)
			}
			switch end {
			case "reuse":
				s.Clock.Advance(reuseInterval)
				assertJSON(t, s.sessRefresh(r1), 401, bodyBlacklisted)
			case "logout":
				assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": r3}), 200, `{}`)
			}
			assertJSON(t, s.sessRefresh(r3), 401, bodyBlacklisted)
			if list := s.sessList(access); len(list) != 1 || list[0]["id"] == legacyID {
				t.Errorf("sessions after the %s: %v, want only the other", end, list)
			}
			sessPair(t, s.sessRefresh(other))
		})
	}
}

// A token ginrest did not issue (simplejwt's uuid4 jti) may end like another user's
// session. Its refresh, its reuse and its logout touch only its own user's sessions.
func TestTokenWhoseJTIEndsLikeAnotherUsersSession(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	bob := s.createUser("bob", "builder-4242")
	aliceAccess, aliceRefresh := s.login("alice", "wonderland-42")
	list := s.sessList(aliceAccess)
	if len(list) != 1 {
		t.Fatalf("alice's sessions: %v", list)
	}
	tail, _ := list[0]["id"].(string)
	if len(tail) != 10 {
		t.Fatalf("alice's session id %q is not a jti's tail", tail)
	}
	now := s.Clock.Now().Unix()
	jti := "0123456789abcdef012345" + tail
	bobs := sign(t, `{"alg":"HS256","typ":"JWT"}`,
		fmt.Sprintf(`{"token_type":"refresh","exp":%d,"iat":%d,"jti":%q,"user_id":%d}`, now+3600, now, jti, bob.ID), testKey)
	// As simplejwt records the tokens it issues.
	if err := s.App.DB.Create(&models.OutstandingToken{JTI: jti, Token: bobs, UserID: &bob.ID, ExpiresAt: s.Clock.Now().Add(time.Hour).UTC()}).Error; err != nil {
		t.Fatal(err)
	}
	bobAccess, bobNext := sessPair(t, s.sessRefresh(bobs))
	if list := s.sessList(bobAccess); len(list) != 1 || list[0]["id"] == tail {
		t.Fatalf("bob's sessions: %v (alice's is %s)", list, tail)
	}
	s.Clock.Advance(reuseInterval)
	assertJSON(t, s.sessRefresh(bobs), 401, bodyBlacklisted) // reuse: bob's session ends
	assertJSON(t, s.sessRefresh(bobNext), 401, bodyBlacklisted)
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": bobs}), 401, bodyBlacklisted)
	if list := s.sessList(aliceAccess); len(list) != 1 || list[0]["id"] != tail {
		t.Errorf("alice's sessions after bob's: %v", list)
	}
	sessPair(t, s.sessRefresh(aliceRefresh))
}

// Tokens that stay live after their rotation (BLACKLIST_AFTER_ROTATION off, then on) are
// all blacklisted when their session ends, however they were rotated: in turn, two
// rotations of one token, or one of a token its session has moved past.
func TestLogoutBlacklistsEveryLiveTokenOfTheSession(t *testing.T) {
	db := testDB(t)
	off := newServerOn(t, db, func(st *settings.Settings) {
		st.JWT.BlacklistAfterRotation = false
		st.Sessions.ReuseDetection = false
	})
	off.createUser("alice", "wonderland-42")
	access, r1 := off.login("alice", "wonderland-42")
	_, r2 := sessPair(t, off.sessRefresh(r1))
	_, r2b := sessPair(t, off.sessRefresh(r1)) // r1 again: its session has moved on to r2
	_, r3 := sessPair(t, off.sessRefresh(r2))
	// The operator turns BLACKLIST_AFTER_ROTATION on: r1, r2 and r2b are still live.
	on := newServerOn(t, db, func(st *settings.Settings) { st.Sessions.ReuseDetection = false })
	on.Clock.Set(off.Clock.Now())
	_, r4 := sessPair(t, on.sessRefresh(r3))
	assertJSON(t, on.sessRefresh(r3), 401, bodyBlacklisted)
	assertJSON(t, on.postJSON("/api/token/blacklist/", map[string]string{"refresh": r4}), 200, `{}`)
	for name, tok := range map[string]string{"r1": r1, "r2": r2, "r2b": r2b, "r3": r3, "r4": r4} {
		if rec := on.sessRefresh(tok); rec.Code != 401 {
			t.Errorf("%s after logout: %d %s", name, rec.Code, rec.Body)
		}
	}
	if list := on.sessList(access); len(list) != 0 {
		t.Errorf("sessions after logout: %v", list)
	}
}
