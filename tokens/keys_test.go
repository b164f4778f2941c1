package tokens_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/tokens"
)

var asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// headerOf decodes a token's JOSE header.
func headerOf(t *testing.T, raw string) string {
	t.Helper()
	h, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

// TestAsymmetricAlgorithms signs and verifies with every asymmetric algorithm, and checks
// each token with golang-jwt's own parser too, so ginrest's tokens are standard JWS.
func TestAsymmetricAlgorithms(t *testing.T) {
	for _, alg := range asymmetricAlgs {
		t.Run(alg, func(t *testing.T) {
			c := newClock()
			k := keyFor(t, alg, false)
			b := newBackend(t, c, asymmetric(alg, privatePEM(t, k), nil))
			raw, err := b.Encode(b.ForUser(7))
			if err != nil {
				t.Fatal(err)
			}
			kid := b.KeyID()
			if kid == "" || kid != b.JWKS().Keys[0].Kid {
				t.Fatalf("KeyID = %q, JWKS kid %q", kid, b.JWKS().Keys[0].Kid)
			}
			if got, want := headerOf(t, raw), `{"alg":"`+alg+`","kid":"`+kid+`","typ":"JWT"}`; got != want {
				t.Errorf("header = %s, want %s", got, want)
			}
			for i := 0; i < 2; i++ { // the second time from the verified-token memory
				if tok, err := b.Parse(raw, tokens.Refresh); err != nil || str(tok.Claims["user_id"]) != "7" {
					t.Fatalf("Parse #%d = %v, %v", i, tok, err)
				}
			}
			parsed, err := jwt.Parse(raw, func(*jwt.Token) (any, error) { return k.Public(), nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(c.Now))
			if err != nil || !parsed.Valid {
				t.Errorf("golang-jwt refuses the token: %v", err)
			}

			parts := strings.Split(raw, ".")
			tampered := parts[0] + "." + b64(`{"token_type":"refresh","exp":9999999999,"jti":"x","user_id":1}`) + "." + parts[2]
			// Another key of the same kind, claiming the same kid: the kid selects the key,
			// the signature must still be by that key.
			impostor := newBackend(t, c, asymmetric(alg, privatePEM(t, keyFor(t, alg, true)), func(cfg *tokens.Config) { cfg.KeyID = kid }))
			forged, _ := impostor.Encode(impostor.ForUser(7))
			for name, bad := range map[string]string{"tampered payload": tampered, "another key, same kid": forged,
				"signature of another token": parts[0] + "." + parts[1] + "." + strings.Split(forged, ".")[2]} {
				if _, err := b.Parse(bad, tokens.Refresh); err == nil || err.Error() != tokens.MsgInvalid {
					t.Errorf("%s: Parse error = %v, want %q", name, err, tokens.MsgInvalid)
				}
			}
		})
	}
}

// TestECDSASignatureForm: JWS ECDSA signatures are r||s of the curve's size (RFC 7518
// §3.4); the ASN.1 DER form other libraries produce is refused.
func TestECDSASignatureForm(t *testing.T) {
	c := newClock()
	k := keyFor(t, "ES256", false).(*ecdsa.PrivateKey)
	b := newBackend(t, c, asymmetric("ES256", privatePEM(t, k), nil))
	raw, _ := b.Encode(b.New(tokens.Access))
	signing := raw[:strings.LastIndexByte(raw, '.')]
	digest := sha256.Sum256([]byte(signing))
	der, err := ecdsa.SignASN1(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	r, s, err := ecdsa.Sign(rand.Reader, k, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	joseSig := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	short := append(r.Bytes(), s.Bytes()...) // unpadded: wrong length unless both are 32 bytes
	tests := []struct {
		name  string
		sig   []byte
		valid bool
	}{
		{"control: r||s, 64 bytes", joseSig, true},
		{"ASN.1 DER", der, false},
		{"r||s with a byte more", append(append([]byte{}, joseSig...), 0), false},
		{"r||s truncated", joseSig[:63], false},
		{"empty", nil, false},
	}
	if len(short) != 64 {
		tests = append(tests, struct {
			name  string
			sig   []byte
			valid bool
		}{"r||s unpadded", short, false})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Parse(signing+"."+base64.RawURLEncoding.EncodeToString(tt.sig), tokens.Access)
			if (err == nil) != tt.valid {
				t.Errorf("Parse error = %v, want valid %v", err, tt.valid)
			}
		})
	}
}

// TestKeyErrors: a key configuration that cannot work fails NewBackend with a message
// naming the setting, and never repeats the key.
func TestKeyErrors(t *testing.T) {
	rsaKey := privatePEM(t, keyFor(t, "RS256", false))
	p256 := privatePEM(t, keyFor(t, "ES256", false))
	edKey := privatePEM(t, keyFor(t, "EdDSA", false))
	weakRSA := privatePEM(t, testKeys()["rsa1024"])
	otherRSAPublic := publicPEM(t, keyFor(t, "RS256", true).Public())
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00000000000000000000000000000000"}, Bytes: []byte("x")}))
	garbled := "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n"
	tests := []struct {
		name string
		mod  func(*tokens.Config)
		want []string
	}{
		{"RS256 without a key", asymmetric("RS256", "", nil), []string{"SIGNING_KEY", "RS256"}},
		{"an EC key for RS256", asymmetric("RS256", p256, nil), []string{"SIGNING_KEY is an EC P-256 key; RS256 needs an RSA key"}},
		{"an EC key for PS256", asymmetric("PS256", p256, nil), []string{"SIGNING_KEY is an EC P-256 key; PS256 needs an RSA key"}},
		{"a P-256 key for ES384", asymmetric("ES384", p256, nil), []string{"SIGNING_KEY is an EC P-256 key; ES384 needs an EC P-384 key"}},
		{"a P-256 key for ES512", asymmetric("ES512", p256, nil), []string{"SIGNING_KEY is an EC P-256 key; ES512 needs an EC P-521 key"}},
		{"an Ed25519 key for ES256", asymmetric("ES256", edKey, nil), []string{"SIGNING_KEY is an Ed25519 key; ES256 needs an EC P-256 key"}},
		{"an RSA key for EdDSA", asymmetric("EdDSA", rsaKey, nil), []string{"SIGNING_KEY is a 2048-bit RSA key; EdDSA needs an Ed25519 key"}},
		{"a 1024-bit RSA key", asymmetric("RS256", weakRSA, nil), []string{"SIGNING_KEY is a 1024-bit RSA key; RS256 needs an RSA key of 2048"}},
		{"unreadable PEM", asymmetric("RS256", garbled, nil), []string{"SIGNING_KEY: unreadable PRIVATE KEY"}},
		{"PEM cut short", asymmetric("RS256", "-----BEGIN PRIVATE KEY-----\nMIIE", nil), []string{"SIGNING_KEY: no PEM block"}},
		{"neither PEM nor a file", asymmetric("ES256", "/no/such/dir/key.pem", nil), []string{"SIGNING_KEY: is neither PEM text", "no such file"}},
		{"a secret where a key belongs", asymmetric("RS256", "my-old-hs256-secret-0123456789abcdef", nil), []string{"SIGNING_KEY: is neither PEM text"}},
		{"a public key as SIGNING_KEY", asymmetric("RS256", otherRSAPublic, nil), []string{"SIGNING_KEY: is a public key; it must be the private key"}},
		{"an encrypted key", asymmetric("RS256", encrypted, nil), []string{"SIGNING_KEY: the key is encrypted"}},
		{"VERIFYING_KEY of another key", asymmetric("RS256", rsaKey, func(c *tokens.Config) { c.VerifyingKey = otherRSAPublic }),
			[]string{"VERIFYING_KEY is not the public key of SIGNING_KEY"}},
		{"VERIFYING_KEY unreadable", asymmetric("RS256", rsaKey, func(c *tokens.Config) { c.VerifyingKey = garbled }), []string{"VERIFYING_KEY: unreadable"}},
		{"VERIFYING_KEY with HS256", func(c *tokens.Config) { c.VerifyingKey = otherRSAPublic }, []string{"VERIFYING_KEY is not used with HS256"}},
		{"JWK_URL with HS256", func(c *tokens.Config) { c.JWKURL = "https://issuer.example/jwks.json" }, []string{"JWK_URL needs an asymmetric ALGORITHM"}},
		{"HS VERIFYING_KEYS without SIGNING_KEY_ID", func(c *tokens.Config) { c.VerifyingKeys = map[string]string{"old": string(key)} },
			[]string{"SIGNING_KEY_ID must be set"}},
		{"HS VERIFYING_KEYS too short", func(c *tokens.Config) { c.KeyID, c.VerifyingKeys = "new", map[string]string{"old": "short"} },
			[]string{`VERIFYING_KEYS["old"] is 5 bytes; HS256 needs a key of at least 32 bytes`}},
		{"VERIFYING_KEYS of the wrong type", asymmetric("RS256", rsaKey, func(c *tokens.Config) { c.VerifyingKeys = map[string]string{"old": p256} }),
			[]string{`VERIFYING_KEYS["old"] is an EC P-256 key; RS256 needs an RSA key`}},
		{"VERIFYING_KEYS unreadable", asymmetric("RS256", rsaKey, func(c *tokens.Config) { c.VerifyingKeys = map[string]string{"old": "/no/such/file"} }),
			[]string{`VERIFYING_KEYS["old"]: is neither PEM text`}},
		{"VERIFYING_KEYS repeating SIGNING_KEY_ID", asymmetric("RS256", rsaKey, func(c *tokens.Config) {
			c.KeyID, c.VerifyingKeys = "k1", map[string]string{"k1": otherRSAPublic}
		}), []string{`VERIFYING_KEYS["k1"] repeats SIGNING_KEY_ID`}},
		{"VERIFYING_KEYS with an empty id", asymmetric("RS256", rsaKey, func(c *tokens.Config) { c.VerifyingKeys = map[string]string{" ": otherRSAPublic} }),
			[]string{"VERIFYING_KEYS has an empty key id"}},
		{"ALGORITHM none", func(c *tokens.Config) { c.Algorithm = "none" }, []string{"ALGORITHM", "not supported"}},
		{"ALGORITHM Ed25519 (not registered)", asymmetric("Ed25519", edKey, nil), []string{"ALGORITHM", "not supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config(newClock(), tt.mod)
			b, err := tokens.NewBackend(cfg)
			if err == nil {
				t.Fatalf("NewBackend accepted it: %v", b)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if len(cfg.SigningKey) > 8 && cfg.Algorithm != "HS256" && strings.Contains(err.Error(), string(cfg.SigningKey)) {
				t.Errorf("error repeats the key: %q", err)
			}
		})
	}
}

// TestKeyFormats: the PEM forms openssl and Go write are read, as text or from a file.
func TestKeyFormats(t *testing.T) {
	rsaKey := keyFor(t, "RS256", false).(*rsa.PrivateKey)
	ecKey := keyFor(t, "ES256", false).(*ecdsa.PrivateKey)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}))
	sec1DER, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	// openssl ecparam -genkey writes the curve's parameters first.
	sec1 := "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" +
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1DER}))
	rsaPublicPKCS1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)}))
	template := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ginrest test"},
		NotBefore: t0, NotAfter: t0.Add(time.Hour)}
	certDER, err := x509.CreateCertificate(rand.Reader, template, template, &rsaKey.PublicKey, rsaKey)
	if err != nil {
		t.Fatal(err)
	}
	cert := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}))
	dir := t.TempDir()
	file := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name              string
		alg               string
		signing           string
		verifying         string
		verifyingKeysFrom string // a VERIFYING_KEYS value for the id "old"
	}{
		{"PKCS#8 text", "RS256", privatePEM(t, rsaKey), "", ""},
		{"PKCS#8 text after blanks", "RS256", "\n  " + privatePEM(t, rsaKey), "", ""},
		{"PKCS#1 RSA PRIVATE KEY", "RS256", pkcs1, "", ""},
		{"SEC 1 EC PRIVATE KEY after EC PARAMETERS", "ES256", sec1, "", ""},
		{"PKCS#8 from a file", "ES256", file("ec.pem", privatePEM(t, ecKey)), "", ""},
		{"VERIFYING_KEY as PKIX", "RS256", pkcs1, publicPEM(t, &rsaKey.PublicKey), ""},
		{"VERIFYING_KEY as PKCS#1", "RS256", pkcs1, rsaPublicPKCS1, ""},
		{"VERIFYING_KEY as a certificate", "RS256", pkcs1, cert, ""},
		{"VERIFYING_KEY from a file", "ES256", sec1, file("ec.pub", publicPEM(t, &ecKey.PublicKey)), ""},
		{"VERIFYING_KEYS from a certificate file", "PS256", pkcs1, "", file("old.crt", cert)},
		{"VERIFYING_KEYS given a private key: its public half", "EdDSA", privatePEM(t, keyFor(t, "EdDSA", false)), "", privatePEM(t, keyFor(t, "EdDSA", true))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackend(t, newClock(), asymmetric(tt.alg, tt.signing, func(c *tokens.Config) {
				c.VerifyingKey = tt.verifying
				if tt.verifyingKeysFrom != "" {
					c.VerifyingKeys = map[string]string{"old": tt.verifyingKeysFrom}
				}
			}))
			raw, err := b.Encode(b.New(tokens.Access))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := b.Parse(raw, tokens.Access); err != nil {
				t.Errorf("Parse: %v", err)
			}
			wantKeys := 1
			if tt.verifyingKeysFrom != "" {
				wantKeys = 2
			}
			if got := len(b.JWKS().Keys); got != wantKeys {
				t.Errorf("JWKS has %d keys, want %d", got, wantKeys)
			}
		})
	}
}

