package tokens_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ginrest/tokens"
)

// jwkOf is the public JWK of a test key, as a map so tests can change any member.
func jwkOf(t *testing.T, alg, kid string, other bool) map[string]any {
	t.Helper()
	b := newBackend(t, newClock(), asymmetric(alg, privatePEM(t, keyFor(t, alg, other)), nil))
	raw, _ := json.Marshal(b.JWKS().Keys[0])
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	m["kid"] = kid
	return m
}

func jwksDoc(keys ...map[string]any) string {
	raw, _ := json.Marshal(map[string]any{"keys": keys})
	return string(raw)
}

// with is a copy of a JWK with members changed; a nil value removes one.
func with(jwk map[string]any, changes map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range jwk {
		out[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestParseJWKS(t *testing.T) {
	rsaJWK := jwkOf(t, "RS256", "r1", false)
	ecJWK := jwkOf(t, "ES256", "e1", false)
	edJWK := jwkOf(t, "EdDSA", "d1", false)
	weak := testKeys()["rsa1024"].Public().(*rsa.PublicKey)
	weakJWK := with(rsaJWK, map[string]any{"n": b64url(weak.N.Bytes())})
	// A point off the curve: x of the real key, y changed.
	y := []byte(ecJWK["y"].(string))
	y[3] ^= 'A' ^ 'B'
	if y[3] == ecJWK["y"].(string)[3] {
		y[3] = 'C'
	}
	offCurve := with(ecJWK, map[string]any{"y": string(y)})
	tests := []struct {
		name    string
		alg     string
		doc     string
		want    []string // the kids kept
		wantErr bool
	}{
		{"RSA", "RS256", jwksDoc(rsaJWK), []string{"r1"}, false},
		{"RSA for PS512", "PS512", jwksDoc(with(rsaJWK, map[string]any{"alg": nil})), []string{"r1"}, false},
		{"EC", "ES256", jwksDoc(ecJWK), []string{"e1"}, false},
		{"OKP", "EdDSA", jwksDoc(edJWK), []string{"d1"}, false},
		{"only the keys of the algorithm's kind", "ES256", jwksDoc(rsaJWK, ecJWK, edJWK), []string{"e1"}, false},
		{"no use and no alg", "RS256", jwksDoc(with(rsaJWK, map[string]any{"use": nil, "alg": nil})), []string{"r1"}, false},
		{"key_ops with verify", "RS256", jwksDoc(with(rsaJWK, map[string]any{"key_ops": []string{"verify"}})), []string{"r1"}, false},
		{"unknown members are ignored", "RS256", jwksDoc(with(rsaJWK, map[string]any{"x5t": "abc", "ext": true})), []string{"r1"}, false},

		{"no kid", "RS256", jwksDoc(with(rsaJWK, map[string]any{"kid": nil})), nil, false},
		{"empty kid", "RS256", jwksDoc(with(rsaJWK, map[string]any{"kid": ""})), nil, false},
		{"kid not a string", "RS256", jwksDoc(with(rsaJWK, map[string]any{"kid": 5})), nil, false},
		{"use enc", "RS256", jwksDoc(with(rsaJWK, map[string]any{"use": "enc"})), nil, false},
		{"use not a string", "RS256", jwksDoc(with(rsaJWK, map[string]any{"use": true})), nil, false},
		{"another alg", "RS256", jwksDoc(with(rsaJWK, map[string]any{"alg": "RS512"})), nil, false},
		{"alg HS256 on an RSA key", "RS256", jwksDoc(with(rsaJWK, map[string]any{"alg": "HS256"})), nil, false},
		{"key_ops without verify", "RS256", jwksDoc(with(rsaJWK, map[string]any{"key_ops": []string{"encrypt"}})), nil, false},
		{"a symmetric key", "RS256", jwksDoc(map[string]any{"kty": "oct", "kid": "o1", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}), nil, false},
		{"kty in capitals", "RS256", jwksDoc(with(rsaJWK, map[string]any{"kty": "rsa"})), nil, false},
		{"member names are exact", "RS256", jwksDoc(with(rsaJWK, map[string]any{"n": nil, "N": rsaJWK["n"]})), nil, false},
		{"a 1024-bit RSA key", "RS256", jwksDoc(weakJWK), nil, false},
		{"RSA exponent 1", "RS256", jwksDoc(with(rsaJWK, map[string]any{"e": "AQ"})), nil, false},
		{"RSA exponent even", "RS256", jwksDoc(with(rsaJWK, map[string]any{"e": "AQAA"})), nil, false},
		{"RSA exponent too long", "RS256", jwksDoc(with(rsaJWK, map[string]any{"e": "AQAAAAAB"})), nil, false},
		{"RSA modulus with padding", "RS256", jwksDoc(with(rsaJWK, map[string]any{"n": rsaJWK["n"].(string) + "=="})), nil, false},
		{"RSA modulus in standard base64", "RS256", jwksDoc(with(rsaJWK, map[string]any{"n": "+" + rsaJWK["n"].(string)[1:]})), nil, false},
		{"EC of another curve", "ES384", jwksDoc(ecJWK), nil, false},
		{"EC crv renamed", "ES384", jwksDoc(with(ecJWK, map[string]any{"crv": "P-384"})), nil, false},
		{"EC point off the curve", "ES256", jwksDoc(offCurve), nil, false},
		{"EC x too short", "ES256", jwksDoc(with(ecJWK, map[string]any{"x": b64url(make([]byte, 31))})), nil, false},
		{"EC without y", "ES256", jwksDoc(with(ecJWK, map[string]any{"y": nil})), nil, false},
		{"OKP of another curve", "EdDSA", jwksDoc(with(edJWK, map[string]any{"crv": "X25519"})), nil, false},
		{"OKP x of 31 bytes", "EdDSA", jwksDoc(with(edJWK, map[string]any{"x": b64url(make([]byte, 31))})), nil, false},
		{"a kid twice is neither", "RS256", jwksDoc(rsaJWK, with(jwkOf(t, "RS256", "r1", true), nil), with(jwkOf(t, "RS256", "r2", true), nil)), []string{"r2"}, false},
		{"a kid three times is none", "EdDSA", jwksDoc(edJWK, edJWK, edJWK), nil, false},
		{"an entry not an object is skipped", "EdDSA", `{"keys":[1,"x",null,[],` + jwksDoc(edJWK)[9:], []string{"d1"}, false},
		{"no keys", "RS256", `{"keys":[]}`, nil, false},

		{"not JSON", "RS256", `{"keys":`, nil, true},
		{"not an object", "RS256", `[]`, nil, true},
		{"null", "RS256", `null`, nil, true},
		{"keys missing", "RS256", `{}`, nil, true},
		{"KEYS in capitals", "RS256", `{"KEYS":[]}`, nil, true},
		{"keys not an array", "RS256", `{"keys":{}}`, nil, true},
		{"keys null", "RS256", `{"keys":null}`, nil, true},
		{"too many keys", "EdDSA", `{"keys":[` + strings.Repeat("{},", 100) + `{}]}`, nil, true},
		{"an unsupported algorithm", "none", jwksDoc(edJWK), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := tokens.ParseJWKS([]byte(tt.doc), tt.alg)
			if tt.wantErr {
				if err == nil {
					t.Errorf("ParseJWKS = %v, want an error", keys)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJWKS: %v", err)
			}
			if len(keys) != len(tt.want) {
				t.Errorf("kept %d keys %v, want %v", len(keys), keys, tt.want)
			}
			for _, kid := range tt.want {
				if _, ok := keys[kid]; !ok {
					t.Errorf("kid %q missing from %v", kid, keys)
				}
			}
		})
	}
}

// keyServer is a JWK_URL: it serves whatever set it is given, and counts requests.
type keyServer struct {
	*httptest.Server
	mu      sync.Mutex
	doc     string
	status  int
	fetches atomic.Int32
}

func newKeyServer(t *testing.T, doc string) *keyServer {
	ks := &keyServer{doc: doc, status: http.StatusOK}
	ks.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ks.fetches.Add(1)
		ks.mu.Lock()
		doc, status := ks.doc, ks.status
		ks.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, doc)
	}))
	t.Cleanup(ks.Close)
	return ks
}

