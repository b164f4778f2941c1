package tests

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"

	"ginrest/hashers"
	"ginrest/models"
	"ginrest/settings"
	"ginrest/socialaccount"
	"ginrest/tokenserializers"
)

// OpenID Connect login (docs/oidc.md) against an in-process provider on a loopback port:
// mockoidc serves discovery, the keys and the code flow; the tests sign their own ID
// tokens with its key to choose every claim.

// oidcProvider starts a provider, stopped at the end of the test.
func oidcProvider(t *testing.T) *mockoidc.MockOIDC {
	t.Helper()
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m
}

// oidcProviderCountingTokens is oidcProvider counting the requests to its token endpoint.
func oidcProviderCountingTokens(t *testing.T) (*mockoidc.MockOIDC, *atomic.Int64) {
	t.Helper()
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	calls := new(atomic.Int64)
	err = m.AddMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == mockoidc.TokenEndpoint {
				calls.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return m, calls
}

// deadIssuer is an issuer URL on a loopback port nothing listens on.
func deadIssuer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr + "/oidc"
}

// withOIDC configures the provider "mock" (m, trusting example.com and creating users) and
// the provider "down" (nothing listening).
func withOIDC(m *mockoidc.MockOIDC, down string) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.OIDC.Timeout = 2 * time.Second
		s.OIDC.Providers = []settings.OIDCProvider{
			{Name: "mock", Issuer: m.Issuer(), ClientID: m.ClientID, ClientSecret: m.ClientSecret,
				Scopes: []string{"openid", "email"}, AllowedDomains: []string{"example.com"}, CreateUsers: true},
			{Name: "down", Issuer: down, ClientID: "app"},
		}
	}
}

