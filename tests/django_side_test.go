package tests

import (
	"crypto/md5"
	"fmt"
	"strings"
	"testing"
	"time"

	"ginrest/hashers"
	"ginrest/models"
	"ginrest/settings"
)

// djangoToken is a token as simplejwt 5.2.2 on a Django service sharing the database and
// the key issues it: simplejwt's claims, no ginrest claim.
func djangoToken(t *testing.T, typ string, userID int64, iat int64) string {
	t.Helper()
	return sign(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"token_type":%q,"exp":%d,"iat":%d,"jti":"%032x","user_id":%d}`,
		typ, iat+3600, iat, iat*100+int64(len(typ))+userID*7, userID), testKey)
}

// djangoSetsPassword writes a new hash into auth_user as Django's set_password + save()
// does: nothing of ginrest's tables changes.
func djangoSetsPassword(t *testing.T, s *server, u *models.User, password string, iterations int) {
	t.Helper()
	encoded, err := hashers.Encode(password, fmt.Sprintf("djangosalt%d", iterations), iterations)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.App.DB.Exec(`UPDATE "auth_user" SET "password" = ? WHERE "id" = ?`, encoded, u.ID).Error; err != nil {
		t.Fatal(err)
	}
}

// A password changed on the Django side revokes the user's earlier tokens here, ginrest's
// and Django's alike, as a password change through ginrest does; tokens issued after it,
// and logins with the new password, work.
func TestPasswordChangedByDjangoRevokesEarlierTokens(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	djangoAccess := djangoToken(t, "access", u.ID, s.Clock.Now().Unix())
	for _, a := range []string{access, djangoAccess} {
		if rec := s.getWith("/api/protected/", a); rec.Code != 200 {
			t.Fatalf("before the change: %d %s", rec.Code, rec.Body)
		}
	}

	s.Clock.Advance(2 * time.Second) // past USER_CACHE_TTL: the change is read, not a cached copy
	djangoSetsPassword(t, s, u, "looking-glass-7", 1000)
	s.Clock.Advance(2 * time.Second)

	for _, a := range []string{access, djangoAccess} { // ginrest's, Django's
		assertJSON(t, s.getWith("/api/protected/", a), 401, bodyPasswordChanged)
	}
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 401, bodyPasswordChanged)
	assertJSON(t, s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}), 401,
		`{"detail":"No active account found with the given credentials"}`)

	// Django's tokens from after the change was noticed (the first request above; a
	// token of that second, or from between the change and its noticing, is refused
	// too: ginrest cannot know when Django changed it), and a login with the new
	// password, work.
	s.Clock.Advance(time.Second)
	if rec := s.getWith("/api/protected/", djangoToken(t, "access", u.ID, s.Clock.Now().Unix())); rec.Code != 200 {
		t.Errorf("Django's token issued after the change: %d %s", rec.Code, rec.Body)
	}
	newAccess, newRefresh := s.login("alice", "looking-glass-7")
	if rec := s.getWith("/api/protected/", newAccess); rec.Code != 200 {
		t.Errorf("access after logging in with the new password: %d %s", rec.Code, rec.Body)
	}
	sessPair(t, s.sessRefresh(newRefresh))
	// Noticed once: later requests do not revoke again.
	s.Clock.Advance(2 * time.Second)
	if rec := s.getWith("/api/protected/", newAccess); rec.Code != 200 {
		t.Errorf("access a while later: %d %s", rec.Code, rec.Body)
	}
}

// ginrest's own writes of the password are not mistaken for a change made elsewhere: a
// login's re-hash of a weak hash (the same password) keeps every other session, Django's
// tokens included; its own password change revokes once, with its own reason.
func TestOwnPasswordWritesAreNotChangesElsewhere(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "")
	djangoSetsPassword(t, s, u, "wonderland-42", 500) // weaker than PASSWORD_ITERATIONS (1000 in tests)
	djangoAccess := djangoToken(t, "access", u.ID, s.Clock.Now().Unix())
	if rec := s.getWith("/api/protected/", djangoAccess); rec.Code != 200 { // ginrest sees the hash first
		t.Fatalf("before: %d %s", rec.Code, rec.Body)
	}
	s.Clock.Advance(2 * time.Second)
	access, _ := s.login("alice", "wonderland-42") // re-hashes at 1000
	stored, err := s.App.Users.ByID(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := hashers.IterationsOf(stored.Password); n != 1000 {
		t.Fatalf("login did not re-hash the weak hash: %s", stored.Password)
	}
	s.Clock.Advance(2 * time.Second)
	for name, a := range map[string]string{"Django's earlier token": djangoAccess, "the login's token": access} {
		if rec := s.getWith("/api/protected/", a); rec.Code != 200 {
			t.Errorf("%s after the re-hash: %d %s", name, rec.Code, rec.Body)
		}
	}
}

// CHECK_REVOKE_TOKEN is simplejwt ≥ 5.4's: tokens carry REVOKE_TOKEN_CLAIM, the upper-case
// hex MD5 of the user's stored hash, and one naming another hash is refused — a token of
// a Django service on that simplejwt as much as ginrest's. A login's re-hash (the same
// password) keeps the tokens naming the hash it replaced; a real change does not.
func TestCheckRevokeToken(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) { s.JWT.CheckRevokeToken = true })
	u := s.createUser("alice", "")
	djangoSetsPassword(t, s, u, "wonderland-42", 500) // weak: a ginrest login re-hashes it
	stored := func() string {
		t.Helper()
		var password string
		if err := s.App.DB.Raw(`SELECT "password" FROM "auth_user" WHERE "id" = ?`, u.ID).Scan(&password).Error; err != nil {
			t.Fatal(err)
		}
		return password
	}
	newer := func(claim string) string { // as simplejwt 5.4 on the Django side issues it
		t.Helper()
		now := s.Clock.Now().Unix()
		return sign(t, `{"alg":"HS256","typ":"JWT"}`, fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"%032x","user_id":%d,"hash_password":%q}`,
			now+3600, now, now*3+int64(len(claim)), u.ID, claim), testKey)
	}
	before := stored()
	fingerprint := strings.ToUpper(fmt.Sprintf("%x", md5.Sum([]byte(before))))
	djangoBefore := newer(fingerprint)
	for _, c := range []struct {
		name, token string
		status      int
	}{
		{"the current hash's fingerprint", djangoBefore, 200},
		{"lower-case hex, as no simplejwt writes it", newer(strings.ToLower(fingerprint)), 401},
		{"another hash's fingerprint", newer(strings.Repeat("AB", 16)), 401},
		{"simplejwt 5.2.2's token, without the claim", djangoToken(t, "access", u.ID, s.Clock.Now().Unix()), 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := s.getWith("/api/protected/", c.token)
			if rec.Code != c.status {
				t.Errorf("%d %s, want %d", rec.Code, rec.Body, c.status)
			} else if c.status == 401 {
				assertJSON(t, rec, 401, bodyPasswordChanged)
			}
		})
	}

	s.Clock.Advance(2 * time.Second)
	access, refresh := s.login("alice", "wonderland-42") // re-hashes the weak hash
	after := stored()
	if after == before {
		t.Fatal("the login did not re-hash the weak hash")
	}
	if got, want := claimsOf(t, access)["hash_password"], strings.ToUpper(fmt.Sprintf("%x", md5.Sum([]byte(after)))); got != want {
		t.Errorf("access hash_password = %v, want %s (simplejwt's get_md5_hash_password of the stored hash)", got, want)
	}
	s.Clock.Advance(2 * time.Second)
	for name, a := range map[string]string{"a token naming the hash the re-hash replaced": djangoBefore, "the login's token": access} {
		if rec := s.getWith("/api/protected/", a); rec.Code != 200 {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}

	// A real change, on the Django side: every earlier token is refused, refresh included.
	djangoSetsPassword(t, s, u, "looking-glass-7", 1000)
	s.Clock.Advance(2 * time.Second)
	for _, a := range []string{djangoBefore, access} {
		assertJSON(t, s.getWith("/api/protected/", a), 401, bodyPasswordChanged)
	}
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 401, bodyPasswordChanged)
}

func TestCheckRevokeTokenNeedsTokenVersionCheck(t *testing.T) {
	s := testSettings()
	s.JWT.CheckRevokeToken, s.Sessions.TokenVersionCheck = true, false
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "CHECK_REVOKE_TOKEN needs TOKEN_VERSION_CHECK") {
		t.Errorf("Validate() = %v, want CHECK_REVOKE_TOKEN refused without TOKEN_VERSION_CHECK", err)
	}
}
