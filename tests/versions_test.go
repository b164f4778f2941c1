package tests

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ginrest/commands"
	"ginrest/models"
	"ginrest/settings"
)

// Log out everywhere revokes every token the user had, access tokens included, at once in
// this process (the request-user cache is dropped), and leaves other users alone.
func TestLogoutAllRevokesEveryToken(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	s.createUser("bob", "builder-42")
	access1, refresh1 := s.login("alice", "wonderland-42")
	access2, refresh2 := s.login("alice", "wonderland-42")
	bobAccess, bobRefresh := s.login("bob", "builder-42")
	for _, a := range []string{access1, access2, bobAccess} { // cached as request users
		if rec := s.getWith("/api/protected/", a); rec.Code != 200 {
			t.Fatalf("before: %d %s", rec.Code, rec.Body)
		}
	}

	assertJSON(t, s.sessCall("POST", "/api/token/logout-all/", access1, nil), 200, `{}`)

	for i, a := range []string{access1, access2} {
		rec := s.getWith("/api/protected/", a)
		assertJSON(t, rec, 401, bodyTokenRevoked)
		if got := rec.Header().Get("WWW-Authenticate"); got != `Bearer realm="api"` {
			t.Errorf("access %d: WWW-Authenticate %q", i+1, got)
		}
	}
	for _, r := range []string{refresh1, refresh2} {
		assertJSON(t, s.sessRefresh(r), 401, bodyTokenRevoked)
	}
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": access1}), 401, bodyTokenRevoked)
	// The refresh tokens are blacklisted too, for a Django service on the same database.
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": refresh1}), 400, `{"non_field_errors":["Token is blacklisted"]}`)

	// Bob is untouched; Alice logs in again and her new tokens work.
	if rec := s.getWith("/api/protected/", bobAccess); rec.Code != 200 {
		t.Errorf("bob's access: %d %s", rec.Code, rec.Body)
	}
	sessPair(t, s.sessRefresh(bobRefresh))
	access3, refresh3 := s.login("alice", "wonderland-42")
	if v := claimsOf(t, access3)["token_version"]; fmt.Sprint(v) != "1" {
		t.Errorf("new access token_version = %v, want 1", v)
	}
	if rec := s.getWith("/api/protected/", access3); rec.Code != 200 {
		t.Errorf("new access: %d %s", rec.Code, rec.Body)
	}
	_, refresh4 := sessPair(t, s.sessRefresh(refresh3))
	if v := claimsOf(t, refresh4)["token_version"]; fmt.Sprint(v) != "1" {
		t.Errorf("rotated refresh token_version = %v, want 1", v)
	}

	// Anonymous callers are refused.
	assertJSON(t, s.do(req{Method: "POST", Path: "/api/token/logout-all/"}), 401, `{"detail":"Authentication credentials were not provided."}`)
}

