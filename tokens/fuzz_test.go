package tokens_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"ginrest/jsontext"
	"ginrest/tokens"
)

// FuzzParse feeds arbitrary strings to the decoder. It never panics, every refusal is a
// token error, and nothing validates unless the key signed it (Encode, or the test's own
// signer): a token that passes must carry the header and payload of one of the seeds and
// the same signature bytes, a header and payload that are text (see jsontext) and no kid,
// since the key has none. (Base64's unused trailing bits are not compared: a signature
// segment differing only there decodes to the same bytes, in golang-jwt as in PyJWT.)
func FuzzParse(f *testing.F) {
	c := newClock()
	b := newBackend(f, c, nil)
	// produced holds what the key signed: header.payload → signature. The seeds are built
	// deterministically (fixed clock, fixed jti), because every fuzzing worker runs this
	// setup again and must agree with the coordinator's seeds.
	produced := map[string][]byte{}
	mint := func(raw string) string {
		i := strings.LastIndexByte(raw, '.')
		sig, _ := base64.RawURLEncoding.DecodeString(raw[i+1:])
		produced[raw[:i]] = sig
		return raw
	}
	encode := func(tok *tokens.Token, jti string) string {
		tok.Set("jti", jti)
		raw, err := b.Encode(tok)
		if err != nil {
			f.Fatal(err)
		}
		return mint(raw)
	}
	access := b.New(tokens.Access)
	access.Set("user_id", 1)
	refresh := b.ForUser("alice")
	refresh.Set("aud", []string{"api"})
	for _, s := range []string{
		encode(access, "00000000000040008000000000000001"),
		encode(refresh, "00000000000040008000000000000002"),
		encode(b.New(tokens.Sliding), "00000000000040008000000000000003"),
		encode(b.AccessFrom(refresh), "00000000000040008000000000000004"),
		"", ".", "..", "a.b.c", "garbage",
		mint(signed(claims(c, map[string]any{"jti": nil}))),
		mint(signed(claims(c, map[string]any{"exp": "9999999999"}))),
		mint(signed(claims(c, map[string]any{"token_type": nil}))),
		mint(signed(claims(c, map[string]any{"exp": c.Unix(0)}))),
		craft(`{"alg":"none"}`, claims(c, nil), "none", nil),
		craft(`{"alg":"HS512"}`, claims(c, nil), "HS512", key),
		craft(hs256Header, claims(c, nil), "HS256", []byte("some-other-signing-key-0123456789abcdef")),
		mint(craft(`{"alg":"HS256","crit":["b64"],"b64":false}`, claims(c, nil), "HS256", key)),
		mint(craft(`{"alg":"HS256","jwk":{}}`, claims(c, nil), "HS256", key)),
		mint(signed(`{"exp":1e400,"iat":-1e400,"nbf":"x","jti":[],"token_type":{}}`)),
		mint(signed(`[]`)), mint(signed(`null`)), mint(signed(`"s"`)),
		mint(signed(`{"exp":` + strings.Repeat("[", 10000) + `}`)),
		// Signed, but not text: refused, however good the rest is.
		mint(craft("{\"alg\":\"HS256\",\"x\":\"\xff\"}", claims(c, nil), "HS256", key)),
		mint(craft(`{"alg":"HS256","x":"\udc00"}`, claims(c, nil), "HS256", key)),
		mint(signed(strings.Replace(claims(c, nil), "{", `{"x":"\ud800",`, 1))),
		mint(signed(strings.Replace(claims(c, nil), "{", "{\"x\":\"\xed\xa0\x80\",", 1))),
		mint(signed(strings.Replace(claims(c, nil), "{", `{"x":"\ud83d\ude00",`, 1))),
		mint(craft(`{"alg":"HS256","kid":"k"}`, claims(c, nil), "HS256", key)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, parse := range []func() (*tokens.Token, error){
			func() (*tokens.Token, error) { return b.Parse(raw, tokens.Access) },
			func() (*tokens.Token, error) { return b.Parse(raw, tokens.Refresh) },
			func() (*tokens.Token, error) { return b.ParseUntyped(raw) },
			func() (*tokens.Token, error) {
				claims, err := b.Decode(raw)
				if err != nil {
					return nil, err
				}
				return &tokens.Token{Claims: claims, Raw: raw}, nil
			},
		} {
			tok, err := parse()
			if err != nil {
				if _, ok := tokens.AsError(err); !ok || tok != nil {
					t.Fatalf("Parse(%q) = %v, %#v: want a token error and no token", raw, tok, err)
				}
				continue
			}
			i := strings.LastIndexByte(raw, '.')
			want, ok := produced[raw[:i]]
			if !ok {
				t.Fatalf("Parse(%q) validated a token the key never signed: %v", raw, tok.Claims)
			}
			sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
			if err != nil || !bytes.Equal(sig, want) {
				t.Fatalf("Parse(%q) validated a signature the key never made", raw)
			}
			if tok.Raw != raw {
				t.Fatalf("Raw = %q, want %q", tok.Raw, raw)
			}
			header, _ := base64.RawURLEncoding.DecodeString(raw[:strings.IndexByte(raw, '.')])
			payload, _ := base64.RawURLEncoding.DecodeString(raw[strings.IndexByte(raw, '.')+1 : i])
			if !jsontext.Valid(header) || !jsontext.Valid(payload) {
				t.Fatalf("Parse(%q) validated a header or payload that is not text: %q, %q", raw, header, payload)
			}
			var fields map[string]any
			if _ = json.Unmarshal(header, &fields); fields["kid"] != nil {
				t.Fatalf("Parse(%q) validated a kid, which names no key here: %q", raw, header)
			}
		}
	})
}
