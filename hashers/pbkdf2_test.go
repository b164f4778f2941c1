package hashers

import (
	"encoding/base64"
	"strings"
	"testing"
)

// djangoVectors were produced by Django 3.2's make_password (260000
// iterations, its default at the time).
var djangoVectors = []struct {
	user, password, encoded string
}{
	{"alice", "wonderland-42", "pbkdf2_sha256$260000$zLxB7vLTxog1T0yfjB70P5$sJLdRSpJCQtl9aMwlPt3TlOibpFvwJjoHTPeqFwBydE="},
	{"bob", "bob-secret-42", "pbkdf2_sha256$260000$mMysgNlNdywIO9XVI6wJyf$wyitUvrsYkd8PjvB7UmzR5OhsA/d9d4TB6u3nxpIcYc="},
	{"admin", "admin-secret-42", "pbkdf2_sha256$260000$Gbx2ihMq0Y3b5fc9Px5fu8$Hon9BpkmiD0Q6ipM3sBfUsmRCTgFoNEjRly8N97rlcI="},
}

// pythonVectors were computed with Python 3.11, exactly as Django does:
//
//	"pbkdf2_sha256$%d$%s$%s" % (it, salt, base64.b64encode(
//	    hashlib.pbkdf2_hmac("sha256", pw.encode(), salt.encode(), it)).decode())
//
// They are hard-coded so the test needs no Python.
var pythonVectors = []struct {
	name, password, salt string
	iterations           int
	encoded              string
}{
	{"one iteration", "password", "seasalt", 1, "pbkdf2_sha256$1$seasalt$YQUqaoGGIdcjQtCPUVvu1oIcyb7WgPW9b7k/hvRudOk="},
	{"1000 iterations", "password", "seasalt", 1000, "pbkdf2_sha256$1000$seasalt$YIWkt6M1JFXrHg5s0jZjBSc7C2Cz6QvchSJ0h8Y+i7c="},
	{"10000 iterations", "wonderland-42", "zLxB7vLTxog1T0yfjB70P5", 10000, "pbkdf2_sha256$10000$zLxB7vLTxog1T0yfjB70P5$YHpNkpCpIAGpP1dgBX0/c5Q3OVq4Zpm0NTaq9RjwgP4="},
	{"unicode", "pässwörd-✓", "Qw3rTy7uIoP9aSdFgHjKlZ", 1000, "pbkdf2_sha256$1000$Qw3rTy7uIoP9aSdFgHjKlZ$xap0J+XsJg8aRP9Ru3V0noWGTcvT2xrhkeSOuE4sO0g="},
	{"surrounding spaces kept", " spaced ", "spacedSalt12", 1000, "pbkdf2_sha256$1000$spacedSalt12$iSeTyPPLhXyCimqkTIGX2Jf8aUhjH3w0Hdo98II3nYc="},
	{"no spaces", "spaced", "spacedSalt12", 1000, "pbkdf2_sha256$1000$spacedSalt12$FRVP3rJ6AWAXFx1lRBg/3pdy+knu2g4ivcW081V6Xfk="},
	{"empty password", "", "emptySalt", 1000, "pbkdf2_sha256$1000$emptySalt$7TmYcXhxjdhq2MUSfWck7vfTRLTZWY6OzuU8UF+WoRA="},
}

func TestCheckDjangoVectors(t *testing.T) {
	for _, v := range djangoVectors {
		t.Run(v.user, func(t *testing.T) {
			if ok, mu := Check(v.password, v.encoded, 260000); !ok || mu {
				t.Errorf("Check(right, 260000) = %v, %v; want true, false", ok, mu)
			}
			if ok, mu := Check(v.password, v.encoded, 1000); !ok || !mu {
				t.Errorf("Check(right, 1000) = %v, %v; want true, true", ok, mu)
			}
			if ok, mu := Check(v.password+"x", v.encoded, 1000); ok || mu {
				t.Errorf("Check(wrong) = %v, %v; want false, false", ok, mu)
			}
			if ok, _ := Check(strings.ToUpper(v.password), v.encoded, 260000); ok {
				t.Error("Check(upper-cased password) = true; want false")
			}
		})
	}
}

