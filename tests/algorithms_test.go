package tests

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/settings"
	"ginrest/tokens"
	"ginrest/urls"
)

// Test keys are generated once per test binary (RSA generation is slow) and never stored.
var algKeys = sync.OnceValue(func() map[string]crypto.Signer {
	keys := map[string]crypto.Signer{}
	for _, name := range []string{"rsa", "rsa2"} {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	keys["rsa1024"] = weak
	for _, name := range []string{"p256", "p256b"} {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	for _, name := range []string{"ed", "ed2"} {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	return keys
})

// algKey is the test key for an algorithm; other gives a second one of the same kind.
func algKey(alg string, other bool) crypto.Signer {
	name := map[string]string{"RS256": "rsa", "PS256": "rsa", "ES256": "p256", "EdDSA": "ed"}[alg]
	if other {
		name = map[string]string{"rsa": "rsa2", "p256": "p256b", "ed": "ed2"}[name]
	}
	return algKeys()[name]
}

func privateKeyPEM(t testing.TB, k crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func publicKeyPEM(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// withKey sets ALGORITHM and SIGNING_KEY (PEM text).
func withKey(t testing.TB, alg string, k crypto.Signer) func(*settings.Settings) {
	pemKey := privateKeyPEM(t, k)
	return func(s *settings.Settings) { s.JWT.Algorithm, s.JWT.SigningKey = alg, pemKey }
}

// jwtHeader decodes a token's JOSE header.
func jwtHeader(t testing.TB, token string) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var h map[string]any
	mustJSON(t, raw, &h)
	return h
}

// TestAlgorithmsRoundTrip: with each asymmetric algorithm, the real endpoints obtain,
// authenticate, refresh and verify, and /.well-known/jwks.json publishes the key that a
// consumer (here golang-jwt) verifies the tokens with.
func TestAlgorithmsRoundTrip(t *testing.T) {
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			k := algKey(alg, false)
			s := newServer(t, withKey(t, alg, k))
			s.createUser("alice", "wonderland-42")
			access, refresh := s.login("alice", "wonderland-42")
			h := jwtHeader(t, access)
			kid, _ := h["kid"].(string)
			if h["alg"] != alg || h["typ"] != "JWT" || kid == "" || len(h) != 3 {
				t.Errorf("header = %v", h)
			}
			assertJSON(t, s.getWith("/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`)
			rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
			if rec.Code != 200 {
				t.Fatalf("refresh: %d %s", rec.Code, rec.Body)
			}
			var pair struct{ Access, Refresh string }
			mustJSON(t, rec.Body.Bytes(), &pair)
			assertJSON(t, s.getWith("/api/protected/", pair.Access), 200, `{"message":"Hello, authenticated user!"}`)
			for _, token := range []string{access, pair.Access, pair.Refresh} {
				assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": token}), 200, `{}`)
			}
			// The old refresh token was rotated and blacklisted, whatever the algorithm.
			assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 401,
				`{"detail":"Token is blacklisted","code":"token_not_valid"}`)

			jwks := s.do(req{Method: http.MethodGet, Path: "/.well-known/jwks.json"})
			if jwks.Code != 200 || jwks.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("jwks.json: %d %s", jwks.Code, jwks.Body)
			}
			var doc struct{ Keys []map[string]any }
			mustJSON(t, jwks.Body.Bytes(), &doc)
			if len(doc.Keys) != 1 || doc.Keys[0]["kid"] != kid || doc.Keys[0]["use"] != "sig" || doc.Keys[0]["alg"] != alg {
				t.Fatalf("jwks.json keys = %v", doc.Keys)
			}
			for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
				if _, ok := doc.Keys[0][private]; ok {
					t.Errorf("jwks.json publishes %q", private)
				}
			}
			keys, err := tokens.ParseJWKS(jwks.Body.Bytes(), alg)
			if err != nil || keys[kid] == nil {
				t.Fatalf("ParseJWKS(jwks.json) = %v, %v", keys, err)
			}
			parsed, err := jwt.Parse(pair.Access, func(tok *jwt.Token) (any, error) { return keys[tok.Header["kid"].(string)], nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(s.Clock.Now))
			if err != nil || !parsed.Valid {
				t.Errorf("golang-jwt with the published key: %v", err)
			}
		})
	}
}

// TestAlgorithmAttacks: tokens an attacker can make without the private key are refused,
// by the protected view and by verify, with simplejwt's bodies.
func TestAlgorithmAttacks(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			k := algKey(alg, false)
			s := newServer(t, withKey(t, alg, k))
			u := s.createUser("alice", "wonderland-42")
			access, _ := s.login("alice", "wonderland-42")
			kid := jwtHeader(t, access)["kid"].(string)
			now := s.Clock.Now().Unix()
			payload := fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"0123456789abcdef0123456789abcdef","user_id":%d}`, now+300, now, u.ID)
			publicPEM := publicKeyPEM(t, k.Public())
			publicDER, _ := x509.MarshalPKIXPublicKey(k.Public())
			enc := base64.RawURLEncoding
			signWith := func(header string, signer crypto.Signer, method string) string {
				signing := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
				sig, err := jwt.GetSigningMethod(method).Sign(signing, signer)
				if err != nil {
					t.Fatal(err)
				}
				return signing + "." + enc.EncodeToString(sig)
			}
			attacker := algKey(alg, true)
			attackerBackend, err := tokens.NewBackend(tokens.Config{Algorithm: alg, SigningKey: []byte(privateKeyPEM(t, attacker))})
			if err != nil {
				t.Fatal(err)
			}
			attackerJWKS, _ := json.Marshal(attackerBackend.JWKS())
			attackerJWK, _ := json.Marshal(attackerBackend.JWKS().Keys[0])
			var jkuFetches atomic.Int32
			jku := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				jkuFetches.Add(1)
				w.Write(attackerJWKS)
			}))
			t.Cleanup(jku.Close)

			cases := []struct{ name, token string }{
				{"HS256 with the public key's PEM as the secret", sign(t, `{"alg":"HS256","typ":"JWT"}`, payload, publicPEM)},
				{"HS256 with the public key's PEM, and its kid", sign(t, `{"alg":"HS256","kid":"`+kid+`"}`, payload, publicPEM)},
				{"HS256 with the public key's DER as the secret", sign(t, `{"alg":"HS256","kid":"`+kid+`"}`, payload, string(publicDER))},
				{"HS512 with the public key's PEM", sign(t, `{"alg":"HS512","kid":"`+kid+`"}`, payload, publicPEM)},
				{"alg none", sign(t, `{"alg":"none","typ":"JWT"}`, payload, "")},
				{"alg none with the kid", sign(t, `{"alg":"none","kid":"`+kid+`"}`, payload, "")},
				{"the right alg, no signature", enc.EncodeToString([]byte(`{"alg":"`+alg+`","kid":"`+kid+`"}`)) + "." + enc.EncodeToString([]byte(payload)) + "."},
				{"another key claiming the kid", signWith(`{"alg":"`+alg+`","kid":"`+kid+`"}`, attacker, alg)},
				{"another key, no kid", signWith(`{"alg":"`+alg+`","typ":"JWT"}`, attacker, alg)},
				{"another key under an unknown kid", signWith(`{"alg":"`+alg+`","kid":"attacker"}`, attacker, alg)},
				{"the real key under an unknown kid", signWith(`{"alg":"`+alg+`","kid":"attacker"}`, k, alg)},
				{"another key embedded as jwk", signWith(`{"alg":"`+alg+`","jwk":`+string(attackerJWK)+`}`, attacker, alg)},
				{"another key named by jku", signWith(`{"alg":"`+alg+`","kid":"`+kid+`","jku":"`+jku.URL+`"}`, attacker, alg)},
			}
			if alg == "ES256" {
				signing := enc.EncodeToString([]byte(`{"alg":"ES256","kid":"`+kid+`"}`)) + "." + enc.EncodeToString([]byte(payload))
				digest := sha256.Sum256([]byte(signing))
				der, err := ecdsa.SignASN1(rand.Reader, k.(*ecdsa.PrivateKey), digest[:])
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, struct{ name, token string }{"ES256 signature in ASN.1 DER, by the real key", signing + "." + enc.EncodeToString(der)})
				control := signWith(`{"alg":"ES256","kid":"`+kid+`"}`, k, "ES256")
				assertJSON(t, s.getWith("/api/protected/", control), 200, `{"message":"Hello, authenticated user!"}`)
			}
			// The control: the same payload, signed by the real key under its kid.
			assertJSON(t, s.getWith("/api/protected/", signWith(`{"alg":"`+alg+`","kid":"`+kid+`"}`, k, alg)), 200, `{"message":"Hello, authenticated user!"}`)
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					assertJSON(t, s.getWith("/api/protected/", c.token), 401,
						`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`)
					assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": c.token}), 401,
						`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
				})
			}
			if n := jkuFetches.Load(); n != 0 {
				t.Errorf("the URL a token named was fetched %d times", n)
			}
		})
	}
}

