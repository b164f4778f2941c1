package rest_test

import (
	"errors"
	"testing"

	"ginrest/rest"
)

// TestParseJSONText checks the bodies encoding/json would quietly change: bytes that are
// not UTF-8 (in Python's words, as DRF's message has them) and unpaired surrogate escapes.
func TestParseJSONText(t *testing.T) {
	tests := []struct {
		name, body string
		want       string // the detail, "" for accepted
	}{
		{"a surrogate pair", `"\ud83d\ude00"`, ""},
		{"a pair in upper case", `"\uD83D\uDE00"`, ""},
		{"an escaped backslash before u", `"\\ud800"`, ""},
		{"an escaped backslash, then a pair", `"\\\ud83d\ude00"`, ""},
		{"U+FFFD itself", `"\ufffd�"`, ""},
		{"non-ASCII text", `{"é":"日本語😀"}`, ""},
		{"a lone high half", `"\ud800"`, `unpaired surrogate escape \ud800 at offset 1`},
		{"a lone low half", `["ok","\udc00"]`, `unpaired surrogate escape \udc00 at offset 7`},
		{"high then not low", `"\ud800\u0041"`, `unpaired surrogate escape \ud800 at offset 1`},
		{"two highs", `"\ud800\ud800\udc00"`, `unpaired surrogate escape \ud800 at offset 1`},
		{"low then high", `"\udc00\ud800"`, `unpaired surrogate escape \udc00 at offset 1`},
		{"high at the end of a key", `{"\uDBFF":1}`, `unpaired surrogate escape \uDBFF at offset 2`},
		{"a backslash pair then a lone half", `"\\\ud800"`, `unpaired surrogate escape \ud800 at offset 3`},
		{"invalid start byte", "\"\x80\"", `'utf-8' codec can't decode byte 0x80 in position 1: invalid start byte`},
		{"overlong", "\"\xc0\xaf\"", `'utf-8' codec can't decode byte 0xc0 in position 1: invalid start byte`},
		{"UTF-8 encoded surrogate", "\"\xed\xa0\x80\"", `'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte`},
		{"truncated at the end", "\"\xe2\x82", `'utf-8' codec can't decode bytes in position 1-2: unexpected end of data`},
		{"bad third byte", "\"\xe2\x82(\"", `'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte`},
		{"above U+10FFFF", "\"\xf4\x90\x80\x80\"", `'utf-8' codec can't decode byte 0xf4 in position 1: invalid continuation byte`},
		{"the first error is named", "\"ok\xff\xfe\"", `'utf-8' codec can't decode byte 0xff in position 3: invalid start byte`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rest.ParseJSON([]byte(tt.body))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("ParseJSON(%q) = %v, want accepted", tt.body, err)
				}
				return
			}
			var e *rest.Error
			if !errors.As(err, &e) || e.Status != 400 || e.Detail != "JSON parse error - "+tt.want {
				t.Fatalf("ParseJSON(%q) = %#v, want 400 %q", tt.body, err, "JSON parse error - "+tt.want)
			}
		})
	}
}
