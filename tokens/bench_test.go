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
