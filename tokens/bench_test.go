package tokens_test

import (
	"testing"

	"ginrest/tokens"
)

// An access token presented again, as every authenticated request presents it: the
// verified-token cache's path, on the real clock.
func BenchmarkParseAccessCached(b *testing.B) {
	backend := newBackend(b, newClock(), func(cfg *tokens.Config) { cfg.Now = nil })
	raw, err := backend.Encode(backend.AccessFrom(backend.ForUser(int64(7))))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := backend.Parse(raw, tokens.Access); err != nil {
			b.Fatal(err)
		}
	}
}

// A refresh token, which the cache never keeps: the signature, the JSON and the times
// checked on every use.
func BenchmarkParseRefresh(b *testing.B) {
	backend := newBackend(b, newClock(), func(cfg *tokens.Config) { cfg.Now = nil })
	raw, err := backend.Encode(backend.ForUser(int64(7)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := backend.Parse(raw, tokens.Refresh); err != nil {
			b.Fatal(err)
		}
	}
}
