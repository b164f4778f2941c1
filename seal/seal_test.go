package seal

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestSealer(t *testing.T) {
	const info = "ginrest.test.v1"
	old, err := New(info, "old-key")
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := New(info, "new-key", "old-key")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := New(info, "new-key")
	if err != nil {
		t.Fatal(err)
	}
	otherUse, err := New("ginrest.other.v1", "old-key")
	if err != nil {
		t.Fatal(err)
	}
	sealed := old.Seal([]byte("secret"), []byte("user:1"))
	if sealed == old.Seal([]byte("secret"), []byte("user:1")) {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	tests := []struct {
		name      string
		s         *Sealer
		sealed    string
		ad        string
		wantStale bool
		wantErr   bool
	}{
		{"same key", old, sealed, "user:1", false, false},
		{"a fallback", rotated, sealed, "user:1", true, false},
		{"the current key of a rotation", rotated, rotated.Seal([]byte("secret"), []byte("user:1")), "user:1", false, false},
		{"the fallback retired", fresh, sealed, "user:1", false, true},
		{"another use's key", otherUse, sealed, "user:1", false, true},
		{"other additional data", old, sealed, "user:2", false, true},
		{"changed", old, changed(t, sealed), "user:1", false, true},
		{"no prefix", old, sealed[3:], "user:1", false, true},
		{"short", old, "v1$AAAA", "user:1", false, true},
		{"not base64", old, "v1$!!!!", "user:1", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, stale, err := tt.s.Open(tt.sealed, []byte(tt.ad))
			if tt.wantErr {
				if !errors.Is(err, ErrUnsealable) {
					t.Errorf("Open = %q, %v; want ErrUnsealable", plain, err)
				}
				return
			}
			if err != nil || string(plain) != "secret" || stale != tt.wantStale {
				t.Errorf("Open = %q, stale %v, %v; want secret, stale %v", plain, stale, err, tt.wantStale)
			}
		})
	}
}

// changed flips one bit of the sealed bytes. Rewriting the text instead is flaky: the last
// base64 characters may already be what replaces them, and the last one's low bits are not
// decoded at all.
func changed(t *testing.T, sealed string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(sealed, prefix))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-1] ^= 1
	return prefix + base64.RawURLEncoding.EncodeToString(raw)
}

// FuzzOpen: a sealed value comes back from a browser (the login's state cookie); whatever
// it holds, Open refuses it or opens it, and never panics.
func FuzzOpen(f *testing.F) {
	s, err := New("ginrest.fuzz.v1", "key", "old")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(s.Seal([]byte("x"), nil))
	f.Add("v1$")
	f.Add("v1$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, sealed string) {
		if plain, _, err := s.Open(sealed, nil); err == nil && string(plain) != "x" {
			t.Errorf("opened %q into %q", sealed, plain)
		}
	})
}
