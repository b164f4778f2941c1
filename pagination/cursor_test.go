package pagination

import (
	"encoding/base64"
	"reflect"
	"testing"
)

func TestCursorEncoding(t *testing.T) {
	for _, c := range []cursor{
		{},
		{reverse: true},
		{offset: 3, pos: &position{value: "2024-01-02T03:04:05.123Z", key: "42"}},
		{reverse: true, pos: &position{value: "a&b=c d%", key: ""}},
	} {
		got, ok := decodeCursor(c.encode())
		if !ok || !reflect.DeepEqual(got, c) {
			t.Errorf("%+v encoded as %s decodes as %+v %v", c, c.encode(), got, ok)
		}
	}
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, bad := range []string{"!", "abc", b64("o=-1"), b64("o=1.5"), b64("r=true"), b64("p=\x80")} {
		if c, ok := decodeCursor(bad); ok {
			t.Errorf("decodeCursor(%q) = %+v", bad, c)
		}
	}
	// DRF's cursors: an offset over the cutoff is the cutoff; r is any integer.
	if c, ok := decodeCursor(b64("o=5000&r=2")); !ok || c.offset != offsetCutoff || !c.reverse {
		t.Errorf("DRF cursor: %+v %v", c, ok)
	}
}

// FuzzDecodeCursor: any cursor either decodes or is refused, and one that decodes is
// written back the same.
func FuzzDecodeCursor(f *testing.F) {
	for _, c := range []cursor{{}, {reverse: true, pos: &position{value: "x", key: "1"}}, {offset: 7}} {
		f.Add(c.encode())
	}
	f.Add("cD0yMDI0JmtlPTE=")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, raw string) {
		c, ok := decodeCursor(raw)
		if !ok {
			return
		}
		if c.offset < 0 || c.offset > offsetCutoff {
			t.Fatalf("%q: offset %d", raw, c.offset)
		}
		again, ok := decodeCursor(c.encode())
		if !ok || !reflect.DeepEqual(again, c) {
			t.Fatalf("%q: %+v re-encoded decodes as %+v %v", raw, c, again, ok)
		}
	})
}
