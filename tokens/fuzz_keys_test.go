package tokens_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"ginrest/tokens"
)

// FuzzParseKeys is FuzzParse for a backend with key rotation: EdDSA, a signing key and a
// previous key chosen by kid. Nothing validates unless one of the two keys signed exactly
// that header and payload. The keys come from fixed seeds (throwaway test keys), so every
// fuzzing worker has the same ones, and Ed25519 signatures are deterministic and, as Go
// checks them, not malleable.
func FuzzParseKeys(f *testing.F) {
	c := newClock()
	current := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	previous := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
	b := newBackend(f, c, asymmetric("EdDSA", privatePEM(f, current), func(cfg *tokens.Config) {
		cfg.KeyID, cfg.VerifyingKeys = "new", map[string]string{"old": publicPEM(f, previous.Public())}
	}))
	old := newBackend(f, c, asymmetric("EdDSA", privatePEM(f, previous), func(cfg *tokens.Config) { cfg.KeyID = "old" }))
	produced := map[string][]byte{}
	mint := func(raw string) string {
		i := strings.LastIndexByte(raw, '.')
		sig, _ := base64.RawURLEncoding.DecodeString(raw[i+1:])
		produced[raw[:i]] = sig
		return raw
	}
	encode := func(backend *tokens.Backend, tok *tokens.Token, jti string) string {
		tok.Set("jti", jti)
		raw, err := backend.Encode(tok)
		if err != nil {
			f.Fatal(err)
		}
		return mint(raw)
	}
	// Each crafted token has its own jti, so no two share a header and payload.
	n := 0
	sign := func(header string, k ed25519.PrivateKey) string {
		n++
		signing := b64(header) + "." + b64(claims(c, map[string]any{"jti": strings.Repeat("0", 31) + string(rune('a'+n))}))
		return mint(signing + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(k, []byte(signing))))
	}
	publicDER := []byte(publicPEM(f, current.Public()))
	for _, s := range []string{
		encode(b, b.ForUser(1), "00000000000040008000000000000001"),
		encode(b, b.New(tokens.Access), "00000000000040008000000000000002"),
		encode(old, old.ForUser("alice"), "00000000000040008000000000000003"),
		sign(`{"alg":"EdDSA"}`, current),                       // no kid: the current key
		sign(`{"alg":"EdDSA"}`, previous),                      // no kid, previous key: refused
		sign(`{"alg":"EdDSA","kid":"old"}`, current),           // kid and key disagree: refused
		sign(`{"alg":"EdDSA","kid":"other"}`, current),         // unknown kid: refused
		sign(`{"alg":"EdDSA","kid":"new","jku":"x"}`, current), // jku: refused
		craft(`{"alg":"HS256","kid":"new"}`, claims(c, nil), "HS256", publicDER),
		craft(`{"alg":"none","kid":"new"}`, claims(c, nil), "none", nil),
		"", "..", "a.b.c",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := b.ParseUntyped(raw)
		if err != nil {
			if _, ok := tokens.AsError(err); !ok || tok != nil {
				t.Fatalf("ParseUntyped(%q) = %v, %#v: want a token error and no token", raw, tok, err)
			}
			return
		}
		i := strings.LastIndexByte(raw, '.')
		want, ok := produced[raw[:i]]
		if !ok {
			t.Fatalf("ParseUntyped(%q) validated a token no key signed: %v", raw, tok.Claims)
		}
		sig, err := base64.RawURLEncoding.DecodeString(raw[i+1:])
		if err != nil || !bytes.Equal(sig, want) {
			t.Fatalf("ParseUntyped(%q) validated a signature no key made", raw)
		}
	})
}
