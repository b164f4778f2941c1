package tokens_test

import (
	"testing"

	"ginrest/tokens"
)

// An access token presented again, as every authenticated request presents it: the
// verified-token cache's path, on the real clock.
func BenchmarkParseAccessCached(b *testing.B) {
	benchmarkParse(b, tokens.Access, func(backend *tokens.Backend) *tokens.Token {
		return backend.AccessFrom(backend.ForUser(int64(7)))
	})
}

// A refresh token, which the cache never keeps: the signature, the JSON and the times
// checked on every use.
func BenchmarkParseRefresh(b *testing.B) {
	benchmarkParse(b, tokens.Refresh, func(backend *tokens.Backend) *tokens.Token { return backend.ForUser(int64(7)) })
}

// benchmarkParse parses, again and again, the token of type typ that issue makes.
func benchmarkParse(b *testing.B, typ tokens.Type, issue func(*tokens.Backend) *tokens.Token) {
	backend := newBackend(b, newClock(), func(cfg *tokens.Config) { cfg.Now = nil })
	raw, err := backend.Encode(issue(backend))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := backend.Parse(raw, typ); err != nil {
			b.Fatal(err)
		}
	}
}

// A refresh token signed, as every login and refresh signs two tokens: the claims written
// in simplejwt's order, the signature, base64.
func BenchmarkEncodeRefresh(b *testing.B) {
	backend := newBackend(b, newClock(), func(cfg *tokens.Config) { cfg.Now = nil })
	b.ReportAllocs()
	for b.Loop() {
		if _, err := backend.Encode(backend.ForUser(int64(7))); err != nil {
			b.Fatal(err)
		}
	}
}
