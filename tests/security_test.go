package tests

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ginrest/apitest"
	"ginrest/hashers"
	"ginrest/models"
	"ginrest/settings"
	"ginrest/urls"
)

// Where simplejwt is silent or weak, ginrest is stricter: each of these tokens is signed
// with the right key, yet refused.
func TestTokensGinrestRefuses(t *testing.T) {
	srv := apitest.NewServer(t)
	u := srv.CreateUser("alice", "wonderland-42")
	now := srv.Clock.Now().Unix()
	payload := func(extra string) string {
		return fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"0123456789abcdef0123456789abcdef","user_id":%d%s}`, now+300, now, u.ID, extra)
	}
	cases := []struct {
		name, header, payload string
	}{
		{"crit header", `{"alg":"HS256","typ":"JWT","crit":["exp"]}`, payload("")},
		{"jku header", `{"alg":"HS256","jku":"https://attacker.example/jwks"}`, payload("")},
		{"jwk header", `{"alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}}`, payload("")},
		{"x5u header", `{"alg":"HS256","x5u":"https://attacker.example/cert"}`, payload("")},
		{"x5c header", `{"alg":"HS256","x5c":["MIIB"]}`, payload("")},
		{"alg none", `{"alg":"none","typ":"JWT"}`, payload("")},
		{"HS512 with the HS256 key", `{"alg":"HS512","typ":"JWT"}`, payload("")},
		{"iat in the future", `{"alg":"HS256"}`, fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"0123456789abcdef0123456789abcdef","user_id":%d}`, now+7200, now+3600, u.ID)},
		{"nbf in the future", `{"alg":"HS256"}`, payload(fmt.Sprintf(`,"nbf":%d`, now+60))},
		{"exp as a string", `{"alg":"HS256"}`, fmt.Sprintf(`{"token_type":"access","exp":"%d","iat":%d,"jti":"0123456789abcdef0123456789abcdef","user_id":%d}`, now+300, now, u.ID)},
		{"iat as a string", `{"alg":"HS256"}`, fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":"%d","jti":"0123456789abcdef0123456789abcdef","user_id":%d}`, now+300, now, u.ID)},
	}
	// The control proves the payload is otherwise good.
	if res := srv.Client().Get("/api/protected/", bearer(sign(t, `{"alg":"HS256","typ":"JWT"}`, payload(""), apitest.SecretKey))); res.Status != http.StatusOK {
		t.Fatalf("control token refused: %d %s", res.Status, res)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			client := apitest.NewClient(t, srv)
			token := sign(t, c.header, c.payload, apitest.SecretKey)
			client.Get("/api/protected/", bearer(token)).AssertJSON(401,
				`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`)
			client.Post("/api/token/verify/", map[string]string{"token": token}).AssertJSON(401,
				`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
		})
	}
}

// A refresh token is never an access token, and the reverse.
func TestTokenTypesAreNotInterchangeable(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	access, refresh := obtainPair(t, c, "alice", "wonderland-42")
	c.Get("/api/protected/", bearer(refresh)).AssertJSON(401,
		`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token has wrong type"}]}`)
	for _, path := range []string{"/api/token/refresh/", "/api/token/blacklist/"} {
		c.Post(path, map[string]string{"refresh": access}).AssertJSON(401, `{"detail":"Token has wrong type","code":"token_not_valid"}`)
	}
}

// A failed login says the same thing, with the same headers, whatever was wrong: no
// answer tells whether the username exists.
func TestLoginDoesNotRevealWhichPartWasWrong(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42")
	srv.CreateUser("bob", "bob-secret-42", func(u *models.User) { u.IsActive = false })
	c := srv.Client()
	var first string
	for _, creds := range [][2]string{{"alice", "nope"}, {"mallory", "whatever"}, {"bob", "bob-secret-42"}, {"bob", "nope"}, {"Alice", "wonderland-42"}} {
		res := c.Post("/api/token/", map[string]string{"username": creds[0], "password": creds[1]})
		res.AssertJSON(401, `{"detail":"No active account found with the given credentials"}`)
		h := res.Header.Clone()
		h.Del("X-Request-ID") // random for every request, whatever its credentials
		shape := fmt.Sprint(h)
		if first == "" {
			first = shape
		} else if shape != first {
			t.Errorf("%v: headers %s differ from %s", creds, shape, first)
		}
	}
}

// Passwords are used exactly as given: never trimmed, and all-blank ones refused.
func TestPasswordsAreNeverTrimmed(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "  spaced out  ")
	c := srv.Client()
	cases := []struct {
		password string
		status   int
	}{
		{"  spaced out  ", 200},
		{"spaced out", 401},
		{"  spaced out", 401},
	}
	for _, tc := range cases {
		res := c.Post("/api/token/", map[string]string{"username": "alice", "password": tc.password})
		if res.Status != tc.status {
			t.Errorf("password %q: %d, want %d", tc.password, res.Status, tc.status)
		}
	}
	// Usernames are trimmed, as DRF's CharField does.
	if res := c.Post("/api/token/", map[string]string{"username": " alice ", "password": "  spaced out  "}); res.Status != 200 {
		t.Errorf("trimmed username refused: %d", res.Status)
	}
	c.Post("/api/token/", map[string]string{"username": "alice", "password": "   "}).AssertJSON(400,
		`{"password":["This field may not be blank."]}`)
}

