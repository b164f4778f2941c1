package tokens

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/settings"
)

// Algorithms are the supported values of ALGORITHM: simplejwt's list, without "none".
var Algorithms = []string{
	"HS256", "HS384", "HS512",
	"RS256", "RS384", "RS512",
	"ES256", "ES384", "ES512",
	"PS256", "PS384", "PS512",
	"EdDSA",
}

// RSA keys outside these sizes are refused: under 2048 bits is breakable (NIST SP 800-131A),
// and over 8192 bits makes every verification slow for no gain.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// keyring is every key of a backend: the one that signs, the one that verifies a token
// without kid, and the ones a kid selects.
type keyring struct {
	sign    any            // the HMAC secret ([]byte) or the private key (crypto.Signer)
	current any            // verifies tokens without kid: SIGNING_KEY's secret or public key
	byID    map[string]any // kid → verifying key; the current key is among them if it has an id
	kid     string         // written in every token's header; "" writes none
	remote  *jwksFetch     // JWK_URL, or nil
	public  JWKSet         // published at /.well-known/jwks.json; no keys for HS*
}

// verifier picks the key a token is verified with: a token without kid is verified with the
// current key only; a kid must name a configured key or, with JWK_URL, a key of that set,
// and a kid that names none is refused, never tried with another key. That holds for an
// HS* key without SIGNING_KEY_ID too, which no kid names: PyJWT, given one key, ignores
// the kid, but neither ginrest nor simplejwt writes one then, so a token that has one was
// made by someone else. remote says the key came from JWK_URL.
func (k *keyring) verifier(kid string, hasKID bool) (key any, remote, ok bool) {
	if !hasKID {
		return k.current, false, true
	}
	if key, ok := k.byID[kid]; ok {
		return key, false, true
	}
	if k.remote != nil {
		key, ok := k.remote.key(kid)
		return key, true, ok
	}
	return nil, false, false
}

// newKeyring reads and checks the configured keys; errors name the setting at fault.
func newKeyring(cfg Config, method jwt.SigningMethod) (*keyring, error) {
	if m, ok := method.(*jwt.SigningMethodHMAC); ok {
		return hmacKeyring(cfg, m.Hash.Size())
	}
	return asymmetricKeyring(cfg, method)
}

func hmacKeyring(cfg Config, minBytes int) (*keyring, error) {
	if len(cfg.SigningKey) < minBytes {
		return nil, fmt.Errorf("settings: SIGNING_KEY is %d bytes; %s needs a key of at least %d bytes", len(cfg.SigningKey), cfg.Algorithm, minBytes)
	}
	if cfg.VerifyingKey != "" {
		return nil, fmt.Errorf("settings: VERIFYING_KEY is not used with %s: HS algorithms verify with SIGNING_KEY; unset it", cfg.Algorithm)
	}
	if cfg.JWKURL != "" {
		return nil, fmt.Errorf("settings: JWK_URL needs an asymmetric ALGORITHM (RS*, ES*, PS*, EdDSA), not %s", cfg.Algorithm)
	}
	if len(cfg.VerifyingKeys) > 0 && cfg.KeyID == "" {
		return nil, errors.New("settings: SIGNING_KEY_ID must be set when VERIFYING_KEYS is: HS keys have no default id")
	}
	k := &keyring{sign: cfg.SigningKey, current: cfg.SigningKey, kid: cfg.KeyID, byID: map[string]any{},
		public: JWKSet{Keys: []JWK{}}}
	if cfg.KeyID != "" {
		k.byID[cfg.KeyID] = cfg.SigningKey
	}
	for _, kid := range sortedKeys(cfg.VerifyingKeys) {
		secret := []byte(cfg.VerifyingKeys[kid])
		if err := checkKID(kid, cfg.KeyID); err != nil {
			return nil, err
		}
		if len(secret) < minBytes {
			return nil, fmt.Errorf("settings: VERIFYING_KEYS[%q] is %d bytes; %s needs a key of at least %d bytes", kid, len(secret), cfg.Algorithm, minBytes)
		}
		k.byID[kid] = secret
	}
	return k, nil
}

