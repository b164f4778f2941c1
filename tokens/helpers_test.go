package tokens_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"testing"
	"time"

	"ginrest/tokens"
)

// key is the test signing key: 48 bytes, enough for HS256 and HS384, not for HS512.
var key = []byte("ginrest-test-signing-key-0123456789abcdef-012345")

// t0 is the tests' "now".
var t0 = time.Unix(1_700_000_000, 0)

// clock is a settable clock for a backend.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time          { return c.now }
func (c *clock) Advance(d time.Duration) { c.now = c.now.Add(d) }
func (c *clock) Unix(offset int64) int64 { return c.now.Unix() + offset }
func newClock() *clock                   { return &clock{now: t0} }

func config(c *clock, mod func(*tokens.Config)) tokens.Config {
	cfg := tokens.Config{
		Algorithm: "HS256", SigningKey: key,
		AccessLifetime: 5 * time.Minute, RefreshLifetime: 24 * time.Hour,
		TokenTypeClaim: "token_type", JTIClaim: "jti", UserIDClaim: "user_id",
		SlidingLifetime: 5 * time.Minute, SlidingRefreshLifetime: 24 * time.Hour, SlidingRefreshExpClaim: "refresh_exp",
		Now: c.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	return cfg
}

func newBackend(t testing.TB, c *clock, mod func(*tokens.Config)) *tokens.Backend {
	t.Helper()
	b, err := tokens.NewBackend(config(c, mod))
	if err != nil {
		t.Fatalf("NewBackend: %v", err)
	}
	return b
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// craft builds a JWS by hand, with crypto/hmac, from a raw header and payload: nothing of
// golang-jwt is involved. alg "none" gives an empty signature.
func craft(header, payload, alg string, key []byte) string {
	signing := b64(header) + "." + b64(payload)
	var h func() hash.Hash
	switch alg {
	case "HS256":
		h = sha256.New
	case "HS384":
		h = sha512.New384
	case "HS512":
		h = sha512.New
	default:
		return signing + "."
	}
	mac := hmac.New(h, key)
	mac.Write([]byte(signing))
	return signing + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

const hs256Header = `{"alg":"HS256","typ":"JWT"}`

// claims is a valid access token's payload at c's time, with changes: a nil value removes
// a claim, a json.RawMessage is written as is.
func claims(c *clock, changes map[string]any) string {
	m := map[string]any{
		"token_type": "access",
		"exp":        c.Unix(300),
		"iat":        c.Unix(0),
		"jti":        "0123456789abcdef0123456789abcdef",
		"user_id":    1,
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	out, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(out)
}

// signed is a token with the standard header, signed with the test key.
func signed(payload string) string { return craft(hs256Header, payload, "HS256", key) }
