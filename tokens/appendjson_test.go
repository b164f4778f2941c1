package tokens

import (
	"encoding/json"
	"math"
	"testing"
)

// appendJSON writes what json.Marshal writes, for the values it writes itself and for the
// ones it hands over.
func TestAppendJSONIsMarshal(t *testing.T) {
	values := []any{
		"", "access", "0123456789abcdef0123456789abcdef", "alice@example.com", "a b",
		`a"b`, `a\b`, "<script>", "a&b", "a>b", "tab\there", "nl\n", "\x00", "\x7f", "é", "\u2028", "\xff",
		int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64), 0, 42, -7,
		true, false, nil, json.Number("12"), json.Number("1.5e3"), 1.5, float64(1e21),
		[]any{"a", 1}, map[string]any{"b": 1, "a": "<"},
	}
	for _, v := range values {
		check(t, v)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("access", int64(1700000000))
	f.Add("<a&b>", int64(-1))
	f.Add("\u2028\xff", int64(0))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		check(t, s)
		check(t, n)
		check(t, int(n))
	})
}

func check(t *testing.T, v any) {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, err := appendJSON([]byte("x"), v)
	if (err != nil) != (wantErr != nil) || (err == nil && string(got) != "x"+string(want)) {
		t.Errorf("appendJSON(%#v) = %q, %v; json.Marshal: %q, %v", v, got, err, want, wantErr)
	}
}