func asymmetricKeyring(cfg Config, method jwt.SigningMethod) (*keyring, error) {
	if len(cfg.SigningKey) == 0 {
		return nil, fmt.Errorf("settings: SIGNING_KEY must be a private key (PEM text or a PEM file path) when ALGORITHM is %s", cfg.Algorithm)
	}
	data, err := readPEM(string(cfg.SigningKey))
	if err != nil {
		return nil, fmt.Errorf("settings: SIGNING_KEY: %w", err)
	}
	signer, err := parsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("settings: SIGNING_KEY: %w", err)
	}
	pub := signer.Public()
	if err := checkKey(cfg.Algorithm, method, pub); err != nil {
		return nil, fmt.Errorf("settings: SIGNING_KEY %w", err)
	}
	if cfg.VerifyingKey != "" {
		verifying, err := loadPublicKey(cfg.VerifyingKey)
		if err != nil {
			return nil, fmt.Errorf("settings: VERIFYING_KEY: %w", err)
		}
		if eq, ok := verifying.(interface{ Equal(crypto.PublicKey) bool }); !ok || !eq.Equal(pub) {
			return nil, errors.New("settings: VERIFYING_KEY is not the public key of SIGNING_KEY (it may be omitted: it is derived from SIGNING_KEY)")
		}
	}
	current := publicJWK(cfg.Algorithm, pub)
	kid := cfg.KeyID
	if kid == "" {
		kid = current.Thumbprint()
	}
	current.Kid = kid
	k := &keyring{sign: signer, current: pub, kid: kid, byID: map[string]any{kid: pub},
		public: JWKSet{Keys: []JWK{current}}}
	for _, id := range sortedKeys(cfg.VerifyingKeys) {
		if err := checkKID(id, kid); err != nil {
			return nil, err
		}
		pub, err := loadPublicKey(cfg.VerifyingKeys[id])
		if err != nil {
			return nil, fmt.Errorf("settings: VERIFYING_KEYS[%q]: %w", id, err)
		}
		if err := checkKey(cfg.Algorithm, method, pub); err != nil {
			return nil, fmt.Errorf("settings: VERIFYING_KEYS[%q] %w", id, err)
		}
		k.byID[id] = pub
		j := publicJWK(cfg.Algorithm, pub)
		j.Kid = id
		k.public.Keys = append(k.public.Keys, j)
	}
	if cfg.JWKURL != "" {
		k.remote = newJWKSFetch(cfg)
	}
	return k, nil
}

func checkKID(kid, signingKID string) error {
	if strings.TrimSpace(kid) == "" {
		return errors.New("settings: VERIFYING_KEYS has an empty key id")
	}
	if kid == signingKID {
		return fmt.Errorf("settings: VERIFYING_KEYS[%q] repeats SIGNING_KEY_ID: the signing key verifies already", kid)
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readPEM reads a key setting: a value starting with "-----BEGIN" (after blanks) is PEM
// text; anything else is the path of a file holding PEM text.
func readPEM(value string) ([]byte, error) {
	if text := strings.TrimSpace(value); strings.HasPrefix(text, "-----BEGIN") {
		return []byte(text), nil
	}
	data, err := os.ReadFile(value)
	if err != nil {
		// The value is not shown: it may be a secret set by mistake rather than a path.
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			err = pathErr.Err
		}
		return nil, fmt.Errorf("is neither PEM text (-----BEGIN ...) nor the path of a readable file (%v)", err)
	}
	return data, nil
}

// pemBlock is the first key or certificate block of PEM data; openssl's "EC PARAMETERS"
// block, written before an EC key, is skipped.
func pemBlock(data []byte) (*pem.Block, error) {
	for {
		block, rest := pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM block found")
		}
		if block.Type != "EC PARAMETERS" {
			if _, encrypted := block.Headers["Proc-Type"]; encrypted || block.Type == "ENCRYPTED PRIVATE KEY" {
				return nil, errors.New("the key is encrypted; give it unencrypted (openssl pkey -in key.pem -out plain.pem) and protect the file instead")
			}
			return block, nil
		}
		data = rest
	}
}