// TestRotation: the newest key signs, the previous one still verifies the tokens it signed
// (chosen by their kid) until it is removed; a token without kid is verified with the
// signing key only, and an unknown kid is refused.
func TestRotation(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			c := newClock()
			oldKey, newKey := keyFor(t, alg, false), keyFor(t, alg, true)
			before := newBackend(t, c, asymmetric(alg, privatePEM(t, oldKey), func(cfg *tokens.Config) { cfg.KeyID = "2024-01" }))
			during := newBackend(t, c, asymmetric(alg, privatePEM(t, newKey), func(cfg *tokens.Config) {
				cfg.KeyID, cfg.VerifyingKeys = "2024-02", map[string]string{"2024-01": publicPEM(t, oldKey.Public())}
			}))
			after := newBackend(t, c, asymmetric(alg, privatePEM(t, newKey), func(cfg *tokens.Config) { cfg.KeyID = "2024-02" }))

			oldToken, _ := before.Encode(before.ForUser(1))
			newToken, _ := during.Encode(during.ForUser(1))
			if h := headerOf(t, newToken); !strings.Contains(h, `"kid":"2024-02"`) {
				t.Errorf("the new key's token has header %s", h)
			}
			if kids := []string{during.JWKS().Keys[0].Kid, during.JWKS().Keys[1].Kid}; kids[0] != "2024-02" || kids[1] != "2024-01" {
				t.Errorf("JWKS kids = %v, want the signing key first, then the previous one", kids)
			}
			// Tokens without kid, as simplejwt writes them, signed by each key.
			kidless := func(k crypto.Signer) string {
				b := newBackend(t, c, asymmetric(alg, privatePEM(t, k), nil))
				raw, _ := b.Encode(b.ForUser(1))
				parts := strings.Split(raw, ".")
				header := b64(`{"alg":"` + alg + `","typ":"JWT"}`)
				signing := header + "." + parts[1]
				sig, err := jwt.GetSigningMethod(alg).Sign(signing, k)
				if err != nil {
					t.Fatal(err)
				}
				return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
			}
			// The signing key itself, under a kid never configured.
			unknownKid := newBackend(t, c, asymmetric(alg, privatePEM(t, newKey), func(cfg *tokens.Config) { cfg.KeyID = "2023-12" }))
			unknownToken, _ := unknownKid.Encode(unknownKid.ForUser(1))
			tests := []struct {
				name    string
				backend *tokens.Backend
				token   string
				valid   bool
			}{
				{"during: the previous key's token", during, oldToken, true},
				{"during: the new key's token", during, newToken, true},
				{"after: the previous key's token", after, oldToken, false},
				{"after: the new key's token", after, newToken, true},
				{"before: the new key's token (kid unknown there)", before, newToken, false},
				{"during: no kid, the signing key", during, kidless(newKey), true},
				{"during: no kid, the previous key", during, kidless(oldKey), false},
				{"during: a kid never configured", during, unknownToken, false},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := tt.backend.Parse(tt.token, tokens.Refresh)
					if (err == nil) != tt.valid {
						t.Errorf("Parse error = %v, want valid %v", err, tt.valid)
					}
				})
			}
		})
	}
	t.Run("HS256", func(t *testing.T) {
		c := newClock()
		newKey := []byte("the-new-hs256-signing-key-0123456789abcdef")
		during := newBackend(t, c, func(cfg *tokens.Config) {
			cfg.SigningKey, cfg.KeyID, cfg.VerifyingKeys = newKey, "b", map[string]string{"a": string(key)}
		})
		raw, _ := during.Encode(during.New(tokens.Access))
		if h := headerOf(t, raw); h != `{"alg":"HS256","kid":"b","typ":"JWT"}` {
			t.Errorf("header = %s", h)
		}
		if len(during.JWKS().Keys) != 0 {
			t.Errorf("an HMAC key was published: %v", during.JWKS())
		}
		valid := claims(c, nil)
		tests := []struct {
			name  string
			token string
			valid bool
		}{
			{"control: its own token", raw, true},
			{"kid a, the previous key", craft(`{"alg":"HS256","kid":"a"}`, valid, "HS256", key), true},
			{"kid b, the signing key", craft(`{"alg":"HS256","kid":"b"}`, valid, "HS256", newKey), true},
			{"no kid, the signing key", craft(hs256Header, valid, "HS256", newKey), true},
			{"no kid, the previous key", craft(hs256Header, valid, "HS256", key), false},
			{"kid b, signed by the previous key", craft(`{"alg":"HS256","kid":"b"}`, valid, "HS256", key), false},
			{"kid a, signed by the signing key", craft(`{"alg":"HS256","kid":"a"}`, valid, "HS256", newKey), false},
			{"an unknown kid", craft(`{"alg":"HS256","kid":"c"}`, valid, "HS256", newKey), false},
			{"an empty kid", craft(`{"alg":"HS256","kid":""}`, valid, "HS256", newKey), false},
			{"kid not a string", craft(`{"alg":"HS256","kid":1}`, valid, "HS256", newKey), false},
			{"kid null", craft(`{"alg":"HS256","kid":null}`, valid, "HS256", newKey), false},
			{"KID in capitals is no kid: the signing key", craft(`{"alg":"HS256","KID":"a"}`, valid, "HS256", newKey), true},
			{"KID in capitals is no kid: not the previous key", craft(`{"alg":"HS256","KID":"a"}`, valid, "HS256", key), false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := during.Parse(tt.token, tokens.Access)
				if (err == nil) != tt.valid {
					t.Errorf("Parse error = %v, want valid %v", err, tt.valid)
				}
			})
		}
	})
	// PyJWT, given one key, ignores a kid; ginrest refuses one that names no key, and an HS*
	// key without SIGNING_KEY_ID has no name.
	t.Run("HS256 without key ids refuses a kid", func(t *testing.T) {
		c := newClock()
		b := newBackend(t, c, nil)
		if _, err := b.Parse(craft(hs256Header, claims(c, nil), "HS256", key), tokens.Access); err != nil {
			t.Errorf("control, no kid: %v", err)
		}
		for _, header := range []string{`{"alg":"HS256","kid":"anything"}`, `{"alg":"HS256","kid":""}`, `{"alg":"HS256","kid":7}`, `{"alg":"HS256","kid":null}`} {
			if _, err := b.Parse(craft(header, claims(c, nil), "HS256", key), tokens.Access); err == nil {
				t.Errorf("%s was accepted", header)
			}
		}
	})
}

