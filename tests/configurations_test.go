package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/apitest"
	"ginrest/settings"
	"ginrest/tokens"
	"ginrest/urls"
)

// The configuration matrix: for every documented way to run the token side, a server is
// built from those settings and a client goes through the whole flow over HTTP with only
// what that server gave it — log in, call the protected view, verify, refresh, log out —
// and sees the logged-out token refused. It exists because a flow tested only with tokens
// a test signs itself can pass while the server refuses every token it issues (issue 13:
// AUDIENCE and ISSUER were checked on decode and never written on encode).

const (
	matrixAudience = "my-api"
	matrixIssuer   = "https://auth.example.com"
	bodyHello      = `{"message":"Hello, authenticated user!"}`
)

// tokenConfig is one row: a name and the settings changes that make it.
type tokenConfig struct {
	name   string
	change func(t *testing.T, s *settings.Settings)
	// sibling, when set, is a second deployment on the same database (the previous key of
	// a rotation, or another service whose keys JWK_URL publishes): a token it issues at
	// login must authenticate on the row's server too.
	sibling func(t *testing.T, s *settings.Settings)
}

func withAudienceAndIssuer(s *settings.Settings) {
	s.JWT.Audience, s.JWT.Issuer = matrixAudience, matrixIssuer
}

// configurations are the rows: each algorithm family, with and without AUDIENCE + ISSUER,
// then the other documented modes (with AUDIENCE + ISSUER, the combination that broke).
func configurations() []tokenConfig {
	var rows []tokenConfig
	algorithms := []struct {
		name   string
		change func(t *testing.T, s *settings.Settings)
	}{
		{"HS256", func(*testing.T, *settings.Settings) {}},
		{"HS512+SIGNING_KEY_ID", func(_ *testing.T, s *settings.Settings) {
			s.JWT.Algorithm, s.JWT.SigningKeyID = "HS512", "2024-hs"
		}},
		{"RS256", func(t *testing.T, s *settings.Settings) { withKey(t, "RS256", algKey("RS256", false))(s) }},
		{"PS256", func(t *testing.T, s *settings.Settings) { withKey(t, "PS256", algKey("PS256", false))(s) }},
		{"ES256", func(t *testing.T, s *settings.Settings) { withKey(t, "ES256", algKey("ES256", false))(s) }},
		{"EdDSA", func(t *testing.T, s *settings.Settings) { withKey(t, "EdDSA", algKey("EdDSA", false))(s) }},
	}
	for _, alg := range algorithms {
		rows = append(rows, tokenConfig{name: alg.name, change: alg.change})
		rows = append(rows, tokenConfig{name: alg.name + "+AUDIENCE+ISSUER", change: func(t *testing.T, s *settings.Settings) {
			alg.change(t, s)
			withAudienceAndIssuer(s)
		}})
	}
	both := func(f func(t *testing.T, s *settings.Settings)) func(t *testing.T, s *settings.Settings) {
		return func(t *testing.T, s *settings.Settings) {
			withAudienceAndIssuer(s)
			f(t, s)
		}
	}
	rows = append(rows,
		tokenConfig{
			name: "VERIFYING_KEYS rotation",
			change: both(func(t *testing.T, s *settings.Settings) {
				withKey(t, "ES256", algKey("ES256", true))(s)
				s.JWT.SigningKeyID = "2024-02"
				s.JWT.VerifyingKeys = map[string]string{"2024-01": publicKeyPEM(t, algKey("ES256", false).Public())}
			}),
			sibling: both(func(t *testing.T, s *settings.Settings) {
				withKey(t, "ES256", algKey("ES256", false))(s)
				s.JWT.SigningKeyID = "2024-01"
			}),
		},
		tokenConfig{
			name: "JWK_URL",
			change: both(func(t *testing.T, s *settings.Settings) {
				withKey(t, "EdDSA", algKey("EdDSA", false))(s)
				s.JWT.JWKURL = jwksServer(t, "EdDSA", "issuer-1")
			}),
			sibling: both(func(t *testing.T, s *settings.Settings) {
				withKey(t, "EdDSA", algKey("EdDSA", true))(s)
				s.JWT.SigningKeyID = "issuer-1"
			}),
		},
		tokenConfig{name: "sliding", change: both(func(_ *testing.T, s *settings.Settings) {
			s.JWT.AuthTokenClasses = []string{"SlidingToken"}
		})},
		tokenConfig{name: "sliding RS256", change: func(t *testing.T, s *settings.Settings) {
			withKey(t, "RS256", algKey("RS256", false))(s)
			s.JWT.AuthTokenClasses = []string{"SlidingToken", "AccessToken"}
		}},
		tokenConfig{name: "stateless", change: both(func(_ *testing.T, s *settings.Settings) {
			s.REST.DefaultAuthenticationClasses = []string{"JWTStatelessUserAuthentication"}
		})},
		tokenConfig{name: "cookie mode", change: both(func(_ *testing.T, s *settings.Settings) {
			s.Sessions.Cookie.Enabled = true
		})},
		tokenConfig{name: "cookie mode, rotation off", change: both(func(_ *testing.T, s *settings.Settings) {
			s.Sessions.Cookie.Enabled = true
			s.JWT.RotateRefreshTokens, s.JWT.BlacklistAfterRotation = false, false
		})},
		tokenConfig{name: "rotation off", change: both(func(_ *testing.T, s *settings.Settings) {
			s.JWT.RotateRefreshTokens, s.JWT.BlacklistAfterRotation = false, false
		})},
		tokenConfig{name: "rotation without blacklisting", change: both(func(_ *testing.T, s *settings.Settings) {
			s.JWT.BlacklistAfterRotation = false
		})},
		tokenConfig{name: "blacklist off", change: both(func(_ *testing.T, s *settings.Settings) {
			s.JWT.BlacklistEnabled, s.JWT.BlacklistAfterRotation = false, false
		})},
		tokenConfig{name: "blacklist and rotation off", change: both(func(_ *testing.T, s *settings.Settings) {
			s.JWT.BlacklistEnabled, s.JWT.BlacklistAfterRotation, s.JWT.RotateRefreshTokens = false, false, false
		})},
	)
	return rows
}

