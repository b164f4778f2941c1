// Package tokens is simplejwt's tokens and backends modules: a token is a set of claims
// with a type; the Backend mints, signs, decodes and verifies them with one pinned
// algorithm.
package tokens

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"time"
)

// Type is a kind of token, one of simplejwt's token classes: the value of its type claim
// and the class name that error messages report.
type Type struct {
	Name  string
	Class string
}

var (
	Access  = Type{Name: "access", Class: "AccessToken"}
	Refresh = Type{Name: "refresh", Class: "RefreshToken"}
	Sliding = Type{Name: "sliding", Class: "SlidingToken"}
	// MFA is ginrest's own: the first step of a login that needs a second factor. It
	// names the user but is no credential: it is not among Types, so AUTH_TOKEN_CLASSES
	// cannot name it, and every view that wants another type refuses it.
	MFA = Type{Name: "mfa", Class: "MFAToken"}
)

// Types are the token types that authenticate a request or refresh one: simplejwt's.
var Types = []Type{Access, Refresh, Sliding}

// TypeOfClass is the type of a simplejwt class name, as AUTH_TOKEN_CLASSES names them.
func TypeOfClass(class string) (Type, bool) {
	for _, t := range Types {
		if t.Class == class {
			return t, true
		}
	}
	return Type{}, false
}

// Blacklistable is true of the types with simplejwt's BlacklistMixin: with the blacklist
// on, they are recorded when issued and refused once blacklisted. An access token is
// short-lived and never looked up.
func (t Type) Blacklistable() bool { return t == Refresh || t == Sliding }

// Token is a token's claims. Numbers decoded from a token are json.Number; numbers set
// here are int64.
type Token struct {
	Type   Type
	Claims map[string]any
	// Raw is the encoded token it was decoded from, or "".
	Raw string
}

// Get returns a claim.
func (t *Token) Get(claim string) (any, bool) {
	v, ok := t.Claims[claim]
	return v, ok
}

// Set sets a claim: the hook for custom claims (a user's username, a tenant).
func (t *Token) Set(claim string, value any) { t.Claims[claim] = value }

// String claim, "" when absent or not a string.
func (t *Token) String(claim string) string {
	s, _ := t.Claims[claim].(string)
	return s
}

// Time reads a NumericDate claim (seconds since the epoch).
func (t *Token) Time(claim string) (time.Time, bool) {
	sec, ok := numeric(t.Claims[claim])
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(sec, 0), true
}

// numeric accepts a JSON number (integer or not: PyJWT truncates) and nothing else, so
// "exp": "123" is not a time.
func numeric(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return i, true
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > math.MaxInt64/2 || f < math.MinInt64/2 {
			return 0, false
		}
		return int64(f), true
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) || n > math.MaxInt64/2 || n < math.MinInt64/2 {
			return 0, false
		}
		return int64(n), true
	}
	return 0, false
}

// newJTI is a UUID's 32 lowercase hex characters, as simplejwt's uuid4().hex, but of a
// version 7 UUID: the first 48 bits are the time in milliseconds, the other 74 random.
// Outstanding tokens, token families and sessions are keyed by it, and the unique indexes
// of Django's tables then take each new row at one end, in pages already in cache, instead
// of anywhere: with a million tokens on record a refresh ran at 0.82 of its speed on empty
// tables with uuid4, and at 1.00 with this (scripts/blacklist.sh). A jti is only ever
// compared, and the token's iat says when it was issued already.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	ms := uint64(time.Now().UnixMilli())
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	b[6] = b[6]&0x0f | 0x70
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

// Error is simplejwt's TokenError: why a token was refused. Its Message is what the
// client is told.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// simplejwt's messages.
const (
	MsgInvalid     = "Token is invalid or expired"
	MsgNoID        = "Token has no id"
	MsgNoType      = "Token has no type"
	MsgWrongType   = "Token has wrong type"
	MsgBlacklisted = "Token is blacklisted"
)

var errInvalid = &Error{Message: MsgInvalid}
