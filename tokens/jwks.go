package tokens

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"

	"github.com/golang-jwt/jwt/v5"
)

// JWK is one public key in RFC 7517's JSON form: RSA (n, e), EC (crv, x, y) or OKP
// Ed25519 (crv, x). ginrest never writes a private or symmetric key in one.
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
}

// JWKSet is a JWK Set document: what /.well-known/jwks.json serves.
type JWKSet struct {
	Keys []JWK `json:"keys"`
}

// JWKS is the set of public keys that verify this backend's tokens: the signing key's and
// those of VERIFYING_KEYS, each with its kid. With an HS algorithm it has no keys: a secret
// is never published.
func (b *Backend) JWKS() JWKSet {
	return JWKSet{Keys: slices.Clone(b.keys.public.Keys)}
}

// KeyID is the kid written in the header of the tokens this backend signs ("" for none).
func (b *Backend) KeyID() string { return b.keys.kid }

var b64url = base64.RawURLEncoding

// publicJWK is the JWK of a checked public key, for signatures with alg, without kid.
func publicJWK(alg string, pub crypto.PublicKey) JWK {
	j := JWK{Use: "sig", Alg: alg}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64url.EncodeToString(k.N.Bytes()), b64url.EncodeToString(big.NewInt(int64(k.E)).Bytes())
	case *ecdsa.PublicKey:
		size := (k.Curve.Params().BitSize + 7) / 8
		j.Kty, j.Crv = "EC", k.Curve.Params().Name
		j.X, j.Y = b64url.EncodeToString(k.X.FillBytes(make([]byte, size))), b64url.EncodeToString(k.Y.FillBytes(make([]byte, size)))
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64url.EncodeToString(k)
	}
	return j
}

// Thumbprint is the key's RFC 7638 thumbprint (SHA-256, base64url): the kid of a key
// configured without SIGNING_KEY_ID.
func (j JWK) Thumbprint() string {
	// json.Marshal writes a map's keys sorted and no blanks: RFC 7638's canonical form.
	members := map[string]string{"kty": j.Kty}
	switch j.Kty {
	case "RSA":
		members["n"], members["e"] = j.N, j.E
	case "EC":
		members["crv"], members["x"], members["y"] = j.Crv, j.X, j.Y
	case "OKP":
		members["crv"], members["x"] = j.Crv, j.X
	}
	canonical, _ := json.Marshal(members)
	sum := sha256.Sum256(canonical)
	return b64url.EncodeToString(sum[:])
}

// maxJWKSKeys bounds the keys of a fetched set: real ones hold a handful.
const maxJWKSKeys = 100

// ParseJWKS reads a JWK Set fetched from JWK_URL and keeps, by kid, the keys that can verify
// tokens of alg: a key without kid, of another type, curve or algorithm, for encryption
// ("use" other than "sig"), symmetric, or weak is left out, and a kid appearing twice is left
// out entirely rather than guessed. Member names are matched exactly. An error means the
// document is not a JWK Set at all.
func ParseJWKS(data []byte, alg string) (map[string]crypto.PublicKey, error) {
	method := jwt.GetSigningMethod(alg)
	if method == nil || !slices.Contains(Algorithms, alg) {
		return nil, fmt.Errorf("algorithm %q is not supported", alg)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil || doc == nil {
		return nil, errors.New("not a JSON object")
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(doc["keys"], &entries); err != nil || entries == nil {
		return nil, errors.New(`no "keys" array`)
	}
	if len(entries) > maxJWKSKeys {
		return nil, fmt.Errorf("%d keys; at most %d are read", len(entries), maxJWKSKeys)
	}
	keys := map[string]crypto.PublicKey{}
	repeated := map[string]bool{}
	for _, entry := range entries {
		kid, pub, ok := parseJWK(entry, alg, method)
		if !ok {
			continue
		}
		if _, seen := keys[kid]; seen || repeated[kid] {
			repeated[kid] = true
			delete(keys, kid)
			continue
		}
		keys[kid] = pub
	}
	return keys, nil
}

// parseJWK reads one entry of a set; ok is false for any key that cannot verify alg.
func parseJWK(entry json.RawMessage, alg string, method jwt.SigningMethod) (string, crypto.PublicKey, bool) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(entry, &members); err != nil || members == nil {
		return "", nil, false
	}
	str := func(name string) (string, bool) {
		raw, present := members[name]
		var s string
		if !present || json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	}
	bytesOf := func(name string) ([]byte, bool) {
		s, ok := str(name)
		if !ok {
			return nil, false
		}
		b, err := b64url.Strict().DecodeString(s)
		return b, err == nil && len(b) > 0
	}
	kid, ok := str("kid")
	if !ok || kid == "" {
		return "", nil, false
	}
	if _, present := members["use"]; present {
		if use, _ := str("use"); use != "sig" {
			return "", nil, false
		}
	}
	if _, present := members["alg"]; present {
		if a, _ := str("alg"); a != alg {
			return "", nil, false
		}
	}
	if raw, present := members["key_ops"]; present {
		var ops []string
		if json.Unmarshal(raw, &ops) != nil || !slices.Contains(ops, "verify") {
			return "", nil, false
		}
	}
	kty, _ := str("kty")
	var pub crypto.PublicKey
	switch kty {
	case "RSA":
		n, okN := bytesOf("n")
		e, okE := bytesOf("e")
		if !okN || !okE || len(e) > 4 || n[0] == 0 || e[0] == 0 {
			return "", nil, false
		}
		exp := new(big.Int).SetBytes(e)
		if !exp.IsInt64() || exp.Int64() > 1<<31-1 {
			return "", nil, false
		}
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}
	case "EC":
		crv, _ := str("crv")
		curve, known := curves[alg]
		x, okX := bytesOf("x")
		y, okY := bytesOf("y")
		if !known || crv != curve.Params().Name || !okX || !okY {
			return "", nil, false
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) != size || len(y) != size {
			return "", nil, false
		}
		// ParseUncompressedPublicKey checks that the point is on the curve.
		k, err := ecdsa.ParseUncompressedPublicKey(curve, slices.Concat([]byte{4}, x, y))
		if err != nil {
			return "", nil, false
		}
		pub = k
	case "OKP":
		crv, _ := str("crv")
		x, okX := bytesOf("x")
		if crv != "Ed25519" || !okX || len(x) != ed25519.PublicKeySize {
			return "", nil, false
		}
		pub = ed25519.PublicKey(x)
	default: // "oct" among them: a symmetric key is never taken from a set
		return "", nil, false
	}
	if checkKey(alg, method, pub) != nil {
		return "", nil, false
	}
	return kid, pub, true
}