// TestJWKSEndpoint: /.well-known/jwks.json exists only with an asymmetric algorithm, is
// public, and lists the previous keys of a rotation too.
func TestJWKSEndpoint(t *testing.T) {
	t.Run("HS256: no such route", func(t *testing.T) {
		s := newServer(t)
		assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/.well-known/jwks.json"}), 404, `{"detail":"Not found."}`)
	})
	t.Run("HS256 with key ids: still none", func(t *testing.T) {
		s := newServer(t, func(s *settings.Settings) {
			s.JWT.SigningKeyID, s.JWT.VerifyingKeys = "b", map[string]string{"a": strings.Repeat("x", 32)}
		})
		assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/.well-known/jwks.json"}), 404, `{"detail":"Not found."}`)
	})
	t.Run("RS256 during a rotation", func(t *testing.T) {
		previous := algKey("RS256", true)
		s := newServer(t, withKey(t, "RS256", algKey("RS256", false)), func(s *settings.Settings) {
			s.JWT.SigningKeyID, s.JWT.VerifyingKeys = "2024-02", map[string]string{"2024-01": publicKeyPEM(t, previous.Public())}
		})
		// A bad bearer token changes nothing: the view authenticates no one.
		rec := s.do(req{Method: http.MethodGet, Path: "/.well-known/jwks.json", Header: map[string]string{"Authorization": "Bearer garbage"}})
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=300" {
			t.Fatalf("jwks.json: %d %v %s", rec.Code, rec.Header(), rec.Body)
		}
		var doc struct {
			Keys []struct{ Kid, Kty, N, E string }
		}
		mustJSON(t, rec.Body.Bytes(), &doc)
		if len(doc.Keys) != 2 || doc.Keys[0].Kid != "2024-02" || doc.Keys[1].Kid != "2024-01" {
			t.Fatalf("keys = %+v", doc.Keys)
		}
		wantN := base64.RawURLEncoding.EncodeToString(previous.Public().(*rsa.PublicKey).N.Bytes())
		if doc.Keys[1].Kty != "RSA" || doc.Keys[1].N != wantN || doc.Keys[1].E != "AQAB" {
			t.Errorf("the previous key is published as %+v", doc.Keys[1])
		}
		assertJSON(t, s.do(req{Method: http.MethodPost, Path: "/.well-known/jwks.json"}), 405, `{"detail":"Method \"POST\" not allowed."}`)
	})
}