// jwksServer serves, on a loopback port, the JWK Set of another service that signs with
// the algorithm's second test key under kid.
func jwksServer(t *testing.T, alg, kid string) string {
	t.Helper()
	b, err := tokens.NewBackend(tokens.Config{Algorithm: alg, SigningKey: []byte(privateKeyPEM(t, algKey(alg, true))), KeyID: kid})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := json.Marshal(b.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/jwks.json"
}

func TestEveryConfigurationAcceptsWhatItIssues(t *testing.T) {
	for _, row := range configurations() {
		t.Run(row.name, func(t *testing.T) {
			db := apitest.DB(t)
			var st *settings.Settings
			srv := apitest.NewServerOn(t, db, func(s *settings.Settings) {
				s.SecretKey = testKey
				row.change(t, s)
				st = s
			})
			srv.CreateUser("alice", "wonderland-42")
			f := flow{t: t, srv: srv, c: srv.Client(), s: st}
			if st.JWT.TokenClasses()[0] == "SlidingToken" {
				f.sliding()
			} else {
				f.pair()
			}
			if row.sibling != nil {
				sibling := apitest.NewServerOn(t, db, func(s *settings.Settings) {
					s.SecretKey = testKey
					row.sibling(t, s)
				})
				// One clock for both: a token the sibling issues is not from the future here.
				sibling.Clock.Set(srv.Clock.Now())
				c := sibling.Client()
				resp := c.Post("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
				var pair struct{ Access, Refresh string }
				resp.JSON(&pair)
				if resp.Status != 200 {
					t.Fatalf("login at the sibling: %d %s", resp.Status, resp)
				}
				f.checkClaims("the sibling's access", pair.Access)
				f.c.Get("/api/protected/", apitest.Header("Authorization", "Bearer "+pair.Access)).AssertJSON(200, bodyHello)
				f.c.Post("/api/token/verify/", map[string]string{"token": pair.Access}).AssertJSON(200, `{}`)
			}
		})
	}
}

// flow is one client's walk through a server's token endpoints.
type flow struct {
	t   *testing.T
	srv *apitest.Server
	c   *apitest.Client
	s   *settings.Settings
}

// checkClaims: every token the server issues carries aud and iss exactly when AUDIENCE
// and ISSUER are set, as simplejwt's TokenBackend.encode writes them.
func (f flow) checkClaims(what, token string) {
	f.t.Helper()
	claims := claimsOf(f.t, token)
	for claim, want := range map[string]string{"aud": f.s.JWT.Audience, "iss": f.s.JWT.Issuer} {
		got, ok := claims[claim]
		switch {
		case want == "" && ok:
			f.t.Errorf("%s has %s=%v, but it is not configured", what, claim, got)
		case want != "" && got != want:
			f.t.Errorf("%s has %s=%v, want %q", what, claim, got, want)
		}
	}
}

func (f flow) bearer(token string) apitest.Option {
	return apitest.Header("Authorization", "Bearer "+token)
}

// csrf is the header cookie mode's refresh and logout want: the CSRF cookie echoed.
func (f flow) csrf() apitest.Option {
	f.t.Helper()
	c := f.c.Cookie(f.s.Sessions.Cookie.CSRFName)
	if c == nil {
		f.t.Fatalf("no %s cookie", f.s.Sessions.Cookie.CSRFName)
	}
	return apitest.Header("X-CSRFToken", c.Value)
}

// refreshToken is where the client keeps its refresh token: the body it was given, or
// the cookie in cookie mode.
func (f flow) refreshToken(body string) string {
	f.t.Helper()
	if !f.s.Sessions.Cookie.Enabled {
		return body
	}
	if body != "" {
		f.t.Errorf("cookie mode put a refresh token in the body")
	}
	c := f.c.Cookie(f.s.Sessions.Cookie.Name)
	if c == nil {
		f.t.Fatalf("no %s cookie", f.s.Sessions.Cookie.Name)
	}
	return c.Value
}

// refresh sends a refresh token the way this configuration's client does.
func (f flow) refresh(refresh string) *apitest.Response {
	if f.s.Sessions.Cookie.Enabled {
		return f.c.Post("/api/token/refresh/", nil, f.csrf())
	}
	return f.c.Post("/api/token/refresh/", map[string]string{"refresh": refresh})
}

// pair is the flow of AccessToken configurations.
func (f flow) pair() {
	t, c, j := f.t, f.c, f.s.JWT
	var pair struct{ Access, Refresh string }
	resp := c.Post("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
	if resp.Status != 200 {
		t.Fatalf("login: %d %s", resp.Status, resp)
	}
	resp.JSON(&pair)
	refresh := f.refreshToken(pair.Refresh)
	f.checkClaims("the access token", pair.Access)
	f.checkClaims("the refresh token", refresh)

	c.Get("/api/protected/", f.bearer(pair.Access)).AssertJSON(200, bodyHello)
	c.Post("/api/token/verify/", map[string]string{"token": pair.Access}).AssertJSON(200, `{}`)
	c.Post("/api/token/verify/", map[string]string{"token": refresh}).AssertJSON(200, `{}`)

	resp = f.refresh(refresh)
	if resp.Status != 200 {
		t.Fatalf("refresh: %d %s", resp.Status, resp)
	}
	var next struct{ Access, Refresh string }
	resp.JSON(&next)
	f.checkClaims("the refreshed access token", next.Access)
	c.Get("/api/protected/", f.bearer(next.Access)).AssertJSON(200, bodyHello)
	if j.RotateRefreshTokens {
		old := refresh
		refresh = f.refreshToken(next.Refresh)
		if refresh == old {
			t.Fatal("rotation gave back the same refresh token")
		}
		f.checkClaims("the rotated refresh token", refresh)
		if j.BlacklistAfterRotation {
			defer func() { // after logging out: a replay now would end the session (reuse detection)
				c.Post("/api/token/refresh/", map[string]string{"refresh": old}).AssertJSON(401, bodyBlacklisted)
			}()
		}
	} else if next.Refresh != "" || (f.s.Sessions.Cookie.Enabled && f.refreshToken("") != refresh) {
		t.Errorf("without rotation, refresh issued a new refresh token")
	}

	// Log out: blacklist the refresh token, or, without the blacklist, log out everywhere.
	if j.BlacklistEnabled {
		csrf := apitest.Header("X-Not-Cookie-Mode", "1")
		body := any(map[string]string{"refresh": refresh})
		if f.s.Sessions.Cookie.Enabled {
			csrf, body = f.csrf(), nil
		}
		c.Post("/api/token/blacklist/", body, csrf).AssertJSON(200, `{}`)
		c.Post("/api/token/refresh/", map[string]string{"refresh": refresh}).AssertJSON(401, bodyBlacklisted)
		return
	}
	c.Post("/api/token/logout-all/", nil, f.bearer(next.Access)).AssertJSON(200, `{}`)
	c.Post("/api/token/refresh/", map[string]string{"refresh": refresh}).AssertJSON(401, bodyTokenRevoked)
	c.Get("/api/protected/", f.bearer(next.Access)).AssertJSON(401, bodyTokenRevoked)
}

// sliding is the flow of SlidingToken configurations: one token that logs in, slides and
// is revoked by logging out everywhere (simplejwt has no sliding logout).
func (f flow) sliding() {
	t, c := f.t, f.c
	var body struct{ Token string }
	resp := c.Post("/api/token/sliding/", map[string]string{"username": "alice", "password": "wonderland-42"})
	if resp.Status != 200 {
		t.Fatalf("sliding login: %d %s", resp.Status, resp)
	}
	resp.JSON(&body)
	f.checkClaims("the sliding token", body.Token)
	c.Get("/api/protected/", f.bearer(body.Token)).AssertJSON(200, bodyHello)
	c.Post("/api/token/verify/", map[string]string{"token": body.Token}).AssertJSON(200, `{}`)
	resp = c.Post("/api/token/sliding/refresh/", map[string]string{"token": body.Token})
	if resp.Status != 200 {
		t.Fatalf("sliding refresh: %d %s", resp.Status, resp)
	}
	var slid struct{ Token string }
	resp.JSON(&slid)
	f.checkClaims("the slid token", slid.Token)
	c.Get("/api/protected/", f.bearer(slid.Token)).AssertJSON(200, bodyHello)

	// Logging out everywhere blacklists the sliding token (it is on record as outstanding).
	c.Post("/api/token/logout-all/", nil, f.bearer(slid.Token)).AssertJSON(200, `{}`)
	c.Post("/api/token/sliding/refresh/", map[string]string{"token": slid.Token}).AssertJSON(401, bodyBlacklisted)
	resp = c.Get("/api/protected/", f.bearer(slid.Token))
	var refused struct {
		Code     string
		Messages []struct{ Message string } `json:"messages"`
	}
	resp.JSON(&refused)
	if resp.Status != 401 || refused.Code != "token_not_valid" || len(refused.Messages) == 0 || refused.Messages[0].Message != "Token is blacklisted" {
		t.Errorf("the logged-out sliding token at the protected view: %d %s", resp.Status, resp)
	}
}

// An AUTH_COOKIE_PATH the browser would not send to the refresh and logout endpoints stops
// the app at start, naming the setting; one that covers them starts.
func TestCookiePathMustCoverTheTokenEndpoints(t *testing.T) {
	for _, c := range []struct {
		path string
		ok   bool
	}{
		{"/api/token/", true}, {"/api/", true}, {"/", true}, {"/api/token", true}, {"/api/token/refresh/", false},
		{"/api/tok", false}, {"/auth/", false},
	} {
		t.Run(c.path, func(t *testing.T) {
			st := testSettings()
			st.Sessions.Cookie.Enabled, st.Sessions.Cookie.Path = true, c.path
			_, err := urls.NewApp(st, testDB(t), urls.Options{Logger: discardLogger()})
			switch {
			case c.ok && err != nil:
				t.Errorf("refused: %v", err)
			case !c.ok && (err == nil || !strings.Contains(err.Error(), "AUTH_COOKIE_PATH")):
				t.Errorf("NewApp error = %v, want one naming AUTH_COOKIE_PATH", err)
			}
		})
	}
}
