package passwords

import (
	"strings"
	"testing"
)

// The expected numbers are Python 3.11's difflib.SequenceMatcher(a=a, b=b).ratio() and
// .quick_ratio(), printed with repr, so they compare exactly.
func TestSequenceMatcherMatchesDifflib(t *testing.T) {
	for _, c := range []struct {
		a, b         string
		ratio, quick float64
	}{
		{"", "", 1.0, 1.0},
		{"a", "", 0.0, 0.0},
		{"abcd", "bcde", 0.75, 0.75},
		{"alice", "alice", 1.0, 1.0},
		{"alice123", "alice", 0.7692307692307693, 0.7692307692307693},
		{"password", "alice", 0.15384615384615385, 0.15384615384615385},
		{"qwerty", "ytrewq", 0.16666666666666666, 1.0},
		{"ａlice", "alice", 0.8, 0.8}, // by code point, not byte
		{"wonderland", "wonderland-42", 0.8695652173913043, 0.8695652173913043},
		{"private_thing", "thing", 0.5555555555555556, 0.5555555555555556},
		{"abxcd", "abcd", 0.8888888888888888, 0.8888888888888888},
		{"looking-glass-7", "alice@example.com", 0.125, 0.3125},
		{"ééa", "aéé", 0.6666666666666666, 1.0},
		// autojunk: in a b of 200 or more, characters over 1% of it anchor no match.
		{strings.Repeat("ab", 150), strings.Repeat("ba", 120), 0.0, 0.8888888888888888},
		{strings.Repeat("x", 10) + strings.Repeat("abc", 70), strings.Repeat("abc", 80) + strings.Repeat("y", 20), 0.0, 0.875},
	} {
		m := newSequenceMatcher(c.a, c.b)
		if got := m.ratio(); got != c.ratio {
			t.Errorf("ratio(%.20q, %.20q) = %v, want %v", c.a, c.b, got, c.ratio)
		}
		if got := m.quickRatio(); got != c.quick {
			t.Errorf("quick_ratio(%.20q, %.20q) = %v, want %v", c.a, c.b, got, c.quick)
		}
	}
}