func TestEncodePythonVectors(t *testing.T) {
	for _, v := range pythonVectors {
		t.Run(v.name, func(t *testing.T) {
			got, err := Encode(v.password, v.salt, v.iterations)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if got != v.encoded {
				t.Errorf("Encode =\n %s\nwant\n %s", got, v.encoded)
			}
			if ok, mu := Check(v.password, v.encoded, v.iterations); !ok || mu {
				t.Errorf("Check(right) = %v, %v; want true, false", ok, mu)
			}
			// Not password+"\x00": HMAC zero-pads short keys, so trailing
			// NULs give the same key in PBKDF2 (in Django too).
			if ok, _ := Check(v.password+"!", v.encoded, v.iterations); ok {
				t.Error("Check(wrong password) = true; want false")
			}
		})
	}
}

// Passwords must not be trimmed: each of these must fail against the hash
// of the other spelling.
func TestCheckDoesNotTrim(t *testing.T) {
	spaced := pythonVectors[4]
	plain := pythonVectors[5]
	if spaced.password != " spaced " || plain.password != "spaced" {
		t.Fatal("vector table reordered; fix indices")
	}
	if spaced.encoded == plain.encoded {
		t.Fatal("spaced and plain vectors are identical")
	}
	for _, pw := range []string{"spaced", " spaced", "spaced ", "  spaced  "} {
		if ok, _ := Check(pw, spaced.encoded, 1000); ok {
			t.Errorf("Check(%q, hash of %q) = true", pw, spaced.password)
		}
	}
	if ok, _ := Check(" spaced ", plain.encoded, 1000); ok {
		t.Errorf("Check(%q, hash of %q) = true", " spaced ", plain.password)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name       string
		salt       string
		iterations int
	}{
		{"empty salt", "", 1000},
		{"dollar in salt", "ab$cd", 1000},
		{"only dollar", "$", 1000},
		{"zero iterations", "salt", 0},
		{"negative iterations", "salt", -1},
		{"above cap", "salt", maxIterations + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Encode("pw", tt.salt, tt.iterations); err == nil {
				t.Errorf("Encode(%q, %d) = %q, nil; want error", tt.salt, tt.iterations, got)
			}
		})
	}
}

func TestMake(t *testing.T) {
	const iters = 1000
	a, err := Make("s3cret ", iters)
	if err != nil {
		t.Fatalf("Make: %v", err)
	}
	b, err := Make("s3cret ", iters)
	if err != nil {
		t.Fatalf("Make: %v", err)
	}
	for _, enc := range []string{a, b} {
		parts := strings.Split(enc, "$")
		if len(parts) != 4 || parts[0] != Algorithm || parts[1] != "1000" {
			t.Fatalf("Make = %q; want %s$1000$<salt>$<hash>", enc, Algorithm)
		}
		if len(parts[2]) != 22 {
			t.Errorf("salt %q has length %d; want 22", parts[2], len(parts[2]))
		}
		if s := strings.Trim(parts[2], alphabet); s != "" {
			t.Errorf("salt %q has characters outside the alphabet: %q", parts[2], s)
		}
		if ok, mu := Check("s3cret ", enc, iters); !ok || mu {
			t.Errorf("Check(Make) = %v, %v; want true, false", ok, mu)
		}
		if ok, mu := Check("s3cret ", enc, 2*iters); !ok || !mu {
			t.Errorf("Check(Make, other iterations) = %v, %v; want true, true", ok, mu)
		}
		if ok, _ := Check("s3cret", enc, iters); ok {
			t.Error("Check(trimmed password) = true; want false")
		}
	}
	if a == b {
		t.Errorf("two Make calls gave the same hash %q", a)
	}
	if strings.Split(a, "$")[2] == strings.Split(b, "$")[2] {
		t.Errorf("two Make calls gave the same salt")
	}
	if _, err := Make("pw", 0); err == nil {
		t.Error("Make(iterations 0) = nil error; want error")
	}
}

// Fed every byte value once, the mapping must yield each character exactly
// 248/62 = 4 times; any modulo bias would give some characters 5.
func TestAppendCharsUnbiased(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	got := appendChars(nil, all, 1000)
	if len(got) != 248 {
		t.Fatalf("accepted %d of 256 byte values; want 248", len(got))
	}
	count := map[byte]int{}
	for _, c := range got {
		count[c]++
	}
	for i := 0; i < len(alphabet); i++ {
		if count[alphabet[i]] != 4 {
			t.Errorf("character %q appeared %d times; want 4", alphabet[i], count[alphabet[i]])
		}
	}
	if got := appendChars([]byte("ab"), all, 5); string(got) != "ababc" {
		t.Errorf("appendChars stopping at n: got %q; want %q", got, "ababc")
	}
}

