package settings

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// hmacKeySizes is the shortest key for each algorithm: its hash size (RFC 7518 §3.2).
var hmacKeySizes = map[string]int{"HS256": 32, "HS384": 48, "HS512": 64}

// asymmetricAlgorithms sign with a private key and verify with its public key.
var asymmetricAlgorithms = []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"}

// validateKeys checks ALGORITHM and the key settings as far as they can be checked without
// reading a key: the keys themselves (PEM, type, size, curve) are checked by
// tokens.NewBackend, which the app builds at start, with errors naming the variable too.
func (s *Settings) validateKeys() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	j := s.JWT
	size, hmac := hmacKeySizes[j.Algorithm]
	switch {
	case hmac:
		if len(s.JWTSigningKey()) < size {
			bad("SIGNING_KEY", "is %d bytes; %s needs at least %d", len(s.JWTSigningKey()), j.Algorithm, size)
		}
		if j.VerifyingKey != "" {
			bad("VERIFYING_KEY", "is not used with %s: HS algorithms verify with SIGNING_KEY; unset it", j.Algorithm)
		}
		if j.JWKURL != "" {
			bad("JWK_URL", "needs an asymmetric ALGORITHM (RS*, ES*, PS*, EdDSA), not %s", j.Algorithm)
		}
		if len(j.VerifyingKeys) > 0 && j.SigningKeyID == "" {
			bad("SIGNING_KEY_ID", "must be set when VERIFYING_KEYS is: HS keys have no default id")
		}
		for kid, secret := range j.VerifyingKeys {
			if secret != "" && len(secret) < size {
				bad("VERIFYING_KEYS", "[%q] is %d bytes; %s needs at least %d", kid, len(secret), j.Algorithm, size)
			}
		}
	case slices.Contains(asymmetricAlgorithms, j.Algorithm):
		if j.SigningKey == "" {
			bad("SIGNING_KEY", "must be a private key (PEM text or a PEM file's path) when ALGORITHM is %s", j.Algorithm)
		}
	default:
		bad("ALGORITHM", "%q is not supported (HS256, HS384, HS512, %s)", j.Algorithm, strings.Join(asymmetricAlgorithms, ", "))
	}
	for kid, key := range j.VerifyingKeys {
		switch {
		case strings.TrimSpace(kid) == "":
			bad("VERIFYING_KEYS", "has an empty key id")
		case key == "":
			bad("VERIFYING_KEYS", "[%q] is empty", kid)
		case kid == j.SigningKeyID:
			bad("VERIFYING_KEYS", "[%q] repeats SIGNING_KEY_ID: the signing key verifies already", kid)
		}
	}
	if j.JWKURL != "" {
		if err := checkJWKURL(j.JWKURL, s.Debug); err != "" {
			bad("JWK_URL", "%s", err)
		}
	}
	for name, d := range map[string]int64{"JWKS_REFRESH_INTERVAL": int64(j.JWKSRefreshInterval),
		"JWKS_MIN_REFETCH_INTERVAL": int64(j.JWKSMinRefetchInterval), "JWKS_FETCH_TIMEOUT": int64(j.JWKSFetchTimeout)} {
		if d <= 0 {
			bad(name, "must be positive")
		}
	}
	return errs
}

// checkJWKURL accepts an absolute http(s) URL; with DEBUG off, plain http only to this
// machine, since keys fetched in the clear could be replaced on the way.
func checkJWKURL(raw string, debug bool) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "must be an absolute http(s) URL"
	}
	if u.Scheme == "http" && !debug {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return "must be https when DEBUG is false (plain http only to localhost)"
		}
	}
	return ""
}

// stringMap reads a JSON object of strings, such as VERIFYING_KEYS. The value is not
// repeated in the error: it may hold keys.
func (e *envReader) stringMap(name string, dst *map[string]string) {
	v, ok := e.get(name)
	if !ok {
		return
	}
	if strings.TrimSpace(v) == "" {
		*dst = nil
		return
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(v), &m); err != nil || m == nil {
		e.err = fmt.Errorf(`settings: %s is not valid: want a JSON object of strings such as {"2024-01": "/run/keys/2024-01.pem"}`, name)
		return
	}
	*dst = m
}
