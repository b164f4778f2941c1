package tokens_test

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ginrest/tokens"
)

// str renders a claim value the way it reads in JSON, so int64 (minted) and json.Number
// (decoded) compare equal.
func str(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRoundTrip(t *testing.T) {
	for _, typ := range []tokens.Type{tokens.Access, tokens.Refresh, tokens.Sliding} {
		t.Run(typ.Name, func(t *testing.T) {
			c := newClock()
			b := newBackend(t, c, nil)
			tok := b.New(typ)
			tok.Set("username", "alice")
			tok.Set("user_id", 42)
			raw, err := b.Encode(tok)
			if err != nil {
				t.Fatal(err)
			}
			if tok.Raw != raw || strings.Count(raw, ".") != 2 {
				t.Fatalf("Encode = %q, Raw = %q", raw, tok.Raw)
			}
			got, err := b.Parse(raw, typ)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Type != typ || got.Raw != raw {
				t.Errorf("Parse: Type %v, Raw %q", got.Type, got.Raw)
			}
			if len(got.Claims) != len(tok.Claims) {
				t.Errorf("claims = %v, want %v", got.Claims, tok.Claims)
			}
			for k, v := range tok.Claims {
				if str(got.Claims[k]) != str(v) {
					t.Errorf("claim %s = %s, want %s", k, str(got.Claims[k]), str(v))
				}
			}
			if _, ok := got.Claims["exp"].(json.Number); !ok {
				t.Errorf("a decoded number is %T, want json.Number", got.Claims["exp"])
			}
			if id, ok := b.UserID(got); !ok || str(id) != "42" {
				t.Errorf("UserID = %v, %v", id, ok)
			}
			if b.JTI(got) != b.JTI(tok) || b.JTI(got) == "" {
				t.Errorf("JTI = %q, want %q", b.JTI(got), b.JTI(tok))
			}
			untyped, err := b.ParseUntyped(raw)
			if err != nil || untyped.Type != typ {
				t.Errorf("ParseUntyped: %v, type %v", err, untyped)
			}
			// The other types refuse it.
			for _, other := range []tokens.Type{tokens.Access, tokens.Refresh, tokens.Sliding} {
				if other == typ {
					continue
				}
				if _, err := b.Parse(raw, other); err == nil || err.Error() != tokens.MsgWrongType {
					t.Errorf("Parse as %s: %v, want %q", other.Name, err, tokens.MsgWrongType)
				}
			}
		})
	}
	t.Run("a decoded token re-encodes to the same string", func(t *testing.T) {
		b := newBackend(t, newClock(), nil)
		tok := b.ForUser(7)
		tok.Set("scope", []string{"a", "b"})
		raw, _ := b.Encode(tok)
		got, err := b.Parse(raw, tokens.Refresh)
		if err != nil {
			t.Fatal(err)
		}
		again, err := b.Encode(got)
		if err != nil || again != raw {
			t.Errorf("re-encoded %q, %v; want %q", again, err, raw)
		}
	})
	t.Run("an unknown type parses untyped with no type", func(t *testing.T) {
		c := newClock()
		b := newBackend(t, c, nil)
		tok, err := b.ParseUntyped(signed(claims(c, map[string]any{"token_type": "weird"})))
		if err != nil || tok.Type != (tokens.Type{}) {
			t.Errorf("ParseUntyped = %v, %v; want no type", tok, err)
		}
	})
}

// payloadKeys decodes a token's payload segment and lists its keys in the order written.
func payloadKeys(t *testing.T, raw string) ([]string, string) {
	t.Helper()
	parts := strings.Split(raw, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	if _, err := dec.Token(); err != nil { // {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys, string(payload)
}

// TestClaimsLayout checks that Encode writes simplejwt's order: the type claim, exp, iat,
// the jti claim, the user claim, then the others by name (aud and iss last).
func TestClaimsLayout(t *testing.T) {
	c := newClock()
	t.Run("default claim names", func(t *testing.T) {
		b := newBackend(t, c, nil)
		tok := b.ForUser(1)
		tok.Set("zeta", 1)
		tok.Set("alpha", "a")
		tok.Set("Mid", true)
		raw, err := b.Encode(tok)
		if err != nil {
			t.Fatal(err)
		}
		keys, payload := payloadKeys(t, raw)
		want := []string{"token_type", "exp", "iat", "jti", "user_id", "Mid", "alpha", "zeta"}
		if !slices.Equal(keys, want) {
			t.Errorf("claims in order %q, want %q (payload %s)", keys, want, payload)
		}
		header, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
		if string(header) != hs256Header {
			t.Errorf("header = %s, want %s", header, hs256Header)
		}
	})
	t.Run("configured claim names", func(t *testing.T) {
		b := newBackend(t, c, func(cfg *tokens.Config) { cfg.TokenTypeClaim, cfg.JTIClaim = "kind", "id" })
		tok := b.New(tokens.Access)
		tok.Set("a", 1)
		raw, _ := b.Encode(tok)
		keys, payload := payloadKeys(t, raw)
		if want := []string{"kind", "exp", "iat", "id", "a"}; !slices.Equal(keys, want) {
			t.Errorf("claims in order %q, want %q (payload %s)", keys, want, payload)
		}
	})
	t.Run("sliding, with audience and issuer", func(t *testing.T) {
		b := newBackend(t, c, func(cfg *tokens.Config) { cfg.Audience, cfg.Issuer = "api", "me" })
		tok := b.New(tokens.Sliding)
		tok.Set("user_id", 1)
		tok.Set("email", "a@example.com") // sorts before user_id, written after it
		raw, _ := b.Encode(tok)
		keys, payload := payloadKeys(t, raw)
		if want := []string{"token_type", "exp", "iat", "jti", "refresh_exp", "user_id", "email", "aud", "iss"}; !slices.Equal(keys, want) {
			t.Errorf("claims in order %q, want %q (payload %s)", keys, want, payload)
		}
	})
	tests := []struct {
		name   string
		claims map[string]any
		want   string
	}{
		{"exact bytes", map[string]any{"user_id": 1, "jti": "abc", "iat": int64(2), "exp": int64(1), "token_type": "access"},
			`{"token_type":"access","exp":1,"iat":2,"jti":"abc","user_id":1}`},
		{"absent leading claims leave no gap", map[string]any{"b": 1, "a": json.Number("2.50")}, `{"a":2.50,"b":1}`},
		{"no claims", map[string]any{}, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackend(t, c, nil)
			raw, err := b.Encode(&tokens.Token{Claims: tt.claims})
			if err != nil {
				t.Fatal(err)
			}
			if _, payload := payloadKeys(t, raw); payload != tt.want {
				t.Errorf("payload = %s, want %s", payload, tt.want)
			}
			// and the signature is HS256 over the two segments, as crafted by hand
			parts := strings.Split(raw, ".")
			want := craft(hs256Header, tt.want, "HS256", key)
			if raw != want {
				t.Errorf("token = %s, want %s (%v)", raw, want, parts)
			}
		})
	}
	t.Run("a claim that cannot be encoded is an error", func(t *testing.T) {
		b := newBackend(t, c, nil)
		if _, err := b.Encode(&tokens.Token{Claims: map[string]any{"bad": make(chan int)}}); err == nil {
			t.Errorf("Encode accepted a channel")
		}
	})
}

// A version 7 UUID's hex: simplejwt's uuid4().hex in form, time-ordered.
var jtiPattern = regexp.MustCompile(`^[0-9a-f]{12}7[0-9a-f]{3}[89ab][0-9a-f]{15}$`)

// Every jti is new, and its first 12 hex characters are the milliseconds of the moment it
// was made, so that later ones sort after earlier ones.
func TestJTI(t *testing.T) {
	b := newBackend(t, newClock(), nil)
	seen := map[string]bool{}
	var last int64
	for i := 0; i < 200; i++ {
		before := time.Now().UnixMilli()
		jti := b.JTI(b.New(tokens.Access))
		after := time.Now().UnixMilli()
		if !jtiPattern.MatchString(jti) {
			t.Fatalf("jti %q is not a version 7 UUID's hex", jti)
		}
		if seen[jti] {
			t.Fatalf("jti %q repeated", jti)
		}
		seen[jti] = true
		ms, err := strconv.ParseInt(jti[:12], 16, 64)
		if err != nil || ms < before || ms > after || ms < last {
			t.Fatalf("jti %q: time %d, want within [%d, %d] and not before the last one's %d", jti, ms, before, after, last)
		}
		last = ms
	}
}

func TestLifetimes(t *testing.T) {
	tests := []struct {
		name    string
		mod     func(*tokens.Config)
		typ     tokens.Type
		wantExp int64
	}{
		{"access: 5 minutes", nil, tokens.Access, 300},
		{"refresh: 1 day", nil, tokens.Refresh, 86400},
		{"configured access", func(c *tokens.Config) { c.AccessLifetime = time.Hour }, tokens.Access, 3600},
		{"configured refresh", func(c *tokens.Config) { c.RefreshLifetime = 7 * 24 * time.Hour }, tokens.Refresh, 7 * 86400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			b := newBackend(t, c, tt.mod)
			if got := b.Lifetime(tt.typ); got != time.Duration(tt.wantExp)*time.Second {
				t.Errorf("Lifetime = %v", got)
			}
			tok := b.New(tt.typ)
			if str(tok.Claims["exp"]) != fmt.Sprint(c.Unix(tt.wantExp)) || str(tok.Claims["iat"]) != fmt.Sprint(c.Unix(0)) {
				t.Errorf("exp, iat = %v, %v; want now+%d, now", tok.Claims["exp"], tok.Claims["iat"], tt.wantExp)
			}
			if tok.Claims["token_type"] != tt.typ.Name || tok.Type != tt.typ || len(tok.Claims) != 4 {
				t.Errorf("claims = %v, type %v", tok.Claims, tok.Type)
			}
			exp, ok := tok.Time("exp")
			if !ok || !exp.Equal(c.Now().Add(time.Duration(tt.wantExp)*time.Second)) {
				t.Errorf("Time(exp) = %v, %v", exp, ok)
			}
		})
	}
	t.Run("ForUser", func(t *testing.T) {
		b := newBackend(t, newClock(), func(c *tokens.Config) { c.UserIDClaim = "uid" })
		tok := b.ForUser(int64(9))
		if tok.Type != tokens.Refresh || tok.Claims["uid"] != int64(9) || tok.Claims["token_type"] != "refresh" {
			t.Errorf("ForUser = %v", tok)
		}
	})
}

// TestAccessFrom checks RefreshToken.access_token: every claim but type, exp and jti is
// copied (custom claims, the user, and iat), exp is new, jti is new.
func TestAccessFrom(t *testing.T) {
	c := newClock()
	b := newBackend(t, c, nil)
	refresh := b.ForUser(1)
	refresh.Set("username", "alice")
	refresh.Set("tenant", map[string]any{"id": 3})
	refreshClaims := map[string]string{}
	for k, v := range refresh.Claims {
		refreshClaims[k] = str(v)
	}
	c.Advance(100 * time.Second)
	access := b.AccessFrom(refresh)

	checks := []struct {
		claim string
		want  string
	}{
		{"token_type", `"access"`},
		{"exp", fmt.Sprint(c.Unix(300))},
		{"iat", refreshClaims["iat"]}, // the refresh token's, not now
		{"user_id", "1"},
		{"username", `"alice"`},
		{"tenant", `{"id":3}`},
	}
	for _, ck := range checks {
		if got := str(access.Claims[ck.claim]); got != ck.want {
			t.Errorf("%s = %s, want %s", ck.claim, got, ck.want)
		}
	}
	if access.Type != tokens.Access || len(access.Claims) != 7 {
		t.Errorf("access = %v", access)
	}
	if j := b.JTI(access); j == b.JTI(refresh) || !jtiPattern.MatchString(j) {
		t.Errorf("access jti %q: want a new one (refresh's is %q)", j, b.JTI(refresh))
	}
	for k, v := range refresh.Claims {
		if str(v) != refreshClaims[k] {
			t.Errorf("the refresh token changed: %s = %s, was %s", k, str(v), refreshClaims[k])
		}
	}

	t.Run("from a decoded refresh token, with a configured jti claim", func(t *testing.T) {
		b := newBackend(t, c, func(cfg *tokens.Config) { cfg.JTIClaim = "token_id" })
		refresh := b.ForUser(5)
		refresh.Set("jti", "a custom claim called jti is not copied either")
		raw, _ := b.Encode(refresh)
		decoded, err := b.Parse(raw, tokens.Refresh)
		if err != nil {
			t.Fatal(err)
		}
		access := b.AccessFrom(decoded)
		if _, ok := access.Claims["jti"]; ok {
			t.Errorf("jti copied")
		}
		if b.JTI(access) == b.JTI(decoded) || b.JTI(access) == "" {
			t.Errorf("token_id = %q, refresh's %q", b.JTI(access), b.JTI(decoded))
		}
		rawAccess, err := b.Encode(access)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Parse(rawAccess, tokens.Access); err != nil {
			t.Errorf("the access token does not parse: %v", err)
		}
	})
}

func TestRenew(t *testing.T) {
	c := newClock()
	b := newBackend(t, c, nil)
	tok := b.ForUser(1)
	if _, err := b.Encode(tok); err != nil {
		t.Fatal(err)
	}
	oldJTI := b.JTI(tok)
	c.Advance(time.Hour)
	b.Renew(tok)
	if b.JTI(tok) == oldJTI || tok.Raw != "" {
		t.Errorf("jti %q (was %q), Raw %q", b.JTI(tok), oldJTI, tok.Raw)
	}
	if str(tok.Claims["iat"]) != fmt.Sprint(c.Unix(0)) || str(tok.Claims["exp"]) != fmt.Sprint(c.Unix(86400)) {
		t.Errorf("iat, exp = %v, %v", tok.Claims["iat"], tok.Claims["exp"])
	}
}

// TestParseRejects checks every way a token is refused, with simplejwt's message.
func TestParseRejects(t *testing.T) {
	c := newClock()
	b := newBackend(t, c, nil)
	valid := claims(c, nil)
	otherKey := []byte("some-other-signing-key-0123456789abcdef-0123456")
	longKey := append(append([]byte{}, key...), key...) // HS512-sized, to sign with "the same" family
	parts := strings.Split(signed(valid), ".")
	tests := []struct {
		name  string
		token string
		want  string // "" means valid
	}{
		{"control: a valid token", signed(valid), ""},
		{"control: no typ in the header", craft(`{"alg":"HS256"}`, valid, "HS256", key), ""},
		{"control: another typ", craft(`{"alg":"HS256","typ":"at+jwt"}`, valid, "HS256", key), ""},
		{"a kid naming no key", craft(`{"alg":"HS256","typ":"JWT","kid":"k1"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"control: iat now, nbf now", signed(claims(c, map[string]any{"nbf": c.Unix(0)})), ""},
		{"control: exp one second ahead", signed(claims(c, map[string]any{"exp": c.Unix(1)})), ""},
		{"control: fractional exp", signed(claims(c, map[string]any{"exp": json.RawMessage(fmt.Sprintf("%d.5", c.Unix(60)))})), ""},
		{"control: exp in exponent form", signed(claims(c, map[string]any{"exp": json.RawMessage("1.7000003e9")})), ""},

		{"empty", "", tokens.MsgInvalid},
		{"garbage", "garbage", tokens.MsgInvalid},
		{"two segments", "abc.def", tokens.MsgInvalid},
		{"four segments", signed(valid) + ".x", tokens.MsgInvalid},
		{"padded segments", parts[0] + "=." + parts[1] + "." + parts[2], tokens.MsgInvalid},
		{"standard base64 alphabet", strings.ReplaceAll(strings.ReplaceAll(signed(valid), "-", "+"), "_", "/") + "+/", tokens.MsgInvalid},
		{"payload not JSON", signed("not json"), tokens.MsgInvalid},
		{"payload a JSON array", signed(`["exp"]`), tokens.MsgInvalid},
		{"header not JSON", craft(`{alg:HS256}`, valid, "HS256", key), tokens.MsgInvalid},
		{"no alg", craft(`{"typ":"JWT"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"alg none", craft(`{"alg":"none","typ":"JWT"}`, valid, "none", nil), tokens.MsgInvalid},
		{"alg None", craft(`{"alg":"None","typ":"JWT"}`, valid, "none", nil), tokens.MsgInvalid},
		{"alg none with an HS256 signature", b64(`{"alg":"none"}`) + "." + parts[1] + "." + parts[2], tokens.MsgInvalid},
		{"empty signature", parts[0] + "." + parts[1] + ".", tokens.MsgInvalid},
		{"HS512 with the same key", craft(`{"alg":"HS512","typ":"JWT"}`, valid, "HS512", key), tokens.MsgInvalid},
		{"HS512 with a long key", craft(`{"alg":"HS512","typ":"JWT"}`, valid, "HS512", longKey), tokens.MsgInvalid},
		{"HS384 with the same key", craft(`{"alg":"HS384","typ":"JWT"}`, valid, "HS384", key), tokens.MsgInvalid},
		{"HS256 header, HS512 signature", craft(hs256Header, valid, "HS512", key), tokens.MsgInvalid},
		{"RS256 header", craft(`{"alg":"RS256","typ":"JWT"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"wrong key", craft(hs256Header, valid, "HS256", otherKey), tokens.MsgInvalid},
		// A token with this server's own header skips reading it; any other spelling of
		// the same header is read, and accepted.
		{"control: header with spaces", craft(`{"alg": "HS256", "typ": "JWT"}`, valid, "HS256", key), ""},
		{"control: header in another order", craft(`{"typ":"JWT","alg":"HS256"}`, valid, "HS256", key), ""},
		{"tampered payload", parts[0] + "." + b64(claims(c, map[string]any{"user_id": 2})) + "." + parts[2], tokens.MsgInvalid},
		{"tampered signature", parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])), tokens.MsgInvalid},

		{"expired a second ago", signed(claims(c, map[string]any{"exp": c.Unix(-1)})), tokens.MsgInvalid},
		{"exp == now counts as expired", signed(claims(c, map[string]any{"exp": c.Unix(0)})), tokens.MsgInvalid},
		{"exp as a string", signed(claims(c, map[string]any{"exp": fmt.Sprint(c.Unix(300))})), tokens.MsgInvalid},
		{"exp as a boolean", signed(claims(c, map[string]any{"exp": true})), tokens.MsgInvalid},
		{"exp null", signed(claims(c, map[string]any{"exp": json.RawMessage("null")})), tokens.MsgInvalid},
		{"exp beyond int64", signed(claims(c, map[string]any{"exp": json.RawMessage("1e300")})), tokens.MsgInvalid},
		{"exp as an object", signed(claims(c, map[string]any{"exp": map[string]int{"t": 1}})), tokens.MsgInvalid},
		{"iat a second in the future", signed(claims(c, map[string]any{"iat": c.Unix(1)})), tokens.MsgInvalid},
		{"iat as a string", signed(claims(c, map[string]any{"iat": fmt.Sprint(c.Unix(0))})), tokens.MsgInvalid},
		{"nbf a second in the future", signed(claims(c, map[string]any{"nbf": c.Unix(1)})), tokens.MsgInvalid},
		{"nbf as a string", signed(claims(c, map[string]any{"nbf": "0"})), tokens.MsgInvalid},

		{"header crit", craft(`{"alg":"HS256","typ":"JWT","crit":["exp"]}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header crit, empty", craft(`{"alg":"HS256","crit":[]}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header jku", craft(`{"alg":"HS256","jku":"https://evil.example/keys"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header jwk", craft(`{"alg":"HS256","jwk":{"kty":"oct","k":"AA"}}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header x5u", craft(`{"alg":"HS256","x5u":"https://evil.example/cert"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header x5c", craft(`{"alg":"HS256","x5c":["MIIB"]}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header x5c null", craft(`{"alg":"HS256","x5c":null}`, valid, "HS256", key), tokens.MsgInvalid},
		// Header names are case-sensitive (PyJWT reads header["alg"]): "ALG" names no algorithm.
		{"header ALG in capitals", craft(`{"ALG":"HS256","typ":"JWT"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header Alg", craft(`{"Alg":"HS256"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header alg none, then ALG HS256", craft(`{"alg":"none","ALG":"HS256"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header alg not a string", craft(`{"alg":["HS256"]}`, valid, "HS256", key), tokens.MsgInvalid},
		{"header a JSON array", craft(`["HS256"]`, valid, "HS256", key), tokens.MsgInvalid},
		{"header null", craft(`null`, valid, "HS256", key), tokens.MsgInvalid},
		// Header and payload must be text: encoding/json would read these as U+FFFD.
		{"header not UTF-8", craft("{\"alg\":\"HS256\",\"typ\":\"JWT\xff\"}", valid, "HS256", key), tokens.MsgInvalid},
		{"header lone surrogate", craft(`{"alg":"HS256","typ":"\ud800"}`, valid, "HS256", key), tokens.MsgInvalid},
		{"payload not UTF-8", signed(claims(c, map[string]any{"name": json.RawMessage("\"a\xc3(\"")})), tokens.MsgInvalid},
		{"payload lone surrogate", signed(claims(c, map[string]any{"name": json.RawMessage(`"\udc00"`)})), tokens.MsgInvalid},
		{"payload lone surrogate in a key", signed(strings.Replace(valid, "{", `{"\ud800":1,`, 1)), tokens.MsgInvalid},
		{"control: payload with a surrogate pair", signed(claims(c, map[string]any{"name": json.RawMessage(`"\ud83d\ude00"`)})), ""},

		{"no exp", signed(claims(c, map[string]any{"exp": nil})), "Token has no 'exp' claim"},
		{"no jti", signed(claims(c, map[string]any{"jti": nil})), tokens.MsgNoID},
		{"no type", signed(claims(c, map[string]any{"token_type": nil})), tokens.MsgNoType},
		{"wrong type", signed(claims(c, map[string]any{"token_type": "refresh"})), tokens.MsgWrongType},
		{"sliding type", signed(claims(c, map[string]any{"token_type": "sliding"})), tokens.MsgWrongType},
		{"type of another case", signed(claims(c, map[string]any{"token_type": "Access"})), tokens.MsgWrongType},
		{"type not a string", signed(claims(c, map[string]any{"token_type": 1})), tokens.MsgWrongType},
		{"type null", signed(claims(c, map[string]any{"token_type": json.RawMessage("null")})), tokens.MsgWrongType},
		{"no exp and no jti: exp first", signed(claims(c, map[string]any{"exp": nil, "jti": nil})), "Token has no 'exp' claim"},
		{"no jti and no type: jti first", signed(claims(c, map[string]any{"jti": nil, "token_type": nil})), tokens.MsgNoID},
		{"expired and no jti: invalid first", signed(claims(c, map[string]any{"exp": c.Unix(-10), "jti": nil})), tokens.MsgInvalid},
		{"no user claim is the authenticator's business", signed(claims(c, map[string]any{"user_id": nil})), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := b.Parse(tt.token, tokens.Access)
			if tt.want == "" {
				if err != nil || tok == nil || tok.Type != tokens.Access {
					t.Fatalf("Parse = %v, %v; want a valid access token", tok, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted it: %v", tok.Claims)
			}
			te, ok := tokens.AsError(err)
			if !ok || te.Message != tt.want || err.Error() != tt.want {
				t.Errorf("Parse error = %#v, want %q", err, tt.want)
			}
			if tok != nil {
				t.Errorf("Parse returned a token with its error")
			}
		})
	}
}

func TestAudienceAndIssuer(t *testing.T) {
	c := newClock()
	tests := []struct {
		name     string
		audience string
		issuer   string
		changes  map[string]any
		valid    bool
	}{
		{"not configured: aud and iss are ignored", "", "", map[string]any{"aud": "someone", "iss": "anyone"}, true},
		{"not configured, absent", "", "", nil, true},
		{"audience matches", "api", "", map[string]any{"aud": "api"}, true},
		{"audience in a list", "api", "", map[string]any{"aud": []string{"web", "api"}}, true},
		{"audience missing", "api", "", nil, false},
		{"audience differs", "api", "", map[string]any{"aud": "web"}, false},
		{"audience not in the list", "api", "", map[string]any{"aud": []string{"web"}}, false},
		{"audience empty list", "api", "", map[string]any{"aud": []string{}}, false},
		{"audience of another type", "api", "", map[string]any{"aud": 1}, false},
		{"issuer matches", "", "https://auth.example", map[string]any{"iss": "https://auth.example"}, true},
		{"issuer missing", "", "https://auth.example", nil, false},
		{"issuer differs", "", "https://auth.example", map[string]any{"iss": "https://evil.example"}, false},
		{"issuer of another type", "", "1", map[string]any{"iss": 1}, false},
		{"both match", "api", "me", map[string]any{"aud": "api", "iss": "me"}, true},
		{"both configured, issuer wrong", "api", "me", map[string]any{"aud": "api", "iss": "you"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackend(t, c, func(cfg *tokens.Config) { cfg.Audience, cfg.Issuer = tt.audience, tt.issuer })
			_, err := b.Parse(signed(claims(c, tt.changes)), tokens.Access)
			if (err == nil) != tt.valid {
				t.Errorf("Parse error = %v, want valid %v", err, tt.valid)
			}
			if err != nil && err.Error() != tokens.MsgInvalid {
				t.Errorf("error = %q, want %q", err, tokens.MsgInvalid)
			}
		})
	}
}

// TestEncodeWritesAudienceAndIssuer: as simplejwt's TokenBackend.encode, every token the
// backend signs carries aud and iss when they are configured (replacing what the token
// held), so that the backend accepts what it issues; unconfigured, it adds neither.
func TestEncodeWritesAudienceAndIssuer(t *testing.T) {
	c := newClock()
	for _, tt := range []struct{ audience, issuer string }{{"", ""}, {"api", ""}, {"", "me"}, {"api", "me"}} {
		t.Run(tt.audience+"/"+tt.issuer, func(t *testing.T) {
			b := newBackend(t, c, func(cfg *tokens.Config) { cfg.Audience, cfg.Issuer = tt.audience, tt.issuer })
			for _, typ := range []tokens.Type{tokens.Access, tokens.Refresh, tokens.Sliding} {
				tok := b.New(typ)
				tok.Set("user_id", 1)
				tok.Set("aud", "someone-else") // a claim copied from elsewhere does not survive
				raw, err := b.Encode(tok)
				if err != nil {
					t.Fatal(err)
				}
				parsed, err := b.Parse(raw, typ)
				if err != nil {
					t.Errorf("%s: Parse of its own token: %v", typ.Name, err)
					continue
				}
				// Unconfigured, aud is neither written nor checked: the stray one stays.
				wantAud := cmp.Or(tt.audience, "someone-else")
				if parsed.Claims["aud"] != wantAud {
					t.Errorf("%s: aud = %v, want %q", typ.Name, parsed.Claims["aud"], wantAud)
				}
				if _, has := parsed.Claims["iss"]; has != (tt.issuer != "") || (has && parsed.Claims["iss"] != tt.issuer) {
					t.Errorf("%s: iss = %v, want %q", typ.Name, parsed.Claims["iss"], tt.issuer)
				}
			}
		})
	}
}

// TestLeeway checks LEEWAY: exp may be up to leeway in the past, iat and nbf up to leeway
// in the future.
func TestLeeway(t *testing.T) {
	c := newClock()
	tests := []struct {
		name    string
		leeway  time.Duration
		changes map[string]any
		valid   bool
	}{
		{"no leeway, exp now", 0, map[string]any{"exp": c.Unix(0)}, false},
		{"exp 5s ago, 10s leeway", 10 * time.Second, map[string]any{"exp": c.Unix(-5)}, true},
		{"exp 9s ago, 10s leeway", 10 * time.Second, map[string]any{"exp": c.Unix(-9)}, true},
		{"exp 10s ago, 10s leeway", 10 * time.Second, map[string]any{"exp": c.Unix(-10)}, false},
		{"iat 10s ahead, 10s leeway", 10 * time.Second, map[string]any{"iat": c.Unix(10)}, true},
		{"iat 11s ahead, 10s leeway", 10 * time.Second, map[string]any{"iat": c.Unix(11)}, false},
		{"nbf 10s ahead, 10s leeway", 10 * time.Second, map[string]any{"nbf": c.Unix(10)}, true},
		{"nbf 11s ahead, 10s leeway", 10 * time.Second, map[string]any{"nbf": c.Unix(11)}, false},
		{"sub-second leeway counts as none", 900 * time.Millisecond, map[string]any{"exp": c.Unix(0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBackend(t, c, func(cfg *tokens.Config) { cfg.Leeway = tt.leeway })
			_, err := b.Parse(signed(claims(c, tt.changes)), tokens.Access)
			if (err == nil) != tt.valid {
				t.Errorf("Parse error = %v, want valid %v", err, tt.valid)
			}
		})
	}
}

func TestNewBackend(t *testing.T) {
	c := newClock()
	tests := []struct {
		name    string
		alg     string
		keyLen  int
		wantErr string
	}{
		{"HS256 with 32 bytes", "HS256", 32, ""},
		{"HS256 with 31 bytes", "HS256", 31, "at least 32 bytes"},
		{"HS256 with no key", "HS256", 0, "at least 32 bytes"},
		{"HS384 with 48 bytes", "HS384", 48, ""},
		{"HS384 with 47 bytes", "HS384", 47, "at least 48 bytes"},
		{"HS512 with 64 bytes", "HS512", 64, ""},
		{"HS512 with 48 bytes", "HS512", 48, "at least 64 bytes"},
		// An asymmetric algorithm takes a PEM key, not a secret (keys_test.go has the rest).
		{"RS256 with a secret", "RS256", 64, "SIGNING_KEY"},
		{"ES256 with a secret", "ES256", 64, "SIGNING_KEY"},
		{"EdDSA with a secret", "EdDSA", 64, "SIGNING_KEY"},
		{"none", "none", 64, "not supported"},
		{"empty", "", 64, "not supported"},
		{"lowercase hs256", "hs256", 64, "not supported"},
		{"HS1024", "HS1024", 128, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tokens.NewBackend(config(c, func(cfg *tokens.Config) {
				cfg.Algorithm = tt.alg
				cfg.SigningKey = []byte(strings.Repeat("k", tt.keyLen))
			}))
			if tt.wantErr == "" {
				if err != nil || b == nil {
					t.Fatalf("NewBackend = %v, %v", b, err)
				}
				// The backend signs and verifies with that algorithm.
				raw, err := b.Encode(b.New(tokens.Access))
				if err != nil {
					t.Fatal(err)
				}
				header, _ := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
				if want := `{"alg":"` + tt.alg + `","typ":"JWT"}`; string(header) != want {
					t.Errorf("header = %s, want %s", header, want)
				}
				if _, err := b.Parse(raw, tokens.Access); err != nil {
					t.Errorf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewBackend error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	t.Run("nil clock means time.Now", func(t *testing.T) {
		b, err := tokens.NewBackend(config(c, func(cfg *tokens.Config) { cfg.Now = nil }))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(b.Now()); d < 0 || d > time.Minute {
			t.Errorf("Now() = %v", b.Now())
		}
	})
}

func TestTokenTime(t *testing.T) {
	tests := []struct {
		name  string
		value any
		want  int64
		ok    bool
	}{
		{"int64", int64(1700000000), 1700000000, true},
		{"json.Number integer", json.Number("1700000000"), 1700000000, true},
		{"json.Number fraction truncates", json.Number("1700000000.9"), 1700000000, true},
		{"json.Number exponent", json.Number("1.7e9"), 1700000000, true},
		{"float64", float64(1700000000.5), 1700000000, true},
		{"negative", json.Number("-5"), -5, true},
		{"string", "1700000000", 0, false},
		{"bool", true, 0, false},
		{"nil", nil, 0, false},
		{"int (not a decoded type)", 1700000000, 0, false},
		{"json.Number too large", json.Number("1e300"), 0, false},
		{"json.Number not a number", json.Number("abc"), 0, false},
		{"json.Number Inf", json.Number("Inf"), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := &tokens.Token{Claims: map[string]any{"exp": tt.value}}
			got, ok := tok.Time("exp")
			if ok != tt.ok || (ok && got.Unix() != tt.want) {
				t.Errorf("Time = %v (%d), %v; want %d, %v", got, got.Unix(), ok, tt.want, tt.ok)
			}
		})
	}
	if _, ok := (&tokens.Token{Claims: map[string]any{}}).Time("exp"); ok {
		t.Errorf("Time of an absent claim is ok")
	}
}

// TestVerifiedCache checks the backend's memory of verified tokens: a token seen before is
// still re-checked for time, and callers cannot change what the backend remembers.
func TestVerifiedCache(t *testing.T) {
	c := newClock()
	b := newBackend(t, c, nil)
	tok := b.ForUser(1)
	tok.Set("scope", "read")
	raw, err := b.Encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	first, err := b.Parse(raw, tokens.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	first.Set("user_id", 2)
	first.Set("token_type", "access")
	delete(first.Claims, "scope")
	second, err := b.Parse(raw, tokens.Refresh)
	if err != nil {
		t.Fatalf("second Parse: %v", err)
	}
	if str(second.Claims["user_id"]) != "1" || second.Claims["scope"] != "read" {
		t.Errorf("a caller's changes reached the backend: %v", second.Claims)
	}
	if _, err := b.Parse(raw, tokens.Access); err == nil || err.Error() != tokens.MsgWrongType {
		t.Errorf("Parse as access after tampering with a copy: %v", err)
	}

	c.Advance(24*time.Hour - time.Second)
	if _, err := b.Parse(raw, tokens.Refresh); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
	c.Advance(time.Second)
	if _, err := b.Parse(raw, tokens.Refresh); err == nil || err.Error() != tokens.MsgInvalid {
		t.Errorf("at expiry, a remembered token is still refused: got %v", err)
	}

	t.Run("a token refused once is refused again", func(t *testing.T) {
		c := newClock()
		b := newBackend(t, c, nil)
		raw := signed(claims(c, map[string]any{"iat": c.Unix(60)})) // issued in the future
		for i := 0; i < 2; i++ {
			if _, err := b.Parse(raw, tokens.Access); err == nil {
				t.Fatalf("try %d accepted a token from the future", i)
			}
		}
		c.Advance(time.Minute) // now it is valid
		if _, err := b.Parse(raw, tokens.Access); err != nil {
			t.Errorf("once its iat has come: %v", err)
		}
	})
	t.Run("another backend does not share the memory", func(t *testing.T) {
		other := newBackend(t, c, func(cfg *tokens.Config) { cfg.SigningKey = []byte("a-completely-different-key-0123456789abcdef") })
		raw, _ := b.Encode(b.New(tokens.Access))
		if _, err := b.Parse(raw, tokens.Access); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Parse(raw, tokens.Access); err == nil {
			t.Errorf("a backend with another key accepted it")
		}
	})
}

// Access tokens are remembered once verified; refresh tokens, which rotation makes
// single-use, are not: under a refresh load they would only fill the memory.
func TestVerifiedCacheKeepsAccessTokensOnly(t *testing.T) {
	c := newClock()
	b := newBackend(t, c, nil)
	for _, typ := range []tokens.Type{tokens.Access, tokens.Refresh} {
		raw, err := b.Encode(b.New(typ))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Parse(raw, typ); err != nil {
			t.Fatal(err)
		}
		if got, want := b.Remembered(raw), typ == tokens.Access; got != want {
			t.Errorf("%s token remembered: %v, want %v", typ.Name, got, want)
		}
	}
}