// Every alphabet character should turn up, and nothing else should.
func TestRandomStringAlphabet(t *testing.T) {
	seen := map[rune]bool{}
	for range 200 {
		s := randomString(50)
		if len(s) != 50 {
			t.Fatalf("len(randomString(50)) = %d", len(s))
		}
		for _, r := range s {
			if !strings.ContainsRune(alphabet, r) {
				t.Fatalf("randomString produced %q", r)
			}
			seen[r] = true
		}
	}
	if len(seen) != len(alphabet) {
		t.Errorf("saw %d distinct characters in 10000 draws; want %d", len(seen), len(alphabet))
	}
}

func TestUnusable(t *testing.T) {
	a, b := Unusable(), Unusable()
	for _, u := range []string{a, b} {
		if len(u) != 41 || u[0] != '!' {
			t.Errorf("Unusable() = %q; want '!' + 40 characters", u)
		}
		if s := strings.Trim(u[1:], alphabet); s != "" {
			t.Errorf("Unusable() = %q has characters outside the alphabet", u)
		}
		if IsUsable(u) {
			t.Errorf("IsUsable(%q) = true", u)
		}
		if ok, _ := Check("", u, 1000); ok {
			t.Errorf("Check(\"\", %q) = true", u)
		}
	}
	if a == b {
		t.Errorf("two Unusable calls gave %q", a)
	}
}

func TestIsUsable(t *testing.T) {
	tests := []struct {
		encoded string
		want    bool
	}{
		{"", false},
		{"!", false},
		{"!abc", false},
		{"!" + pythonVectors[0].encoded, false},
		{pythonVectors[0].encoded, true},
		{"md5$whatever", true}, // usable-looking, just not ours
	}
	for _, tt := range tests {
		t.Run(tt.encoded, func(t *testing.T) {
			if got := IsUsable(tt.encoded); got != tt.want {
				t.Errorf("IsUsable(%q) = %v; want %v", tt.encoded, got, tt.want)
			}
		})
	}
}

// Dummy silently discards errors, so a bad fixed salt would make it do no
// work at all and reopen the username-timing leak.
func TestDummySaltIsValid(t *testing.T) {
	if _, err := Encode("pw", dummySalt, 1); err != nil {
		t.Fatalf("Encode with dummySalt: %v", err)
	}
	Dummy("pw", 1000)
	Dummy("", 0) // invalid iterations: must not panic
}

func TestCheckMalformed(t *testing.T) {
	// Every row below uses the right password and differs from a valid hash
	// in one way only, so a row passing means that check is missing.
	const pw = "password"
	valid := pythonVectors[1].encoded // pbkdf2_sha256$1000$seasalt$<hash>
	hash := strings.Split(valid, "$")[3]
	raw, _ := base64.StdEncoding.DecodeString(hash)
	b64 := base64.StdEncoding.EncodeToString

	if ok, _ := Check(pw, valid, 1000); !ok {
		t.Fatal("control: valid hash does not verify")
	}

	tests := []struct{ name, encoded string }{
		{"empty", ""},
		{"bang only", "!"},
		{"unusable prefix on valid hash", "!" + valid},
		{"other algorithm", "pbkdf2_sha1$1000$seasalt$" + hash},
		{"md5", "md5$seasalt$" + hash},
		{"algorithm case", "PBKDF2_SHA256$1000$seasalt$" + hash},
		{"algorithm only", Algorithm},
		{"too few parts", Algorithm + "$1000$" + hash},
		{"too many parts", valid + "$"},
		{"extra field", Algorithm + "$1000$sea$salt$" + hash},
		// The hash really is "password" with an empty salt (Python), so this
		// row only fails because empty salts are refused, as Django does.
		{"empty salt", Algorithm + "$1000$$JpOWgdGZlaLO+3uQ0T4TQ/CbMPCrvQdBaiO5vDxbNTY="},
		{"empty iterations", Algorithm + "$$seasalt$" + hash},
		{"non-numeric iterations", Algorithm + "$abc$seasalt$" + hash},
		{"signed iterations", Algorithm + "$+1000$seasalt$" + hash},
		{"spaced iterations", Algorithm + "$ 1000$seasalt$" + hash},
		{"zero iterations", Algorithm + "$0$seasalt$" + hash},
		{"negative iterations", Algorithm + "$-1000$seasalt$" + hash},
		{"iterations above cap", Algorithm + "$999999999$seasalt$" + hash},
		{"iterations overflow", Algorithm + "$99999999999999999999999$seasalt$" + hash},
		{"empty hash", Algorithm + "$1000$seasalt$"},
		{"invalid base64", Algorithm + "$1000$seasalt$" + strings.Repeat("*", 44)},
		{"missing padding", Algorithm + "$1000$seasalt$" + strings.TrimRight(hash, "=")},
		{"url encoding", Algorithm + "$1000$seasalt$" + base64.URLEncoding.EncodeToString(raw)},
		{"newline in hash", Algorithm + "$1000$seasalt$" + hash[:20] + "\n" + hash[20:]},
		{"short hash", Algorithm + "$1000$seasalt$" + b64(raw[:31])},
		{"long hash", Algorithm + "$1000$seasalt$" + b64(append(raw[:32:32], 0))},
		{"non-canonical padding bits", Algorithm + "$1000$seasalt$" + hash[:42] + flipLowBit(hash[42]) + "="},
		{"flipped byte", Algorithm + "$1000$seasalt$" + b64(flipFirst(raw))},
		{"other salt", Algorithm + "$1000$seasalt2$" + hash},
		{"other iterations", Algorithm + "$1001$seasalt$" + hash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ok, mu := Check(pw, tt.encoded, 1000); ok || mu {
				t.Errorf("Check(%q) = %v, %v; want false, false", tt.encoded, ok, mu)
			}
		})
	}
}