// TestThumbprint checks RFC 7638 §3.1's example.
func TestThumbprint(t *testing.T) {
	j := tokens.JWK{Kty: "RSA", E: "AQAB", Kid: "2011-04-29", Alg: "RS256", Use: "sig",
		N: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
	if got, want := j.Thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("Thumbprint = %s, want %s", got, want)
	}
}

// TestJWKSet checks the published keys: RFC 7517 members, the public numbers of the key,
// nothing private, and a set that ParseJWKS reads back to the same keys.
func TestJWKSet(t *testing.T) {
	for _, alg := range []string{"RS256", "PS512", "ES256", "ES384", "ES512", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			k := keyFor(t, alg, false)
			b := newBackend(t, newClock(), asymmetric(alg, privatePEM(t, k), nil))
			set := b.JWKS()
			doc, err := json.Marshal(set)
			if err != nil {
				t.Fatal(err)
			}
			var generic struct{ Keys []map[string]string }
			if err := json.Unmarshal(doc, &generic); err != nil || len(generic.Keys) != 1 {
				t.Fatalf("JWKS = %s (%v)", doc, err)
			}
			got := generic.Keys[0]
			want := map[string]string{"use": "sig", "alg": alg, "kid": b.KeyID()}
			switch pub := k.Public().(type) {
			case *rsa.PublicKey:
				want["kty"], want["n"], want["e"] = "RSA", b64url(pub.N.Bytes()), "AQAB"
			case *ecdsa.PublicKey:
				size := (pub.Curve.Params().BitSize + 7) / 8
				want["kty"], want["crv"] = "EC", pub.Curve.Params().Name
				want["x"], want["y"] = b64url(pub.X.FillBytes(make([]byte, size))), b64url(pub.Y.FillBytes(make([]byte, size)))
			case ed25519.PublicKey:
				want["kty"], want["crv"], want["x"] = "OKP", "Ed25519", b64url(pub)
			}
			if len(got) != len(want) {
				t.Errorf("members = %v, want %v", got, want)
			}
			for name, v := range want {
				if got[name] != v {
					t.Errorf("%s = %q, want %q", name, got[name], v)
				}
			}
			if b.KeyID() != set.Keys[0].Thumbprint() {
				t.Errorf("kid %q is not the thumbprint %q", b.KeyID(), set.Keys[0].Thumbprint())
			}
			keys, err := tokens.ParseJWKS(doc, alg)
			if err != nil || len(keys) != 1 {
				t.Fatalf("ParseJWKS of our own set = %v, %v", keys, err)
			}
			if eq, ok := keys[b.KeyID()].(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(k.Public()) {
				t.Errorf("ParseJWKS read another key: %v", keys)
			}
		})
	}
	t.Run("HS256 publishes nothing", func(t *testing.T) {
		b := newBackend(t, newClock(), func(c *tokens.Config) { c.KeyID = "k" })
		if set := b.JWKS(); set.Keys == nil || len(set.Keys) != 0 {
			t.Errorf("JWKS = %#v, want an empty set", set)
		}
	})
	t.Run("the caller's copy is its own", func(t *testing.T) {
		b := newBackend(t, newClock(), asymmetric("EdDSA", privatePEM(t, keyFor(t, "EdDSA", false)), nil))
		set := b.JWKS()
		set.Keys[0].X = "changed"
		if b.JWKS().Keys[0].X == "changed" {
			t.Errorf("JWKS shares its keys with callers")
		}
	})
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
