package jsontext_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"ginrest/jsontext"
)

func TestValid(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{`{"a":"b"}`, true},
		{`"\ud83d\ude00"`, true},
		{`"\\ud800"`, true},        // an escaped backslash, then text
		{`"\\\ud83d\ude00"`, true}, // an escaped backslash, then a pair
		{`"\u12"`, true},           // malformed: left to the JSON decoder
		{`\`, true},
		{`"\ud800"`, false},
		{`"\udfff"`, false},
		{`"\ud800\ud800"`, false},
		{`"\ud800\u00e9"`, false},
		{`"\\\ud800"`, false},
		{"\"\xff\"", false},
		{"\"\xed\xa0\x80\"", false}, // a surrogate encoded in UTF-8
	}
	for _, tt := range tests {
		if got := jsontext.Valid([]byte(tt.text)); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// FuzzValid compares Valid with encoding/json, which reads exactly what Valid refuses as
// U+FFFD: for a well-formed document with no U+FFFD of its own, Valid says yes exactly when
// the decoded value has none.
func FuzzValid(f *testing.F) {
	for _, s := range []string{`""`, `"\ud800"`, `"\\ud800"`, `["\ud83d\ude00","\udc00"]`, `{"\uDBFF\uDFFF":1}`, "\"\xff\"", `"\u00e9\\"`, `1E1000`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		valid := jsontext.Valid(b)
		if (jsontext.UTF8Error(b) == "") != utf8.Valid(b) {
			t.Fatalf("UTF8Error(%q) = %q, utf8.Valid = %v", b, jsontext.UTF8Error(b), utf8.Valid(b))
		}
		if (jsontext.SurrogateError(b) == "") != (jsontext.LoneSurrogate(b) < 0) {
			t.Fatalf("SurrogateError and LoneSurrogate disagree on %q", b)
		}
		if !json.Valid(b) || bytes.Contains(b, []byte("\uFFFD")) || bytes.Contains(bytes.ToLower(b), []byte(`\ufffd`)) {
			return
		}
		// Numbers as text: a number past float64's range (1E1000) is valid JSON, which
		// decoding into a float64 would refuse.
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if replaced := hasReplacement(v); replaced == valid {
			t.Fatalf("Valid(%q) = %v, but encoding/json reads it as %q", b, valid, v)
		}
	})
}

func hasReplacement(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.ContainsRune(x, utf8.RuneError)
	case []any:
		for _, item := range x {
			if hasReplacement(item) {
				return true
			}
		}
	case map[string]any:
		for k, item := range x {
			if strings.ContainsRune(k, utf8.RuneError) || hasReplacement(item) {
				return true
			}
		}
	}
	return false
}
