package tests

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"ginrest/models"
	"ginrest/settings"
)

var jtiPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

func num(t testing.TB, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

func TestObtainIssuesSimpleJWTTokens(t *testing.T) {
	s := newServer(t)
	user := s.createUser("alice", "wonderland-42")
	access, refresh := s.login("alice", "wonderland-42")
	now := s.Clock.Now().Unix()
	for _, c := range []struct {
		token    string
		typ      string
		lifetime int64
	}{{access, "access", 300}, {refresh, "refresh", 86400}} {
		claims := claimsOf(t, c.token)
		if claims["token_type"] != c.typ {
			t.Errorf("token_type = %v, want %s", claims["token_type"], c.typ)
		}
		if iat := num(t, claims["iat"]); iat != now {
			t.Errorf("%s iat = %d, want %d", c.typ, iat, now)
		}
		if life := num(t, claims["exp"]) - num(t, claims["iat"]); life != c.lifetime {
			t.Errorf("%s lifetime = %d, want %d", c.typ, life, c.lifetime)
		}
		if !jtiPattern.MatchString(fmt.Sprint(claims["jti"])) {
			t.Errorf("jti %v is not 32 lowercase hex", claims["jti"])
		}
		if num(t, claims["user_id"]) != user.ID {
			t.Errorf("user_id = %v, want %d", claims["user_id"], user.ID)
		}
		header, _ := base64.RawURLEncoding.DecodeString(strings.Split(c.token, ".")[0])
		if string(header) != `{"alg":"HS256","typ":"JWT"}` {
			t.Errorf("header = %s", header)
		}
	}
	if claimsOf(t, access)["jti"] == claimsOf(t, refresh)["jti"] {
		t.Error("access and refresh share a jti")
	}
	// The refresh token is recorded as outstanding, for its user.
	var out models.OutstandingToken
	if err := s.App.DB.Where("jti = ?", claimsOf(t, refresh)["jti"]).Take(&out).Error; err != nil {
		t.Fatalf("refresh token not outstanding: %v", err)
	}
	if out.UserID == nil || *out.UserID != user.ID || out.Token != refresh {
		t.Errorf("outstanding row = %+v", out)
	}
}

func TestRefreshRotatesAndBlacklists(t *testing.T) {
	// simplejwt's behaviour: the rotated token keeps working after the old one is reused.
	// With reuse detection (the default) it would not: see TestReuseRevokesTheFamily.
	s := newServer(t, func(st *settings.Settings) { st.Sessions.ReuseDetection = false })
	s.createUser("alice", "wonderland-42")
	_, refresh := s.login("alice", "wonderland-42")
	s.Clock.Advance(3 * time.Second)

	rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
	}
	var got struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &got)
	old, access, rotated := claimsOf(t, refresh), claimsOf(t, got.Access), claimsOf(t, got.Refresh)
	// As simplejwt: the access token keeps the refresh token's iat; the new refresh is new.
	if access["iat"].(json.Number) != old["iat"].(json.Number) {
		t.Errorf("access iat %v, want the refresh token's %v", access["iat"], old["iat"])
	}
	if num(t, access["exp"]) != s.Clock.Now().Unix()+300 {
		t.Errorf("access exp %v, want now+300", access["exp"])
	}
	if rotated["jti"] == old["jti"] || num(t, rotated["iat"]) != s.Clock.Now().Unix() || rotated["token_type"] != "refresh" {
		t.Errorf("rotated refresh %v from %v", rotated, old)
	}
	// The old token is spent everywhere; the new one is outstanding and works once.
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 401,
		`{"detail":"Token is blacklisted","code":"token_not_valid"}`)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": refresh}), 400,
		`{"non_field_errors":["Token is blacklisted"]}`)
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": refresh}), 401,
		`{"detail":"Token is blacklisted","code":"token_not_valid"}`)
	var n int64
	s.App.DB.Model(&models.OutstandingToken{}).Where("jti = ?", rotated["jti"]).Count(&n)
	if n != 1 {
		t.Errorf("rotated refresh token recorded %d times", n)
	}
	if rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": got.Refresh}); rec.Code != http.StatusOK {
		t.Errorf("rotated token refused: %d %s", rec.Code, rec.Body)
	}
}

// A refresh token re-encoded with the same claims (another JSON layout, so another string)
// is still blacklisted: the blacklist keys on jti, not on the token's text.
func TestBlacklistKeysOnJTI(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	_, refresh := s.login("alice", "wonderland-42")
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": refresh}), 200, `{}`)

	claims := claimsOf(t, refresh)
	payload := fmt.Sprintf(`{ "user_id": %s, "jti": %q, "iat": %s, "exp": %s, "token_type": "refresh" }`,
		claims["user_id"], claims["jti"], claims["iat"], claims["exp"])
	reencoded := sign(t, `{"typ":"JWT","alg":"HS256"}`, payload, testKey)
	if reencoded == refresh {
		t.Fatal("re-encoding gave the same string; the test proves nothing")
	}
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": reencoded}), 401,
		`{"detail":"Token is blacklisted","code":"token_not_valid"}`)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": reencoded}), 400,
		`{"non_field_errors":["Token is blacklisted"]}`)
}

func TestRefreshRefusesUsersWhoCannotLogIn(t *testing.T) {
	cases := []struct {
		name   string
		change func(s *server, u *models.User)
	}{
		{"deactivated", func(s *server, u *models.User) { s.App.DB.Model(u).Update("is_active", false) }},
		{"deleted", func(s *server, u *models.User) {
			s.App.DB.Exec(`DELETE FROM token_blacklist_blacklistedtoken`)
			s.App.DB.Exec(`DELETE FROM token_blacklist_outstandingtoken`)
			s.App.DB.Delete(u)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t)
			u := s.createUser("alice", "wonderland-42")
			_, refresh := s.login("alice", "wonderland-42")
			c.change(s, u)
			rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
			assertJSON(t, rec, 401, `{"detail":"No active account found for the given token."}`)
			if rec.Header().Get("WWW-Authenticate") != `Bearer realm="api"` {
				t.Errorf("WWW-Authenticate = %q", rec.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

// An access token works for its lifetime and not a second longer, also when its
// verification is remembered from an earlier request.
func TestAccessTokenExpires(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	for _, step := range []struct {
		advance time.Duration
		status  int
	}{{0, 200}, {0, 200}, {299 * time.Second, 200}, {time.Second, 401}, {0, 401}} {
		s.Clock.Advance(step.advance)
		if rec := s.getWith("/api/protected/", access); rec.Code != step.status {
			t.Fatalf("at %s: %d, want %d", s.Clock.Now().Format(time.TimeOnly), rec.Code, step.status)
		}
	}
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": access}), 401,
		`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
}