// A Django hash with another iteration count verifies. A login re-hashes it at
// PASSWORD_ITERATIONS only when it is weaker than both that and PASSWORD_REHASH_BELOW;
// any other count is left as it is — never lowered, and never rewritten back and forth
// with a Django service that hashes at its own count. A failed login changes nothing.
func TestLoginRehashesOnlyWeakHashes(t *testing.T) {
	for _, c := range []struct {
		name         string
		rehashBelow  int // PASSWORD_ITERATIONS is 1000
		stored       int
		wantRehashed bool
	}{
		{"weaker than both: re-hashed", 0, 500, true},
		{"stronger than PASSWORD_ITERATIONS: never lowered", 0, 2000, false},
		{"weaker than PASSWORD_REHASH_BELOW: re-hashed", 600, 500, true},
		{"between PASSWORD_REHASH_BELOW and PASSWORD_ITERATIONS: left", 600, 700, false},
		{"PASSWORD_REHASH_BELOW above PASSWORD_ITERATIONS: up to PASSWORD_ITERATIONS", 5000, 999, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := apitest.NewServer(t, func(s *settings.Settings) { s.PasswordRehashBelow = c.rehashBelow })
			u := srv.CreateUser("alice", "")
			old, err := hashers.Encode("wonderland-42", "oldsalt123", c.stored)
			if err != nil {
				t.Fatal(err)
			}
			srv.App.DB.Model(u).Update("password", old)
			client := srv.Client()

			client.Post("/api/token/", map[string]string{"username": "alice", "password": "wrong"})
			if got := reload(t, srv, u).Password; got != old {
				t.Fatalf("failed login changed the hash to %s", got)
			}
			obtainPair(t, client, "alice", "wonderland-42")
			got := reload(t, srv, u).Password
			if !c.wantRehashed {
				if got != old {
					t.Fatalf("hash rewritten to %s, want %s left as it was", got, old)
				}
				return
			}
			if !strings.HasPrefix(got, "pbkdf2_sha256$1000$") {
				t.Fatalf("hash not re-hashed at 1000: %s", got)
			}
			if ok, _ := hashers.Check("wonderland-42", got, 1000); !ok {
				t.Fatal("re-hashed hash does not verify")
			}
			obtainPair(t, client, "alice", "wonderland-42")
		})
	}
}

func reload(t testing.TB, srv *apitest.Server, u *models.User) *models.User {
	t.Helper()
	got, err := srv.App.Users.ByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestUpdateLastLogin(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint("UPDATE_LAST_LOGIN=", on), func(t *testing.T) {
			srv := apitest.NewServer(t, func(st *settings.Settings) { st.JWT.UpdateLastLogin = on })
			u := srv.CreateUser("alice", "wonderland-42")
			obtainPair(t, srv.Client(), "alice", "wonderland-42")
			if got := reload(t, srv, u).LastLogin != nil; got != on {
				t.Errorf("last_login set = %v", got)
			}
		})
	}
}