func flipFirst(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[0] ^= 1
	return c
}

// flipLowBit changes a base64 character to the one whose 6-bit value differs
// only in the lowest bit: for the last character of a 32-byte key those
// bits are padding, so a lax decoder would still produce the same key.
func flipLowBit(c byte) string {
	const std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return string(std[strings.IndexByte(std, c)^1])
}

func TestParseIterations(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1, true},
		{"260000", 260000, true},
		{"100000000", maxIterations, true},
		{"100000001", 0, false},
		{"999999999", 0, false},
		{"0", 0, false},
		{"", 0, false},
		{"+5", 0, false},
		{"-5", 0, false},
		{"5 ", 0, false},
		{"1_000", 0, false},
		{"１", 0, false}, // full-width digit
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseIterations(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("parseIterations(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzCheck(f *testing.F) {
	for _, v := range djangoVectors {
		f.Add(v.password, v.encoded)
	}
	for _, v := range pythonVectors {
		f.Add(v.password, v.encoded)
	}
	for _, s := range []string{
		"", "!", "!abc", "$", "$$$", Algorithm, Algorithm + "$", Algorithm + "$$$",
		Algorithm + "$1$s$", Algorithm + "$0$s$AAAA", Algorithm + "$-1$s$AAAA",
		Algorithm + "$1$s$" + strings.Repeat("A", 43) + "=",
		Algorithm + "$1$s$" + strings.Repeat("=", 44),
		Algorithm + "$999999999$s$" + strings.Repeat("A", 43) + "=",
	} {
		f.Add("password", s)
	}
	f.Fuzz(func(t *testing.T, password, encoded string) {
		// Skip only the expensive case: a well-formed count above 10000
		// would make each fuzz execution slow without exercising new code.
		parts := strings.Split(encoded, "$")
		if n, ok := parseIterationsForFuzz(parts); !ok || n <= 10000 {
			ok, mu := Check(password, encoded, 1)
			if mu && !ok {
				t.Fatalf("mustUpdate without match for %q", encoded)
			}
		}

		enc, err := Encode(password, "fixedsalt", 1)
		if err != nil {
			t.Fatalf("Encode(%q): %v", password, err)
		}
		if ok, mu := Check(password, enc, 1); !ok || mu {
			t.Fatalf("Check(%q, Encode) = %v, %v; want true, false", password, ok, mu)
		}
		if ok, mu := Check(password, enc, 2); !ok || !mu {
			t.Fatalf("Check(%q, Encode, 2) = %v, %v; want true, true", password, ok, mu)
		}
	})
}

func parseIterationsForFuzz(parts []string) (int, bool) {
	if len(parts) < 2 {
		return 0, false
	}
	return parseIterations(parts[1])
}
