package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"ginrest/cache"
	"ginrest/jsonflat"
	"ginrest/jsontext"
	"ginrest/settings"
)

// Config is what the backend needs from settings.
type Config struct {
	Algorithm string // one of Algorithms
	// SigningKey is the HMAC secret for HS*; for the other algorithms, the private key as PEM
	// text or the path of a PEM file (see readPEM).
	SigningKey []byte
	// VerifyingKey is the public key (PEM text or file) of an asymmetric SigningKey; empty
	// derives it from SigningKey. HS* refuses it.
	VerifyingKey string
	// KeyID is the kid of SigningKey, written in every token's header (SIGNING_KEY_ID);
	// empty means none for HS*, the key's RFC 7638 thumbprint otherwise.
	KeyID string
	// VerifyingKeys are more keys that verify but never sign, by kid (VERIFYING_KEYS): the
	// previous key during a rotation, or the next one published ahead. Values are read as
	// SigningKey is: a secret for HS*, PEM text or a file path otherwise.
	VerifyingKeys map[string]string
	// JWKURL is a JWK Set whose keys also verify tokens, by kid (JWK_URL); JWKSRefresh,
	// JWKSMinRefetch and JWKSTimeout bound its fetching (zero: the Default* values).
	JWKURL         string
	JWKSRefresh    time.Duration
	JWKSMinRefetch time.Duration
	JWKSTimeout    time.Duration

	Audience        string
	Issuer          string
	Leeway          time.Duration
	AccessLifetime  time.Duration
	RefreshLifetime time.Duration
	TokenTypeClaim  string
	JTIClaim        string
	UserIDClaim     string
	// SlidingLifetime, SlidingRefreshLifetime and SlidingRefreshExpClaim are the sliding
	// token's SLIDING_TOKEN_* settings.
	SlidingLifetime        time.Duration
	SlidingRefreshLifetime time.Duration
	SlidingRefreshExpClaim string
	// MFALifetime is the mfa token's (MFA_TOKEN_LIFETIME).
	MFALifetime time.Duration
	// Now is the clock; nil means time.Now. Tests replace it.
	Now func() time.Time
	// Logger receives a warning for each failed JWK_URL fetch; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFrom takes the backend's configuration from settings.
func ConfigFrom(s *settings.Settings) Config {
	j := s.JWT
	return Config{
		Algorithm: j.Algorithm, SigningKey: []byte(signingKey(s)), Audience: j.Audience, Issuer: j.Issuer,
		VerifyingKey: j.VerifyingKey, KeyID: j.SigningKeyID, VerifyingKeys: j.VerifyingKeys,
		JWKURL: j.JWKURL, JWKSRefresh: j.JWKSRefreshInterval, JWKSMinRefetch: j.JWKSMinRefetchInterval, JWKSTimeout: j.JWKSFetchTimeout,
		Leeway: j.Leeway, AccessLifetime: j.AccessTokenLifetime, RefreshLifetime: j.RefreshTokenLifetime,
		TokenTypeClaim: j.TokenTypeClaim, JTIClaim: j.JTIClaim, UserIDClaim: j.UserIDClaim,
		SlidingLifetime: j.SlidingTokenLifetime, SlidingRefreshLifetime: j.SlidingTokenRefreshLifetime,
		SlidingRefreshExpClaim: j.SlidingTokenRefreshExpClaim,
		MFALifetime:            s.MFA.TokenLifetime,
	}
}

// Backend is simplejwt's TokenBackend, built once: it pins the algorithm on decode and maps
// the JWT library's errors to its own at this boundary.
type Backend struct {
	cfg    Config
	method jwt.SigningMethod
	keys   *keyring
	header string // the encoded JOSE header, the same for every token
	// verified remembers the claims of tokens whose signature checked out, until they
	// expire: a client sends the same access token with every request for its lifetime,
	// and its signature and JSON need checking only once. Times are re-checked on every use.
	// Refresh tokens are not kept.
	verified *cache.TTL[string, verifiedToken]
}

// verifiedToken is a verified token as the cache keeps it: its claims, and its times
// parsed once, so that re-checking them on every use parses nothing.
type verifiedToken struct {
	claims map[string]any
	times  tokenTimes
}

// verifiedTokens bounds the verified-token cache. An entry (the token and a map of its
// claims) is about 1 KiB, and the Go heap grows to twice what is live: 8,192 entries were
// 16 MiB of a loaded server's resident memory, a third of it, and 2,048 kept the peak of
// scripts/load.sh's mixed and protected phases about 2 MB above what 1,024 do. A token that
// fell out is verified again, which costs a few microseconds with an HS key: a server with
// more clients active at once than this pays that on some of their requests.
const verifiedTokens = 1024

// NewBackend checks the configuration and builds the backend.
func NewBackend(cfg Config) (*Backend, error) {
	method := jwt.GetSigningMethod(cfg.Algorithm)
	if method == nil || !slices.Contains(Algorithms, cfg.Algorithm) {
		return nil, fmt.Errorf("settings: ALGORITHM %q is not supported (%s)", cfg.Algorithm, strings.Join(Algorithms, ", "))
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	keys, err := newKeyring(cfg, method)
	if err != nil {
		return nil, err
	}
	if m, ok := method.(*jwt.SigningMethodHMAC); ok {
		method = newPooledHMAC(m, append(slices.Collect(maps.Values(keys.byID)), keys.sign, keys.current)...)
	}
	// PyJWT's header: its keys sorted, kid only when there is one.
	fields := map[string]string{"alg": cfg.Algorithm, "typ": "JWT"}
	if keys.kid != "" {
		fields["kid"] = keys.kid
	}
	header, _ := json.Marshal(fields)
	return &Backend{
		cfg:      cfg,
		method:   method,
		keys:     keys,
		header:   base64.RawURLEncoding.EncodeToString(header),
		verified: cache.New[string, verifiedToken](verifiedTokens, cfg.Now),
	}, nil
}

// Now is the backend's clock.
func (b *Backend) Now() time.Time { return b.cfg.Now() }

// Config is the configuration the backend was built with.
func (b *Backend) Config() Config { return b.cfg }

// Lifetime of a token type.
func (b *Backend) Lifetime(t Type) time.Duration {
	switch t {
	case Refresh:
		return b.cfg.RefreshLifetime
	case Sliding:
		return b.cfg.SlidingLifetime
	case MFA:
		return b.cfg.MFALifetime
	}
	return b.cfg.AccessLifetime
}

// New is a fresh token of a type: simplejwt's Token() with no argument, carrying its type,
// exp, iat and a new jti; a sliding token also the limit of its refreshes (refresh_exp).
func (b *Backend) New(t Type) *Token {
	now := b.Now()
	tok := &Token{Type: t, Claims: map[string]any{
		b.cfg.TokenTypeClaim: t.Name,
		"exp":                now.Add(b.Lifetime(t)).Unix(),
		"iat":                now.Unix(),
		b.cfg.JTIClaim:       newJTI(),
	}}
	if t == Sliding {
		tok.Claims[b.cfg.SlidingRefreshExpClaim] = now.Add(b.cfg.SlidingRefreshLifetime).Unix()
	}
	return tok
}

// ForUser is RefreshToken.for_user: a refresh token naming the user.
func (b *Backend) ForUser(userID any) *Token {
	t := b.New(Refresh)
	t.Claims[b.cfg.UserIDClaim] = userID
	return t
}

// AccessFrom is RefreshToken.access_token: a new access token carrying every claim of the
// refresh token but its type, exp and jti, so custom claims and iat carry over.
func (b *Backend) AccessFrom(refresh *Token) *Token {
	access := b.New(Access)
	for k, v := range refresh.Claims {
		if k == b.cfg.TokenTypeClaim || k == "exp" || k == b.cfg.JTIClaim || k == "jti" {
			continue
		}
		access.Claims[k] = v
	}
	return access
}

// Renew gives a token a new jti, exp and iat, as rotation does (set_jti, set_exp, set_iat).
func (b *Backend) Renew(t *Token) {
	now := b.Now()
	t.Claims[b.cfg.JTIClaim] = newJTI()
	t.Claims["exp"] = now.Add(b.Lifetime(t.Type)).Unix()
	t.Claims["iat"] = now.Unix()
	t.Raw = ""
}

// JTI is the token's id.
func (b *Backend) JTI(t *Token) string { return t.String(b.cfg.JTIClaim) }

// UserID is the token's user claim, as it was sent (a number or a string).
func (b *Backend) UserID(t *Token) (any, bool) { return t.Get(b.cfg.UserIDClaim) }

// Encode signs a token. Claims are written in simplejwt's order (see marshalClaims), so a
// ginrest token reads like a simplejwt one. As simplejwt's
// TokenBackend.encode, it writes aud and iss when AUDIENCE and ISSUER are set, whatever
// the token held: every token the server issues is one that its own Decode accepts.
func (b *Backend) Encode(t *Token) (string, error) {
	if b.cfg.Audience != "" {
		t.Claims["aud"] = b.cfg.Audience
	}
	if b.cfg.Issuer != "" {
		t.Claims["iss"] = b.cfg.Issuer
	}
	payload, err := b.marshalClaims(t.Claims)
	if err != nil {
		return "", err
	}
	// One buffer holds the signing input, then the whole token: it has room for a signature
	// of 64 bytes (HS512's), and grows once for a longer one (RSA's, ES512's).
	enc := base64.RawURLEncoding
	raw := make([]byte, 0, len(b.header)+2+enc.EncodedLen(len(payload))+enc.EncodedLen(64))
	raw = append(raw, b.header...)
	raw = append(raw, '.')
	raw = enc.AppendEncode(raw, payload)
	sig, err := b.method.Sign(string(raw), b.keys.sign)
	if err != nil {
		return "", err
	}
	raw = append(raw, '.')
	t.Raw = string(enc.AppendEncode(raw, sig))
	return t.Raw, nil
}

// marshalClaims writes the claims in the order simplejwt inserts them, which PyJWT keeps:
// Token() sets the type, exp, iat, jti (and a sliding token's refresh_exp), for_user the
// user id, get_token overrides the rest (here in name order), and encode appends aud and
// iss last.
func (b *Backend) marshalClaims(claims map[string]any) ([]byte, error) {
	first := []string{b.cfg.TokenTypeClaim, "exp", "iat", b.cfg.JTIClaim, b.cfg.SlidingRefreshExpClaim, b.cfg.UserIDClaim}
	last := []string{"aud", "iss"}
	rest := make([]string, 0, len(claims))
	for k := range claims {
		if !slices.Contains(first, k) && !slices.Contains(last, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	buf := make([]byte, 0, 256)
	buf = append(buf, '{')
	var err error
	for _, keys := range [][]string{first, rest, last} {
		for _, k := range keys {
			v, ok := claims[k]
			if !ok {
				continue
			}
			if len(buf) > 1 {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			if buf, err = appendJSON(buf, v); err != nil {
				return nil, fmt.Errorf("tokens: claim %q: %w", k, err)
			}
		}
	}
	return append(buf, '}'), nil
}

// appendJSON appends v as json.Marshal writes it. The values a token's claims usually
// hold (plain strings, integers, booleans) are written directly; anything else, and a
// string json.Marshal would escape, goes through json.Marshal.
func appendJSON(buf []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return appendJSONString(buf, v), nil
	case int64:
		return strconv.AppendInt(buf, v, 10), nil
	case int:
		return strconv.AppendInt(buf, int64(v), 10), nil
	case bool:
		return strconv.AppendBool(buf, v), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return buf, err
	}
	return append(buf, b...), nil
}

// appendJSONString appends s as json.Marshal writes it: a string, not an any, so that a
// claim's name is written without being boxed.
func appendJSONString(buf []byte, s string) []byte {
	if plainString(s) {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	b, _ := json.Marshal(s) // a string always marshals
	return append(buf, b...)
}

// plainString reports whether json.Marshal writes s as it is between quotes: printable
// ASCII, and none of the characters it escapes (the quote, the backslash, and <, > and &,
// which it escapes for HTML).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// refusedHeaders are JOSE header parameters ginrest does not implement: RFC 7515 says a
// token relying on crit must be refused, and jku/x5u would name a key to fetch.
var refusedHeaders = []string{"crit", "jku", "jwk", "x5u", "x5c"}

// readHeader reads a token's JOSE header as PyJWT does: parameter names are case-sensitive
// (a struct would let encoding/json match "ALG" or "Alg" to alg), alg must be the
// configured algorithm, no refused parameter may appear, and kid, if present, is a string.
// The header must be text (see jsontext): encoding/json would read a kid with a broken
// byte as another kid.
func (b *Backend) readHeader(headerJSON []byte) (kid string, hasKID, ok bool) {
	if !jsontext.Valid(headerJSON) {
		return "", false, false
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(headerJSON, &header); err != nil || header == nil {
		return "", false, false
	}
	var alg string
	if err := json.Unmarshal(header["alg"], &alg); err != nil || alg != b.cfg.Algorithm {
		return "", false, false
	}
	for _, name := range refusedHeaders {
		if _, ok := header[name]; ok {
			return "", false, false
		}
	}
	if raw, ok := header["kid"]; ok {
		if err := json.Unmarshal(raw, &kid); err != nil || raw[0] != '"' {
			return "", false, false
		}
		hasKID = true
	}
	return kid, hasKID, true
}

// Decode verifies the signature and the registered time claims, PyJWT's decode: anything
// wrong is the one message "Token is invalid or expired", as simplejwt says. It runs on
// every authenticated request, so it does the compact-serialisation split itself and hands
// only the signature check to the JWT library (the configured method, nothing else): the
// header must name exactly that algorithm, the signature is checked before the payload is
// parsed, and the payload must be one JSON object.
func (b *Backend) Decode(raw string) (map[string]any, error) {
	now := b.Now() // one reading for the cache's expiry and the times
	if v, ok := b.verified.GetAt(raw, now); ok {
		if err := v.times.check(now, b.cfg.Leeway); err != nil {
			b.verified.Delete(raw)
			return nil, err
		}
		return maps.Clone(v.claims), nil // callers may change their copy
	}
	claims, times, remote, err := b.decode(raw, now)
	if err != nil {
		return nil, err
	}
	// A refresh token is mostly presented once (rotation replaces it): keeping its claims
	// would only fill the cache, 8 MB of it under a refresh load, for nothing.
	if claims[b.cfg.TokenTypeClaim] == Refresh.Name {
		return claims, nil
	}
	if exp, ok := numeric(claims["exp"]); ok {
		until := time.Unix(exp, 0)
		if remote { // re-verified once JWK_URL's keys are due again: a key withdrawn there stops working
			if due := b.keys.remote.refreshAt(); due.Before(until) {
				until = due
			}
		}
		b.verified.Set(raw, verifiedToken{claims: maps.Clone(claims), times: times}, until)
	}
	return claims, nil
}

// decode is Decode without the memory, checking the times at now; remote says a JWK_URL
// key verified the token.
func (b *Backend) decode(raw string, now time.Time) (claims map[string]any, times tokenTimes, remote bool, err error) {
	dot1 := strings.IndexByte(raw, '.')
	dot2 := strings.LastIndexByte(raw, '.')
	if dot1 < 0 || dot1 == dot2 || strings.IndexByte(raw[dot1+1:dot2], '.') >= 0 {
		return nil, times, false, errInvalid
	}
	kid, hasKID, ok := b.keys.kid, b.keys.kid != "", raw[:dot1] == b.header
	if !ok { // not the header every token of this server (and of simplejwt) carries: read it
		headerJSON, err := base64.RawURLEncoding.DecodeString(raw[:dot1])
		if err != nil {
			return nil, times, false, errInvalid
		}
		if kid, hasKID, ok = b.readHeader(headerJSON); !ok {
			return nil, times, false, errInvalid
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(raw[dot2+1:])
	if err != nil {
		return nil, times, false, errInvalid
	}
	// The key is chosen by kid among the configured ones (or JWK_URL's), never taken from
	// the token; the method is the configured one whatever the key.
	key, remote, ok := b.keys.verifier(kid, hasKID)
	if !ok {
		return nil, times, false, errInvalid
	}
	if err := b.method.Verify(raw[:dot2], sig, key); err != nil {
		return nil, times, false, errInvalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(raw[dot1+1 : dot2])
	if err != nil {
		return nil, times, false, errInvalid
	}
	claims, err = decodeObject(payload)
	if err != nil {
		return nil, times, false, errInvalid
	}
	times, ok = parseTimes(claims)
	if !ok {
		return nil, times, false, errInvalid
	}
	if err := times.check(now, b.cfg.Leeway); err != nil {
		return nil, times, false, err
	}
	if b.cfg.Audience != "" && !hasAudience(claims["aud"], b.cfg.Audience) {
		return nil, times, false, errInvalid
	}
	if b.cfg.Issuer != "" && claims["iss"] != b.cfg.Issuer {
		return nil, times, false, errInvalid
	}
	return claims, times, remote, nil
}

// decodeObject decodes one JSON object and nothing after it, numbers as json.Number. The
// object must be text (see jsontext), as PyJWT's json.loads refuses bytes that are not
// UTF-8: encoding/json would read them, and unpaired surrogate escapes, as U+FFFD.
func decodeObject(data []byte) (map[string]any, error) {
	if !jsontext.Valid(data) {
		return nil, errInvalid
	}
	// Every token ginrest or simplejwt issues has flat claims of plain values: decoding them
	// with encoding/json was half of what parsing a new token cost (a refresh's).
	if claims, ok := jsonflat.Object(data, true); ok {
		return claims, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		return nil, err
	}
	if claims == nil || dec.More() {
		return nil, errInvalid
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errInvalid
	}
	return claims, nil
}

// tokenTimes are a token's exp, iat and nbf claims, as numbers; has* say which it has.
type tokenTimes struct {
	exp, iat, nbf          int64
	hasExp, hasIAT, hasNBF bool
}

// parseTimes reads the time claims of a token: false when one is present and not a number.
func parseTimes(claims map[string]any) (t tokenTimes, ok bool) {
	for _, c := range [...]struct {
		name string
		to   *int64
		has  *bool
	}{{"exp", &t.exp, &t.hasExp}, {"iat", &t.iat, &t.hasIAT}, {"nbf", &t.nbf, &t.hasNBF}} {
		if v, present := claims[c.name]; present {
			if *c.to, ok = numeric(v); !ok {
				return t, false
			}
			*c.has = true
		}
	}
	return t, true
}

// check is PyJWT's exp, iat and nbf checks, with the leeway: exp must be in the future,
// iat and nbf not.
func (t tokenTimes) check(now time.Time, leeway time.Duration) error {
	sec, lee := now.Unix(), int64(leeway/time.Second)
	if (t.hasExp && t.exp <= sec-lee) || (t.hasIAT && t.iat > sec+lee) || (t.hasNBF && t.nbf > sec+lee) {
		return errInvalid
	}
	return nil
}

func hasAudience(aud any, want string) bool {
	switch a := aud.(type) {
	case string:
		return a == want
	case []any:
		for _, v := range a {
			if v == want {
				return true
			}
		}
	}
	return false
}

// Parse decodes and verifies a token of a type: simplejwt's AccessToken(raw) or
// RefreshToken(raw), without the blacklist check.
func (b *Backend) Parse(raw string, t Type) (*Token, error) {
	tok, err := b.ParseUntyped(raw)
	if err != nil {
		return nil, err
	}
	typ, ok := tok.Claims[b.cfg.TokenTypeClaim]
	if !ok {
		return nil, &Error{Message: MsgNoType}
	}
	if typ != t.Name {
		return nil, &Error{Message: MsgWrongType}
	}
	tok.Type = t
	return tok, nil
}

// ParseUntyped is simplejwt's UntypedToken: signature, times, exp and jti present, any type.
func (b *Backend) ParseUntyped(raw string) (*Token, error) {
	claims, err := b.Decode(raw)
	if err != nil {
		return nil, err
	}
	if _, ok := claims["exp"]; !ok {
		return nil, &Error{Message: "Token has no 'exp' claim"}
	}
	if _, ok := claims[b.cfg.JTIClaim]; !ok {
		return nil, &Error{Message: MsgNoID}
	}
	tok := &Token{Claims: claims, Raw: raw}
	if name, _ := claims[b.cfg.TokenTypeClaim].(string); name != "" {
		for _, t := range []Type{Access, Refresh, Sliding, MFA} {
			if t.Name == name {
				tok.Type = t
			}
		}
	}
	return tok, nil
}

// AsError returns the token error inside err, if that is what it is.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