func TestWithoutRotationTheRefreshTokenIsReusable(t *testing.T) {
	srv := apitest.NewServer(t, func(st *settings.Settings) { st.JWT.RotateRefreshTokens = false; st.JWT.BlacklistAfterRotation = false })
	srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	_, refresh := obtainPair(t, c, "alice", "wonderland-42")
	for range 2 {
		res := c.Post("/api/token/refresh/", map[string]string{"refresh": refresh})
		if res.Status != 200 {
			t.Fatalf("refresh: %d %s", res.Status, res)
		}
		if body := res.Data(); len(body) != 1 || body["access"] == nil {
			t.Errorf("body %v, want access only", body)
		}
	}
}

func TestCustomAuthHeaderTypes(t *testing.T) {
	srv := apitest.NewServer(t, func(st *settings.Settings) { st.JWT.AuthHeaderTypes = []string{"JWT", "Bearer"} })
	srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	access, _ := obtainPair(t, c, "alice", "wonderland-42")
	for _, scheme := range []string{"JWT", "Bearer"} {
		if res := c.Get("/api/protected/", apitest.Header("Authorization", scheme+" "+access)); res.Status != 200 {
			t.Errorf("%s: %d", scheme, res.Status)
		}
	}
	res := c.Get("/api/protected/")
	if got := res.Header.Get("WWW-Authenticate"); got != `JWT realm="api"` {
		t.Errorf("challenge %q, want the first type", got)
	}
}

// Bodies over the limit are refused whole, before anything is parsed or changed.
func TestOversizedBodiesAreRefused(t *testing.T) {
	srv := apitest.NewServer(t)
	srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	big := `{"username":"alice","password":"wonderland-42","pad":"` + strings.Repeat("x", 1<<20) + `"}`
	for _, ct := range []string{"application/json", "application/x-www-form-urlencoded"} {
		c.Post("/api/token/", big, apitest.Raw(ct)).AssertJSON(413, `{"detail":"Request body is too large."}`)
	}
	var n int64
	srv.App.DB.Model(&models.OutstandingToken{}).Count(&n)
	if n != 0 {
		t.Errorf("%d tokens issued by refused requests", n)
	}
}

// The server will not be built with the public development key outside DEBUG.
func TestProductionRefusesTheDevelopmentKey(t *testing.T) {
	st := apitest.Settings()
	st.SecretKey = settings.DevelopmentSecretKey
	if _, err := urls.NewApp(st, apitest.DB(t), urls.Options{}); err == nil || !strings.Contains(err.Error(), "SECRET_KEY") {
		t.Fatalf("NewApp with the development key: %v", err)
	}
}

// The user of an authenticated request is loaded from the database, and may be served from
// memory for USER_CACHE_TTL: a user deactivated behind ginrest's back (by Django, by another
// instance) loses access within that time, and at once with USER_CACHE_TTL=0.
func TestDeactivatedUserLosesAccess(t *testing.T) {
	cases := []struct {
		ttl         time.Duration
		servedUntil time.Duration // how long the old record may still be served
	}{
		{0, 0},
		{time.Second, time.Second},
		{5 * time.Second, 5 * time.Second},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint("USER_CACHE_TTL=", tc.ttl), func(t *testing.T) {
			srv := apitest.NewServer(t, func(st *settings.Settings) {
				st.UserCacheTTL = tc.ttl
				st.JWT.AccessTokenLifetime = time.Hour
			})
			u := srv.CreateUser("alice", "wonderland-42")
			c := srv.Client()
			access, _ := obtainPair(t, c, "alice", "wonderland-42")
			c.Credentials("Authorization", "Bearer "+access)
			if res := c.Get("/api/protected/"); res.Status != 200 {
				t.Fatalf("before: %d", res.Status)
			}
			srv.App.DB.Exec(`UPDATE auth_user SET is_active = ? WHERE id = ?`, false, u.ID)
			if tc.servedUntil > 0 {
				srv.Clock.Advance(tc.servedUntil - time.Millisecond)
				if res := c.Get("/api/protected/"); res.Status != 200 {
					t.Errorf("within the cache time: %d", res.Status)
				}
				srv.Clock.Advance(time.Millisecond)
			}
			c.Get("/api/protected/").AssertJSON(401, `{"detail":"User is inactive","code":"user_inactive"}`)
		})
	}
}