// A token without the version claim (simplejwt's, or ginrest's at version 0) counts as
// version 0: it works until the user's first bump, and not after.
func TestMissingVersionClaimIsVersionZero(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	now := s.Clock.Now().Unix()
	crafted := sign(t, `{"alg":"HS256","typ":"JWT"}`,
		fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"%s","user_id":%d}`, now+300, now, "5c0ffee5c0ffee5c0ffee5c0ffee5c0f", u.ID), testKey)
	access, _ := s.login("alice", "wonderland-42")
	if _, ok := claimsOf(t, access)["token_version"]; ok {
		t.Error("a token at version 0 carries the claim; want simplejwt's claims")
	}
	for _, a := range []string{crafted, access} {
		if rec := s.getWith("/api/protected/", a); rec.Code != 200 {
			t.Fatalf("before the bump: %d %s", rec.Code, rec.Body)
		}
	}
	assertJSON(t, s.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
	for _, a := range []string{crafted, access} {
		assertJSON(t, s.getWith("/api/protected/", a), 401, bodyTokenRevoked)
	}
}

// Tokens without the claim are simplejwt's too: a Django service on the same database
// issues them, and never writes ginrest's claim. Revocation is about when a token was
// issued, whoever issued it: those from before the bump are refused, those Django issues
// after it keep working (the bump's own second is refused: iat has no finer grain).
func TestRevocationJudgesClaimlessTokensByIssueTime(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	djangoToken := func(typ string, iat int64) string {
		t.Helper()
		return sign(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"token_type":%q,"exp":%d,"iat":%d,"jti":"%032x","user_id":%d}`,
			typ, iat+3600, iat, iat*10+int64(len(typ)), u.ID), testKey)
	}
	access, _ := s.login("alice", "wonderland-42")
	revoked := s.Clock.Now().Unix()
	before, sameSecond := djangoToken("access", revoked-1), djangoToken("access", revoked)
	assertJSON(t, s.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
	s.Clock.Advance(2 * time.Second)
	after, afterRefresh := djangoToken("access", s.Clock.Now().Unix()), djangoToken("refresh", s.Clock.Now().Unix())
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"issued before the logout-all", before, 401},
		{"issued in its second", sameSecond, 401},
		{"issued after it", after, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := s.getWith("/api/protected/", c.token)
			if rec.Code != c.status {
				t.Errorf("%d %s, want %d", rec.Code, rec.Body, c.status)
			}
			if c.status == 401 {
				assertJSON(t, rec, 401, bodyTokenRevoked)
			}
		})
	}
	// Refresh and verify judge the same way.
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": after}), 200, `{}`)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": before}), 401, bodyTokenRevoked)
	if rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": afterRefresh}); rec.Code != 200 {
		t.Errorf("refresh of a token issued after the logout-all: %d %s", rec.Code, rec.Body)
	}
}

// The password change endpoint: the old password must be right, the new one not blank; it
// revokes every other token and answers a new pair, so the caller stays logged in.
func TestPasswordChange(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	access1, refresh1 := s.login("alice", "wonderland-42")
	access2, refresh2 := s.login("alice", "wonderland-42")

	refused := []struct {
		name string
		body any
		want string
	}{
		{"wrong old password", map[string]string{"old_password": "wonderland-43", "new_password": "looking-glass-7"},
			`{"old_password":["Your old password was entered incorrectly. Please enter it again."]}`},
		{"blank", map[string]string{"old_password": " ", "new_password": ""},
			`{"old_password":["This field may not be blank."],"new_password":["This field may not be blank."]}`},
		{"missing", map[string]string{}, `{"old_password":["This field is required."],"new_password":["This field is required."]}`},
		{"null and a number", map[string]any{"old_password": nil, "new_password": []int{1}},
			`{"old_password":["This field may not be null."],"new_password":["Not a valid string."]}`},
		{"not an object", []string{"wonderland-42"}, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			assertJSON(t, s.sessCall("POST", "/api/auth/password/", access1, c.body), 400, c.want)
			// Nothing changed: the tokens and the old password still work.
			if rec := s.getWith("/api/protected/", access1); rec.Code != 200 {
				t.Errorf("access after a refused change: %d %s", rec.Code, rec.Body)
			}
		})
	}
	assertJSON(t, s.do(req{Method: "POST", Path: "/api/auth/password/", Body: `{"old_password":"wonderland-42","new_password":"x"}`,
		ContentType: "application/json"}), 401, `{"detail":"Authentication credentials were not provided."}`)

	rec := s.sessCall("POST", "/api/auth/password/", access1, map[string]string{"old_password": "wonderland-42", "new_password": " looking-glass-7 "})
	access3, refresh3 := sessPair(t, rec)
	if access3 == "" || refresh3 == "" {
		t.Fatalf("password change answered %s, want a pair", rec.Body)
	}
	for _, a := range []string{access1, access2} {
		assertJSON(t, s.getWith("/api/protected/", a), 401, bodyPasswordChanged)
	}
	for _, r := range []string{refresh1, refresh2} {
		assertJSON(t, s.sessRefresh(r), 401, bodyPasswordChanged)
	}
	if rec := s.getWith("/api/protected/", access3); rec.Code != 200 {
		t.Errorf("the new access token: %d %s", rec.Code, rec.Body)
	}
	sessPair(t, s.sessRefresh(refresh3))
	// The new password is used as given, spaces and all; the old one no longer logs in.
	s.login("alice", " looking-glass-7 ")
	assertJSON(t, s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}), 401,
		`{"detail":"No active account found with the given credentials"}`)
}