// parsePrivateKey reads a PKCS#8 ("PRIVATE KEY"), PKCS#1 ("RSA PRIVATE KEY") or SEC 1
// ("EC PRIVATE KEY") key.
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	block, err := pemBlock(data)
	if err != nil {
		return nil, err
	}
	var key any
	switch block.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("is a %s; it must be the private key (the public key goes in VERIFYING_KEY, or is derived)", strings.ToLower(block.Type))
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("unreadable %s: %w", block.Type, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T cannot sign", key)
	}
	return signer, nil
}

// loadPublicKey reads a public key setting (see readPEM): a PKIX "PUBLIC KEY", a PKCS#1
// "RSA PUBLIC KEY", a "CERTIFICATE", or a private key, whose public half is taken.
func loadPublicKey(value string) (crypto.PublicKey, error) {
	data, err := readPEM(value)
	if err != nil {
		return nil, err
	}
	block, err := pemBlock(data)
	if err != nil {
		return nil, err
	}
	var key any
	switch block.Type {
	case "PUBLIC KEY":
		key, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		key, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			key = cert.PublicKey
		}
	case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
		var signer crypto.Signer
		if signer, err = parsePrivateKey(data); err != nil {
			return nil, err
		}
		key = signer.Public()
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("unreadable %s: %w", block.Type, err)
	}
	return key, nil
}

// curves are the curve each ECDSA algorithm signs on (RFC 7518 §3.4).
var curves = map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}

// checkKey refuses a public key the algorithm cannot use: another type, another curve, a
// weak RSA modulus. Its error reads after the key's name ("SIGNING_KEY is ...").
func checkKey(alg string, method jwt.SigningMethod, pub crypto.PublicKey) error {
	switch method.(type) {
	case *jwt.SigningMethodRSA, *jwt.SigningMethodRSAPSS:
		k, ok := pub.(*rsa.PublicKey)
		want := fmt.Sprintf("%s needs an RSA key of %d to %d bits", alg, minRSABits, maxRSABits)
		if !ok {
			return fmt.Errorf("is %s; %s", describeKey(pub), want)
		}
		if bits := k.N.BitLen(); bits < minRSABits || bits > maxRSABits {
			return fmt.Errorf("is %s; %s", describeKey(pub), want)
		}
		if k.E < 3 || k.E%2 == 0 {
			return fmt.Errorf("is an RSA key with public exponent %d; %s needs an odd exponent of at least 3", k.E, alg)
		}
	case *jwt.SigningMethodECDSA:
		curve := curves[alg]
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || k.Curve != curve {
			return fmt.Errorf("is %s; %s needs an EC %s key", describeKey(pub), alg, curve.Params().Name)
		}
	case *jwt.SigningMethodEd25519:
		if k, ok := pub.(ed25519.PublicKey); !ok || len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("is %s; %s needs an Ed25519 key", describeKey(pub), alg)
		}
	default:
		return fmt.Errorf("cannot be checked: %s is not an asymmetric algorithm", alg)
	}
	return nil
}

func describeKey(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("a %d-bit RSA key", k.N.BitLen())
	case *ecdsa.PublicKey:
		return "an EC " + k.Curve.Params().Name + " key"
	case ed25519.PublicKey:
		return "an Ed25519 key"
	}
	return fmt.Sprintf("a %T key", pub)
}

// signingKey is SIGNING_KEY as the backend reads it: for HS*, SECRET_KEY where it is unset,
// as in simplejwt; for the other algorithms SIGNING_KEY alone, as SECRET_KEY is no private key.
func signingKey(s *settings.Settings) string {
	if _, hmac := jwt.GetSigningMethod(s.JWT.Algorithm).(*jwt.SigningMethodHMAC); hmac {
		return s.JWTSigningKey()
	}
	return s.JWT.SigningKey
}