// TestKeyRotationOverHTTP: three deployments on one database. The previous key's tokens
// keep working while it is listed in VERIFYING_KEYS, refresh re-signs with the new key,
// and once the previous key is removed its tokens are refused.
func TestKeyRotationOverHTTP(t *testing.T) {
	db := testDB(t)
	oldKey, newKey := algKey("ES256", false), algKey("ES256", true)
	dir := t.TempDir()
	oldPublic := filepath.Join(dir, "2024-01.pub.pem")
	if err := os.WriteFile(oldPublic, []byte(publicKeyPEM(t, oldKey.Public())), 0o600); err != nil {
		t.Fatal(err)
	}
	newPrivate := filepath.Join(dir, "2024-02.pem")
	if err := os.WriteFile(newPrivate, []byte(privateKeyPEM(t, newKey)), 0o600); err != nil {
		t.Fatal(err)
	}
	before := newServerOn(t, db, withKey(t, "ES256", oldKey), func(s *settings.Settings) { s.JWT.SigningKeyID = "2024-01" })
	during := newServerOn(t, db, func(s *settings.Settings) {
		s.JWT.Algorithm, s.JWT.SigningKey, s.JWT.SigningKeyID = "ES256", newPrivate, "2024-02" // a file path
		s.JWT.VerifyingKeys = map[string]string{"2024-01": oldPublic}
	})
	after := newServerOn(t, db, func(s *settings.Settings) {
		s.JWT.Algorithm, s.JWT.SigningKey, s.JWT.SigningKeyID = "ES256", newPrivate, "2024-02"
	})
	before.createUser("alice", "wonderland-42")
	oldAccess, oldRefresh := before.login("alice", "wonderland-42")
	if kid := jwtHeader(t, oldAccess)["kid"]; kid != "2024-01" {
		t.Fatalf("kid = %v", kid)
	}
	hello := `{"message":"Hello, authenticated user!"}`
	assertJSON(t, during.getWith("/api/protected/", oldAccess), 200, hello)
	rec := during.postJSON("/api/token/refresh/", map[string]string{"refresh": oldRefresh})
	if rec.Code != 200 {
		t.Fatalf("refresh with the previous key's token: %d %s", rec.Code, rec.Body)
	}
	var pair struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &pair)
	for _, token := range []string{pair.Access, pair.Refresh} {
		if kid := jwtHeader(t, token)["kid"]; kid != "2024-02" {
			t.Errorf("a refreshed token has kid %v, want the new key's", kid)
		}
	}
	assertJSON(t, after.getWith("/api/protected/", pair.Access), 200, hello)
	assertJSON(t, after.getWith("/api/protected/", oldAccess), 401,
		`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`)
	assertJSON(t, after.postJSON("/api/token/verify/", map[string]string{"token": oldAccess}), 401, `{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
	assertJSON(t, before.getWith("/api/protected/", pair.Access), 401,
		`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`)
}

// TestJWKURLOverHTTP: with JWK_URL, the protected view accepts tokens of another issuer
// whose key its set publishes, by kid, and still its own; the set is fetched once, and a
// stream of unknown kids does not turn into a stream of fetches.
func TestJWKURLOverHTTP(t *testing.T) {
	issuerKey := algKey("EdDSA", true)
	issuerSet, err := tokens.NewBackend(tokens.Config{Algorithm: "EdDSA", SigningKey: []byte(privateKeyPEM(t, issuerKey)), KeyID: "issuer-1"})
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := json.Marshal(issuerSet.JWKS())
	var fetches atomic.Int32
	keyServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(doc)
	}))
	t.Cleanup(keyServer.Close)

	s := newServer(t, withKey(t, "EdDSA", algKey("EdDSA", false)), func(s *settings.Settings) { s.JWT.JWKURL = keyServer.URL + "/jwks.json" })
	u := s.createUser("alice", "wonderland-42")
	issuer := func(kid string) *tokens.Backend {
		b, err := tokens.NewBackend(tokens.Config{Algorithm: "EdDSA", SigningKey: []byte(privateKeyPEM(t, issuerKey)), KeyID: kid,
			AccessLifetime: 5 * time.Minute, RefreshLifetime: time.Hour, TokenTypeClaim: "token_type", JTIClaim: "jti", UserIDClaim: "user_id",
			Now: s.Clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	accessFor := func(b *tokens.Backend) string {
		tok := b.New(tokens.Access)
		tok.Set("user_id", u.ID)
		raw, err := b.Encode(tok)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	hello := `{"message":"Hello, authenticated user!"}`
	own, _ := s.login("alice", "wonderland-42")
	assertJSON(t, s.getWith("/api/protected/", own), 200, hello)
	if n := fetches.Load(); n != 0 {
		t.Errorf("our own token made %d fetches", n)
	}
	assertJSON(t, s.getWith("/api/protected/", accessFor(issuer("issuer-1"))), 200, hello)
	assertJSON(t, s.getWith("/api/protected/", accessFor(issuer("issuer-1"))), 200, hello)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": accessFor(issuer("issuer-1"))}), 200, `{}`)
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches for one issuer key, want 1", n)
	}
	s.Clock.Advance(time.Minute) // past JWKS_MIN_REFETCH_INTERVAL (30s): one refetch allowed
	for i := 0; i < 10; i++ {
		rec := s.getWith("/api/protected/", accessFor(issuer(fmt.Sprint("made-up-", i))))
		if rec.Code != 401 {
			t.Errorf("an unknown kid: %d %s", rec.Code, rec.Body)
		}
	}
	if n := fetches.Load(); n != 2 {
		t.Errorf("%d fetches after 10 unknown kids, want 2", n)
	}
}

// TestKeyErrorsStopTheApp: a key configuration that cannot work stops urls.NewApp, which
// every command that serves builds at start, with the variable named.
func TestKeyErrorsStopTheApp(t *testing.T) {
	db := testDB(t)
	weak := algKeys()["rsa1024"]
	cases := []struct {
		name     string
		change   func(*settings.Settings)
		variable string
	}{
		{"RS256 without keys", func(s *settings.Settings) { s.JWT.Algorithm = "RS256" }, "SIGNING_KEY"},
		{"an EC key for RS256", withKey(t, "RS256", algKey("ES256", false)), "SIGNING_KEY"},
		{"a 1024-bit RSA key", withKey(t, "RS256", weak), "SIGNING_KEY"},
		{"an Ed25519 key for ES256", withKey(t, "ES256", algKey("EdDSA", false)), "SIGNING_KEY"},
		{"a P-256 key for ES384", withKey(t, "ES384", algKey("ES256", false)), "SIGNING_KEY"},
		{"unreadable PEM", func(s *settings.Settings) {
			s.JWT.Algorithm, s.JWT.SigningKey = "EdDSA", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
		}, "SIGNING_KEY"},
		{"a missing key file", func(s *settings.Settings) { s.JWT.Algorithm, s.JWT.SigningKey = "EdDSA", "/no/such/key.pem" }, "SIGNING_KEY"},
		{"VERIFYING_KEY of another key", func(s *settings.Settings) {
			withKey(t, "EdDSA", algKey("EdDSA", false))(s)
			s.JWT.VerifyingKey = publicKeyPEM(t, algKey("EdDSA", true).Public())
		}, "VERIFYING_KEY"},
		{"VERIFYING_KEYS of the wrong type", func(s *settings.Settings) {
			withKey(t, "EdDSA", algKey("EdDSA", false))(s)
			s.JWT.VerifyingKeys = map[string]string{"old": publicKeyPEM(t, algKey("RS256", false).Public())}
		}, "VERIFYING_KEYS"},
		{"HS512 with a short key", func(s *settings.Settings) { s.JWT.Algorithm, s.JWT.SigningKey = "HS512", strings.Repeat("s", 40) }, "SIGNING_KEY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := testSettings()
			c.change(s)
			app, err := urls.NewApp(s, db, urls.Options{Logger: discardLogger()})
			if err == nil {
				t.Fatalf("NewApp accepted it: %v", app)
			}
			if !strings.Contains(err.Error(), c.variable) {
				t.Errorf("error %q does not name %s", err, c.variable)
			}
		})
	}
}

// The protected view with each algorithm: after the first request the verified-token
// memory answers, so asymmetric signatures cost no more than HS256 per request.
func BenchmarkProtectedViewAlgorithms(b *testing.B) {
	for _, alg := range []string{"HS256", "RS256", "ES256", "EdDSA"} {
		b.Run(alg, func(b *testing.B) {
			var change []func(*settings.Settings)
			if alg != "HS256" {
				change = append(change, withKey(b, alg, algKey(alg, false)))
			}
			s := newServer(b, change...)
			s.createUser("alice", "wonderland-42")
			access, _ := s.login("alice", "wonderland-42")
			serve(b, s.Handler, "Bearer "+access)
		})
	}
}