// idToken is an ID token of m for the server's clock; change adjusts its claims.
func idToken(t *testing.T, s *server, m *mockoidc.MockOIDC, sub, email string, change ...func(jwt.MapClaims)) string {
	t.Helper()
	now := s.Clock.Now()
	claims := jwt.MapClaims{"iss": m.Issuer(), "aud": m.ClientID, "sub": sub, "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"email": email, "email_verified": true}
	for _, f := range change {
		f(claims)
	}
	raw, err := m.Keypair.SignJWT(claims)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func oidcLogin(s *server, provider, raw string) req {
	return jsonReq("POST", "/api/auth/"+provider+"/token/", "", `{"id_token":"`+raw+`"}`)
}

// linkedUser is the user linked to (m's issuer, sub), 0 for none.
func linkedUser(t *testing.T, s *server, m *mockoidc.MockOIDC, sub string) int64 {
	t.Helper()
	var links []models.SocialAccount
	if err := s.App.DB.Where("provider = ? AND uid = ?", m.Issuer(), sub).Find(&links).Error; err != nil {
		t.Fatal(err)
	}
	if len(links) == 0 {
		return 0
	}
	return links[0].UserID
}

func TestOIDCLogin(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)))
	bob := s.createUser("bob", "pw-bob-123", func(u *models.User) { u.Email = "Bob@Example.com" })

	// First login makes the user; the second finds it by the link, whatever the email says.
	rec := s.do(oidcLogin(s, "mock", idToken(t, s, m, "sub-ann", "ann@example.com")))
	if rec.Code != http.StatusOK || bodyMap(t, rec)["access"] == nil || bodyMap(t, rec)["refresh"] == nil {
		t.Fatalf("first login: %d %s, want a pair", rec.Code, rec.Body)
	}
	ann := linkedUser(t, s, m, "sub-ann")
	if ann == 0 {
		t.Fatal("first login linked no user")
	}
	user, err := s.App.Users.ByID(context.Background(), ann)
	if err != nil || user.Email != "ann@example.com" || user.Username != "ann@example.com" || hashers.IsUsable(user.Password) {
		t.Errorf("created user %+v (%v): want ann@example.com with an unusable password", user, err)
	}
	rec = s.do(oidcLogin(s, "mock", idToken(t, s, m, "sub-ann", "ann.new@elsewhere.test")))
	if rec.Code != http.StatusOK {
		t.Fatalf("second login: %d %s", rec.Code, rec.Body)
	}
	access := bodyMap(t, rec)["access"].(string)
	if got := s.getWith("/api/protected/", access); got.Code != http.StatusOK {
		t.Errorf("the access token of an OIDC login: %d %s", got.Code, got.Body)
	}
	if again := linkedUser(t, s, m, "sub-ann"); again != ann {
		t.Errorf("second login linked user %d, want %d", again, ann)
	}

	// A provider's claims are input: an email and names longer than auth_user's columns
	// make a user that fits them, not a 500 (PostgreSQL refuses longer values).
	long := strings.Repeat("l", 200) + "@example.com"
	rec = s.do(oidcLogin(s, "mock", idToken(t, s, m, "sub-long", long, func(c jwt.MapClaims) {
		c["given_name"], c["family_name"] = strings.Repeat("G", 300), strings.Repeat("F", 300)
	})))
	if rec.Code != http.StatusOK {
		t.Fatalf("login with a 212-character email: %d %s", rec.Code, rec.Body)
	}
	if long, err := s.App.Users.ByID(context.Background(), linkedUser(t, s, m, "sub-long")); err != nil ||
		len(long.Username) != 150 || long.Email != strings.Repeat("l", 200)+"@example.com" || len(long.FirstName) != 150 || len(long.LastName) != 150 {
		t.Errorf("user of a long identity: %+v, %v; want username and names cut to 150, the email kept", long, err)
	}

	// A verified email of a trusted domain links the user who has it (in any case).
	if rec := s.do(oidcLogin(s, "mock", idToken(t, s, m, "sub-bob", "bob@example.com"))); rec.Code != http.StatusOK {
		t.Fatalf("login by email: %d %s", rec.Code, rec.Body)
	}
	if got := linkedUser(t, s, m, "sub-bob"); got != bob.ID {
		t.Errorf("login by email linked user %d, want bob (%d)", got, bob.ID)
	}

	invalid := func(msg string) string { return `{"detail":"` + msg + `","code":"token_not_valid"}` }
	refused := func(msg string) string { return `{"detail":"` + msg + `"}` }
	other, err := mockoidc.RandomKeypair(2048)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := other.SignJWT(jwt.MapClaims{"iss": m.Issuer(), "aud": m.ClientID, "sub": "sub-ann", "exp": s.Clock.Now().Add(time.Minute).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		r      req
		status int
		want   string
	}{
		{"another audience", oidcLogin(s, "mock", idToken(t, s, m, "sub-ann", "ann@example.com", func(c jwt.MapClaims) { c["aud"] = "another-app" })),
			401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"another issuer", oidcLogin(s, "mock", idToken(t, s, m, "sub-ann", "ann@example.com", func(c jwt.MapClaims) { c["iss"] = "https://evil.test" })),
			401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"expired", oidcLogin(s, "mock", idToken(t, s, m, "sub-ann", "ann@example.com", func(c jwt.MapClaims) { c["exp"] = s.Clock.Now().Add(-time.Second).Unix() })),
			401, invalid(socialaccount.MsgIDTokenExpired)},
		{"bad signature", oidcLogin(s, "mock", forged), 401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"not a token", oidcLogin(s, "mock", "x"), 401, invalid(socialaccount.MsgIDTokenInvalid)},
		{"wrong nonce", jsonReq("POST", "/api/auth/mock/token/", "", `{"nonce":"n2","id_token":"`+
			idToken(t, s, m, "sub-ann", "ann@example.com", func(c jwt.MapClaims) { c["nonce"] = "n1" })+`"}`), 401, invalid(socialaccount.MsgNonce)},
		{"unverified email", oidcLogin(s, "mock", idToken(t, s, m, "sub-eve", "eve@example.com", func(c jwt.MapClaims) { c["email_verified"] = false })),
			401, refused(socialaccount.MsgEmailNotVerified)},
		{"domain not allowed", oidcLogin(s, "mock", idToken(t, s, m, "sub-eve", "eve@evil.test")), 401, refused(socialaccount.MsgDomainNotAllowed)},
		{"nothing", jsonReq("POST", "/api/auth/mock/token/", "", `{}`), 400, `{"non_field_errors":["` + tokenserializers.MsgIDTokenOrCode + `"]}`},
		{"provider down", oidcLogin(s, "down", "x"), 503, `{"detail":"The identity provider \"down\" is unavailable. Try again later.","code":"provider_unavailable"}`},
		{"unknown provider", oidcLogin(s, "nope", "x"), 404, `{"detail":"Not found."}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertJSON(t, s.do(tt.r), tt.status, tt.want)
		})
	}
	if got := linkedUser(t, s, m, "sub-eve"); got != 0 {
		t.Errorf("a refused identity was linked to user %d", got)
	}
}

// TestOIDCCode exchanges an authorization code (with PKCE) at the provider's token endpoint.
func TestOIDCCode(t *testing.T) {
	m, tokenCalls := oidcProviderCountingTokens(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)))
	s.Clock.Set(m.Now()) // mockoidc's tokens are of its own clock
	const verifier = "a-code-verifier-of-at-least-forty-three-characters-0123"
	sum := sha256.Sum256([]byte(verifier))
	code := func() string {
		t.Helper()
		q := url.Values{"client_id": {m.ClientID}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"code"},
			"scope": {"openid email profile"}, "state": {"st"}, "nonce": {"n1"},
			"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Get(m.AuthorizationEndpoint() + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		loc, err := url.Parse(resp.Header.Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		return loc.Query().Get("code")
	}
	login := func(code string) req {
		return jsonReq("POST", "/api/auth/mock/token/", "",
			`{"code":"`+code+`","code_verifier":"`+verifier+`","redirect_uri":"https://app.example/cb","nonce":"n1"}`)
	}
	first := code()
	rec := s.do(login(first))
	if rec.Code != http.StatusOK || bodyMap(t, rec)["access"] == nil {
		t.Fatalf("code login: %d %s", rec.Code, rec.Body)
	}
	if linkedUser(t, s, m, mockoidc.DefaultUser().Subject) == 0 {
		t.Error("the code login linked no user")
	}
	// A code works once.
	assertJSON(t, s.do(login(first)), http.StatusUnauthorized,
		`{"detail":"`+socialaccount.MsgCodeRefused+`","code":"token_not_valid"}`)
	// The first exchange learnt how this provider takes the client's secret (mockoidc: in
	// the form, not a header); every later one asks the token endpoint once.
	before := tokenCalls.Load()
	if rec := s.do(login(code())); rec.Code != http.StatusOK {
		t.Fatalf("second code login: %d %s", rec.Code, rec.Body)
	}
	if n := tokenCalls.Load() - before; n != 1 {
		t.Errorf("a later code exchange called the token endpoint %d times, want 1", n)
	}
}

// TestOIDCKeysDown: a provider whose discovery answers but whose keys cannot be fetched is
// down (503), not a refusal of the client's token (401).
func TestOIDCKeysDown(t *testing.T) {
	m := oidcProvider(t)
	var issuer string
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/openid-configuration" {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"issuer":"` + issuer + `","authorization_endpoint":"` + issuer + `/authorize","token_endpoint":"` + issuer +
			`/token","jwks_uri":"` + issuer + `/keys","id_token_signing_alg_values_supported":["RS256"]}`))
	}))
	t.Cleanup(broken.Close)
	issuer = broken.URL
	s := newServer(t, withOIDC(m, issuer))
	raw := idToken(t, s, m, "sub-ann", "ann@example.com", func(c jwt.MapClaims) { c["iss"] = issuer; c["aud"] = "app" })
	assertJSON(t, s.do(oidcLogin(s, "down", raw)), http.StatusServiceUnavailable,
		`{"detail":"The identity provider \"down\" is unavailable. Try again later.","code":"provider_unavailable"}`)
}

// TestOIDCMFA: a user with a confirmed TOTP device gets the mfa step from an OIDC login,
// finished at /api/token/mfa/ as a password login's.
func TestOIDCMFA(t *testing.T) {
	m := oidcProvider(t)
	s := newServer(t, withOIDC(m, deadIssuer(t)))
	s.createUser("alice", mfaPassword, func(u *models.User) { u.Email = "alice@example.com" })
	secret, _ := s.withDevice()
	rec := s.do(oidcLogin(s, "mock", idToken(t, s, m, "sub-alice", "alice@example.com")))
	body := bodyMap(t, rec)
	if rec.Code != http.StatusOK || body["mfa_required"] != true {
		t.Fatalf("oidc login with a device: %d %s, want the mfa step", rec.Code, rec.Body)
	}
	rec = s.postJSON("/api/token/mfa/", map[string]string{"mfa_token": body["mfa_token"].(string), "code": s.codeAt(secret, 0)})
	if rec.Code != http.StatusOK || bodyMap(t, rec)["refresh"] == nil {
		t.Fatalf("mfa exchange: %d %s, want a pair", rec.Code, rec.Body)
	}
}
