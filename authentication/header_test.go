package authentication_test

import (
	"errors"
	"strings"
	"testing"

	"ginrest/authentication"
	"ginrest/rest"
)

// simplejwtRawToken is JWTAuthentication.get_raw_token, transcribed independently of
// RawToken: parts = header.split() (bytes: ASCII whitespace only), None when there are no
// parts or the first is not a known type, an error unless there are exactly two.
func simplejwtRawToken(header string, types []string) (token string, ok, bad bool) {
	parts := strings.FieldsFunc(header, func(r rune) bool { return strings.ContainsRune(" \t\n\r\v\f", r) })
	if len(parts) == 0 {
		return "", false, false
	}
	known := false
	for _, t := range types {
		known = known || parts[0] == t
	}
	if !known {
		return "", false, false
	}
	if len(parts) != 2 {
		return "", true, true
	}
	return parts[1], true, false
}

var bearerOnly = []string{"Bearer"}

func TestRawToken(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln"
	tests := []struct {
		name      string
		header    string
		types     []string
		wantToken string
		wantOK    bool
		wantErr   bool
	}{
		{"empty header", "", bearerOnly, "", false, false},
		{"only whitespace", " \t ", bearerOnly, "", false, false},
		{"other scheme: Token", "Token " + jwt, bearerOnly, "", false, false},
		{"other scheme: Basic", "Basic YWxpY2U6d29uZGVybGFuZC00Mg==", bearerOnly, "", false, false},
		{"lowercase bearer is another scheme", "bearer " + jwt, bearerOnly, "", false, false},
		{"uppercase BEARER is another scheme", "BEARER " + jwt, bearerOnly, "", false, false},
		{"no space after the type", "Bearer" + jwt, bearerOnly, "", false, false},
		{"Bearer alone", "Bearer", bearerOnly, "", true, true},
		{"Bearer with a trailing space", "Bearer ", bearerOnly, "", true, true},
		{"three parts", "Bearer a b", bearerOnly, "", true, true},
		{"three parts, valid token first", "Bearer " + jwt + " extra", bearerOnly, "", true, true},
		{"two parts", "Bearer " + jwt, bearerOnly, jwt, true, false},
		{"multiple spaces", "Bearer    " + jwt, bearerOnly, jwt, true, false},
		{"tab separator", "Bearer\t" + jwt, bearerOnly, jwt, true, false},
		{"leading and trailing whitespace", " \tBearer " + jwt + " \r\n", bearerOnly, jwt, true, false},
		{"vertical tab and form feed separate", "Bearer\v\f" + jwt, bearerOnly, jwt, true, false},
		{"a no-break space does not separate", "Bearer\u00a0" + jwt, bearerOnly, "", false, false},
		{"\\x1c does not separate in bytes.split", "Bearer\x1c" + jwt, bearerOnly, "", false, false},
		{"a no-break space inside the token is part of it", "Bearer a\u00a0b", bearerOnly, "a\u00a0b", true, false},
		{"custom types: second", "Token " + jwt, []string{"JWT", "Token"}, jwt, true, false},
		{"custom types: first", "JWT " + jwt, []string{"JWT", "Token"}, jwt, true, false},
		{"custom types: Bearer no longer ours", "Bearer " + jwt, []string{"JWT", "Token"}, "", false, false},
		{"custom types: malformed", "JWT", []string{"JWT", "Token"}, "", true, true},
		{"no types", "Bearer " + jwt, nil, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, ok, err := authentication.RawToken(tt.header, tt.types)
			if token != tt.wantToken || ok != tt.wantOK || (err != nil) != tt.wantErr {
				t.Fatalf("RawToken(%q) = %q, %v, %v; want %q, %v, error %v", tt.header, token, ok, err, tt.wantToken, tt.wantOK, tt.wantErr)
			}
			if err != nil {
				var e *rest.Error
				if !errors.As(err, &e) || e.Status != 401 || e.Detail != authentication.MsgBadHeader || e.Code != "bad_authorization_header" {
					t.Errorf("error = %#v, want simplejwt's bad_authorization_header 401", err)
				}
			}
			// The transcription of simplejwt agrees (it is the fuzz target's oracle).
			rt, rok, rbad := simplejwtRawToken(tt.header, tt.types)
			if rt != token || rok != ok || rbad != (err != nil) {
				t.Errorf("simplejwt transcription = %q, %v, %v", rt, rok, rbad)
			}
		})
	}
}

