package tokens_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/tokens"
)

// Test keys are generated once per test binary (RSA generation is slow) and never stored.
var testKeys = sync.OnceValue(func() map[string]crypto.Signer {
	keys := map[string]crypto.Signer{}
	for name, bits := range map[string]int{"rsa": 2048, "rsa2": 2048, "rsa1024": 1024} {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		keys[name] = k
	}
	for name, curve := range map[string]elliptic.Curve{"p256": elliptic.P256(), "p256b": elliptic.P256(),
		"p384": elliptic.P384(), "p384b": elliptic.P384(), "p521": elliptic.P521(), "p521b": elliptic.P521()} {
		k, err := ecdsa.GenerateKey(curve, rand.Reader)
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

// keyFor is a private key for alg, generated once per test binary; other gives a second
// key of the same kind.
func keyFor(t testing.TB, alg string, other bool) crypto.Signer {
	t.Helper()
	name := map[string]string{
		"RS256": "rsa", "RS384": "rsa", "RS512": "rsa", "PS256": "rsa", "PS384": "rsa", "PS512": "rsa",
		"ES256": "p256", "ES384": "p384", "ES512": "p521", "EdDSA": "ed",
	}[alg]
	if other {
		name = map[string]string{"rsa": "rsa2", "p256": "p256b", "p384": "p384b", "p521": "p521b", "ed": "ed2"}[name]
	}
	k, ok := testKeys()[name]
	if !ok {
		t.Fatalf("no test key for %s (other %v)", alg, other)
	}
	return k
}

// privatePEM is a key in PKCS#8 PEM.
func privatePEM(t testing.TB, k crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// publicPEM is a public key in PKIX PEM.
func publicPEM(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// asymmetric configures a backend for alg, signing with pemKey.
func asymmetric(alg string, pemKey string, mod func(*tokens.Config)) func(*tokens.Config) {
	return func(cfg *tokens.Config) {
		cfg.Algorithm, cfg.SigningKey = alg, []byte(pemKey)
		if mod != nil {
			mod(cfg)
		}
	}
}

func jwtMethod(alg string) jwt.SigningMethod { return jwt.GetSigningMethod(alg) }
