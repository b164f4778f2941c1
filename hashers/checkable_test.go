package hashers

import "testing"

// Checkable is true exactly for the hashes Check pays PBKDF2 for.
func TestCheckable(t *testing.T) {
	good, err := Encode("pw", "somesalt", 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		encoded string
		want    bool
	}{
		{good, true},
		{"", false},
		{Unusable(), false},
		{"!", false},
		{"argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA", false},
		{"pbkdf2_sha256$-1$somesalt$" + good[len(good)-44:], false},
		{"pbkdf2_sha256$10$somesalt$short", false},
	} {
		if got := Checkable(c.encoded); got != c.want {
			t.Errorf("Checkable(%q) = %v, want %v", c.encoded, got, c.want)
		}
	}
}