func TestRawTokenAllocations(t *testing.T) {
	header := "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln"
	if n := testing.AllocsPerRun(100, func() { _, _, _ = authentication.RawToken(header, bearerOnly) }); n != 0 {
		t.Errorf("RawToken allocates %v times per call, want 0", n)
	}
}

func FuzzRawToken(f *testing.F) {
	for _, s := range []string{
		"", " ", "Bearer", "Bearer ", "Bearer a", "Bearer a b", "bearer a", "Bearer    a", "Bearer\ta",
		"\tBearer a\r\n", "Bearer\u00a0a", "Bearer\x1ca", "Token a", "JWT a", "Basic YWxp", "Bearer\x00a",
		"Bearer \xff\xfe", "Bearer\v\fa b",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(1))
	}
	typeSets := [][]string{bearerOnly, {"JWT", "Token"}, {"Bearer", "bearer", ""}, nil}
	f.Fuzz(func(t *testing.T, header string, which uint8) {
		types := typeSets[int(which)%len(typeSets)]
		token, ok, err := authentication.RawToken(header, types)
		if !ok && (err != nil || token != "") {
			t.Fatalf("RawToken(%q) = %q, %v, %v: not ours yet a token or an error", header, token, ok, err)
		}
		if err == nil && ok {
			if token == "" || strings.ContainsAny(token, " \t\n\r\v\f") {
				t.Fatalf("RawToken(%q) = %q: empty or containing whitespace", header, token)
			}
		}
		if err != nil {
			var e *rest.Error
			if !errors.As(err, &e) || e.Status != 401 || e.Code != "bad_authorization_header" || token != "" {
				t.Fatalf("RawToken(%q) error = %#v, token %q", header, err, token)
			}
		}
		rt, rok, rbad := simplejwtRawToken(header, types)
		if rt != token || rok != ok || rbad != (err != nil) {
			t.Fatalf("RawToken(%q, %q) = %q, %v, %v; simplejwt: %q, %v, bad %v", header, types, token, ok, err, rt, rok, rbad)
		}
	})
}

// TestRawTokenEveryPosition: RawToken scans eight bytes at a time; a byte that ends a word
// or looks as if it might (a control character, a byte of 0x80 and up), at every position
// of a long token and around it, gives simplejwt's answer.
func TestRawTokenEveryPosition(t *testing.T) {
	token := strings.Repeat("eyJ0eXAiOiJKV1QiLC", 3)
	for i := 0; i <= len(token); i++ {
		for _, c := range []string{" ", "\t", "\n", "\r", "\v", "\f", "\x00", "\x1c", "\x1f", "!", "\x7f", "\x80", "\xa0", "\xff", "\u00a0"} {
			for _, header := range []string{"Bearer " + token[:i] + c + token[i:], "Bearer " + token[:i] + c, "Bearer " + token[:i] + c + " x"} {
				got, ok, err := authentication.RawToken(header, bearerOnly)
				rt, rok, rbad := simplejwtRawToken(header, bearerOnly)
				if got != rt || ok != rok || (err != nil) != rbad {
					t.Fatalf("RawToken(%q) = %q, %v, %v; simplejwt: %q, %v, bad %v", header, got, ok, err, rt, rok, rbad)
				}
			}
		}
	}
}

// An access token's header, as every authenticated request sends it (a 236-character
// token: the demo's claims, HS256).
func BenchmarkRawToken(b *testing.B) {
	header := "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + strings.Repeat("eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzAwMDAwMDAw", 3) +
		".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmUtc2lnbmF0dXJl"
	for b.Loop() {
		if _, ok, err := authentication.RawToken(header, bearerOnly); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