func (ks *keyServer) serve(doc string, status int) {
	ks.mu.Lock()
	ks.doc, ks.status = doc, status
	ks.mu.Unlock()
}

// TestJWKURL: keys fetched from JWK_URL verify tokens by kid; the set is cached, fetched
// again when stale or for an unknown kid, never more than once per JWKS_MIN_REFETCH_INTERVAL,
// and never from a URL a token names.
func TestJWKURL(t *testing.T) {
	c := newClock()
	issuerKey := keyFor(t, "RS256", true)
	issuer := func(kid string) *tokens.Backend {
		return newBackend(t, c, asymmetric("RS256", privatePEM(t, issuerKey), func(cfg *tokens.Config) { cfg.KeyID = kid }))
	}
	ks := newKeyServer(t, jwksDoc(jwkOf(t, "RS256", "ext-1", true)))
	b := newBackend(t, c, asymmetric("RS256", privatePEM(t, keyFor(t, "RS256", false)), func(cfg *tokens.Config) {
		cfg.JWKURL, cfg.JWKSRefresh, cfg.JWKSMinRefetch = ks.URL, 5*time.Minute, 30*time.Second
	}))
	sign := func(iss *tokens.Backend) string {
		raw, err := iss.Encode(iss.ForUser(1)) // refresh tokens: a day's lifetime outlasts the steps
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	ext1 := issuer("ext-1")
	check := func(step, raw string, valid bool, fetches int32) {
		t.Helper()
		_, err := b.Parse(raw, tokens.Refresh)
		if (err == nil) != valid {
			t.Errorf("%s: Parse error = %v, want valid %v", step, err, valid)
		}
		if got := ks.fetches.Load(); got != fetches {
			t.Errorf("%s: %d fetches, want %d", step, got, fetches)
		}
	}
	own, _ := b.Encode(b.ForUser(1))
	check("a token of our own key: no fetch", own, true, 0)
	first := sign(ext1)
	check("the issuer's token: the first fetch", first, true, 1)
	check("the same token again", first, true, 1)
	check("another token of the same kid: the key is cached", sign(ext1), true, 1)
	check("an unknown kid right after a fetch: no fetch", sign(issuer("made-up-1")), false, 1)
	c.Advance(30 * time.Second)
	check("an unknown kid 30s later: one fetch", sign(issuer("made-up-2")), false, 2)
	for i := 0; i < 20; i++ {
		check("a flood of unknown kids: no more fetches", sign(issuer(fmt.Sprint("flood-", i))), false, 2)
	}

	// The issuer publishes a second key: found on the next allowed fetch.
	ks.serve(jwksDoc(jwkOf(t, "RS256", "ext-1", true), jwkOf(t, "RS256", "ext-2", true)), http.StatusOK)
	ext2 := issuer("ext-2")
	check("a new kid within the interval: not yet", sign(ext2), false, 2)
	c.Advance(30 * time.Second)
	check("a new kid after the interval: fetched", sign(ext2), true, 3)

	// jku and x5u are refused without a fetch, even when they name the JWK_URL itself.
	parts := strings.Split(sign(ext1), ".")
	for _, h := range []string{`{"alg":"RS256","kid":"ext-1","jku":"` + ks.URL + `"}`, `{"alg":"RS256","kid":"ext-1","x5u":"` + ks.URL + `"}`} {
		check("header "+h, b64(h)+"."+parts[1]+"."+parts[2], false, 3)
	}
	// A token without kid is verified with our own key only.
	check("the issuer's token without kid", craftSigned(t, "RS256", `{"alg":"RS256","typ":"JWT"}`, parts[1], issuerKey), false, 3)

	// The issuer withdraws ext-1: once the set is stale, it is fetched again and tokens of
	// ext-1 stop verifying, those remembered as verified included.
	ks.serve(jwksDoc(jwkOf(t, "RS256", "ext-2", true)), http.StatusOK)
	remembered := sign(ext1)
	check("ext-1 while the set is fresh", remembered, true, 3)
	c.Advance(5 * time.Minute)
	check("ext-1 once the set is stale: fetched, withdrawn", remembered, false, 4)
	check("ext-2 still verifies", sign(ext2), true, 4)

	// A failing key server: the keys fetched last are kept, and it is not hammered.
	ks.serve(`oops`, http.StatusInternalServerError)
	c.Advance(5 * time.Minute)
	check("the set is stale and the server fails: the old keys still verify", sign(ext2), true, 5)
	check("and no second request within the interval", sign(ext2), true, 5)
	ks.serve(`{"keys":"not a list"}`, http.StatusOK)
	c.Advance(time.Minute)
	check("a malformed set is a failure too", sign(ext2), true, 6)
	check("an unknown kid while failing", sign(issuer("made-up-3")), false, 6)
}

// craftSigned signs a header and an encoded payload with a key, for tokens Encode would not make.
func craftSigned(t *testing.T, alg, header, payload string, k any) string {
	t.Helper()
	signing := b64(header) + "." + payload
	sig, err := jwtMethod(alg).Sign(signing, k)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + b64url(sig)
}

// TestJWKURLTimeout: a key server that does not answer costs one request of at most
// JWKS_FETCH_TIMEOUT, and the token is refused.
func TestJWKURLTimeout(t *testing.T) {
	release := make(chan struct{})
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	c := newClock()
	b := newBackend(t, c, asymmetric("EdDSA", privatePEM(t, keyFor(t, "EdDSA", false)), func(cfg *tokens.Config) {
		cfg.JWKURL, cfg.JWKSTimeout = srv.URL, 50*time.Millisecond
	}))
	issuer := newBackend(t, c, asymmetric("EdDSA", privatePEM(t, keyFor(t, "EdDSA", true)), func(cfg *tokens.Config) { cfg.KeyID = "ext" }))
	raw, _ := issuer.Encode(issuer.New(tokens.Access))
	for i := 0; i < 3; i++ {
		if _, err := b.Parse(raw, tokens.Access); err == nil || err.Error() != tokens.MsgInvalid {
			t.Errorf("Parse = %v, want %q", err, tokens.MsgInvalid)
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches, want 1", n)
	}
}

// FuzzJWKS feeds arbitrary documents to ParseJWKS: it never panics, and every key it keeps
// has a kid and is of the algorithm's kind, curve and size.
func FuzzJWKS(f *testing.F) {
	for _, seed := range []string{
		`{"keys":[]}`, `{}`, `[]`, `null`, `{"keys":[{}]}`,
		`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`,
		`{"keys":[{"kty":"EC","crv":"P-256","kid":"e","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`,
		`{"keys":[{"kty":"RSA","kid":"r","alg":"RS256","use":"sig","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}]}`,
		`{"keys":[{"kty":"oct","kid":"o","k":"AAAA"}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, alg := range []string{"RS256", "PS384", "ES256", "ES512", "EdDSA", "HS256"} {
			keys, err := tokens.ParseJWKS(data, alg)
			if err != nil {
				if keys != nil {
					t.Fatalf("ParseJWKS(%s) returned keys with its error", alg)
				}
				continue
			}
			for kid, key := range keys {
				if kid == "" {
					t.Fatalf("ParseJWKS(%s) kept a key without kid", alg)
				}
				switch k := key.(type) {
				case *rsa.PublicKey:
					if (alg[0] != 'R' && alg[0] != 'P') || k.N.BitLen() < 2048 || k.E < 3 || k.E%2 == 0 {
						t.Fatalf("ParseJWKS(%s) kept an RSA key of %d bits, e %d", alg, k.N.BitLen(), k.E)
					}
				case *ecdsa.PublicKey:
					want := map[string]string{"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[alg]
					if k.Curve.Params().Name != want || !k.Curve.IsOnCurve(k.X, k.Y) {
						t.Fatalf("ParseJWKS(%s) kept an EC key on %s", alg, k.Curve.Params().Name)
					}
				case ed25519.PublicKey:
					if alg != "EdDSA" || len(k) != ed25519.PublicKeySize {
						t.Fatalf("ParseJWKS(%s) kept an Ed25519 key", alg)
					}
				default:
					t.Fatalf("ParseJWKS(%s) kept a %T", alg, key)
				}
			}
		}
	})
}