// With REVOKE_ON_PASSWORD_CHANGE=false a password change revokes nothing.
func TestPasswordChangeWithoutRevocation(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.Sessions.RevokeOnPasswordChange = false })
	s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	sessPair(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "looking-glass-7"}))
	if rec := s.getWith("/api/protected/", access); rec.Code != 200 {
		t.Errorf("access: %d %s", rec.Code, rec.Body)
	}
	sessPair(t, s.sessRefresh(refresh))
}

// With TOKEN_VERSION_CHECK=false tokens carry no version; log out everywhere still
// blacklists every refresh token, and access tokens live out their lifetime.
func TestWithoutVersionCheck(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.Sessions.TokenVersionCheck = false })
	s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	assertJSON(t, s.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
	if rec := s.getWith("/api/protected/", access); rec.Code != 200 {
		t.Errorf("access: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.sessRefresh(refresh), 401, bodyBlacklisted)
	access2, _ := s.login("alice", "wonderland-42")
	if _, ok := claimsOf(t, access2)["token_version"]; ok {
		t.Error("token_version claim with TOKEN_VERSION_CHECK=false")
	}
}

// changepassword, run as another process would, revokes the user's tokens; this server
// sees it once its cached copy of the user expires (USER_CACHE_TTL).
func TestChangepasswordCommandRevokes(t *testing.T) {
	dbURL := DatabaseURL(t)
	db, err := models.Open(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	s := newServerOn(t, db)
	s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	if rec := s.getWith("/api/protected/", access); rec.Code != 200 {
		t.Fatalf("before: %d", rec.Code)
	}
	var stdout, stderr bytes.Buffer
	env := &commands.Env{Stdin: strings.NewReader("looking-glass-7\n"), Stdout: &stdout, Stderr: &stderr,
		Lookup: func(name string) (string, bool) {
			v, ok := map[string]string{"DATABASE_URL": dbURL, "DEBUG": "false", "SECRET_KEY": testKey, "PASSWORD_ITERATIONS": "1000"}[name]
			return v, ok
		}}
	if code := commands.Main([]string{"changepassword", "alice", "--password-stdin"}, env); code != 0 {
		t.Fatalf("changepassword: exit %d: %s %s", code, stdout.String(), stderr.String())
	}
	// The refresh endpoint reads the database: refused at once.
	assertJSON(t, s.sessRefresh(refresh), 401, bodyPasswordChanged)
	// The request-user cache may serve the old version for USER_CACHE_TTL, no longer.
	s.Clock.Advance(s.App.Settings.UserCacheTTL)
	assertJSON(t, s.getWith("/api/protected/", access), 401, bodyPasswordChanged)
	s.login("alice", "looking-glass-7")
	if rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("old password: %d", rec.Code)
	}
}

// Without the blacklist there are no sessions; log out everywhere still revokes every token
// through the token version.
func TestWithoutBlacklist(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.JWT.BlacklistEnabled, st.JWT.BlacklistAfterRotation = false, false })
	s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	assertJSON(t, s.sessCall("GET", "/api/token/sessions/", access, nil), 404, `{"detail":"Not found."}`)
	assertJSON(t, s.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
	assertJSON(t, s.getWith("/api/protected/", access), 401, bodyTokenRevoked)
	assertJSON(t, s.sessRefresh(refresh), 401, bodyTokenRevoked)
}
