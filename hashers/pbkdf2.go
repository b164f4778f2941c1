// Package hashers reads and writes password hashes in the format of
// Django's PBKDF2PasswordHasher, so that users created by an existing
// Django site can log in here and hashes written here still work there.
//
// An encoded hash looks like
//
//	pbkdf2_sha256$<iterations>$<salt>$<base64 of 32-byte PBKDF2-HMAC-SHA256 key>
//
// Passwords are hashed exactly as given (their UTF-8 bytes); nothing is
// trimmed or normalised, because Django does not do so either and any
// difference would lock users out.
package hashers

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Algorithm is the prefix Django writes for PBKDF2PasswordHasher hashes.
const Algorithm = "pbkdf2_sha256"

const (
	// keyLen is the size of a SHA-256 digest, which is what Django derives.
	keyLen = sha256.Size
	// encodedKeyLen is len(base64.StdEncoding.EncodeToString(32 bytes)).
	encodedKeyLen = 44
	// saltLen matches Django's get_random_string(22) salt (~131 bits).
	saltLen = 22
	// unusableLen matches Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH.
	unusableLen = 40
	// maxIterations bounds the work one stored hash can demand, so a
	// corrupt or hostile database row cannot stall a request for minutes.
	maxIterations = 100_000_000
	// alphabet is Django's RANDOM_STRING_CHARS.
	alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// dummySalt is any fixed valid salt; Dummy only needs the cost.
	dummySalt = "dummysaltdummysaltdumm"
)

// Make hashes password with a fresh random salt. Use it whenever a password
// is set or re-hashed after Check reports mustUpdate.
func Make(password string, iterations int) (string, error) {
	return Encode(password, randomString(saltLen), iterations)
}

// Encode hashes password with the given salt. It is deterministic, which is
// what makes it testable against hashes produced by Django; production code
// should call Make so that every hash gets its own salt.
func Encode(password, salt string, iterations int) (string, error) {
	if salt == "" || strings.Contains(salt, "$") {
		return "", errors.New("hashers: salt must be non-empty and must not contain '$'")
	}
	if iterations < 1 || iterations > maxIterations {
		return "", errors.New("hashers: iterations out of range")
	}
	key, err := pbkdf2.Key(sha256.New, password, []byte(salt), iterations, keyLen)
	if err != nil {
		return "", err
	}
	return Algorithm + "$" + strconv.Itoa(iterations) + "$" + salt + "$" +
		base64.StdEncoding.EncodeToString(key), nil
}

// Check reports whether password matches encoded. mustUpdate is true when
// it matched but was stored with a different iteration count than
// iterations, so the caller can re-hash with Make while it still holds the
// plain password (Django's must_update). Malformed or foreign input yields
// false rather than an error: to a login form it is simply a wrong password.
func Check(password, encoded string, iterations int) (ok bool, mustUpdate bool) {
	salt, stored, want, ok := decode(encoded)
	if !ok {
		return false, false
	}
	got, err := pbkdf2.Key(sha256.New, password, []byte(salt), stored, keyLen)
	if err != nil {
		return false, false
	}
	// Constant time, so response timing does not reveal how many leading
	// bytes of a guess were right.
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false
	}
	return true, stored != iterations
}

// Checkable reports whether Check would hash a password to compare it with
// encoded: false for an unusable password and for anything not a
// well-formed PBKDF2 hash, which Check refuses at no cost. A login against
// such a hash must still pay for one hash (Django's CVE-2024-39329 fix),
// or its speed would tell that the account has no usable password.
func Checkable(encoded string) bool {
	_, _, _, ok := decode(encoded)
	return ok
}

// decode splits a usable, well-formed hash into its salt, iteration count
// and digest.
func decode(encoded string) (salt string, iterations int, digest []byte, ok bool) {
	if !IsUsable(encoded) {
		return "", 0, nil, false
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != Algorithm || parts[2] == "" {
		return "", 0, nil, false
	}
	iterations, ok = parseIterations(parts[1])
	if !ok {
		return "", 0, nil, false
	}
	// Reject a non-canonical or wrongly sized digest before paying for
	// PBKDF2. With exactly 44 characters, strict decoding to 32 bytes also
	// rules out embedded newlines, which the decoder would otherwise skip.
	if len(parts[3]) != encodedKeyLen {
		return "", 0, nil, false
	}
	digest, err := base64.StdEncoding.Strict().DecodeString(parts[3])
	if err != nil || len(digest) != keyLen {
		return "", 0, nil, false
	}
	return parts[2], iterations, digest, true
}

// parseIterations accepts only plain decimal digits in (0, maxIterations],
// unlike strconv.Atoi which would also take a sign.
// IterationsOf is the iteration count of a well-formed PBKDF2 hash.
func IterationsOf(encoded string) (int, bool) {
	_, n, _, ok := decode(encoded)
	return n, ok
}

func parseIterations(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > maxIterations {
		return 0, false
	}
	return n, true
}

// Unusable returns a value to store for accounts that must not be able to
// log in with any password (Django's make_password(None)): "!" followed by
// 40 random characters. The randomness keeps such rows distinguishable and
// unguessable, matching what Django writes.
func Unusable() string {
	return "!" + randomString(unusableLen)
}

// IsUsable reports whether encoded could ever match a password. Empty and
// "!"-prefixed values are Django's markers for "no password set".
func IsUsable(encoded string) bool {
	return encoded != "" && !strings.HasPrefix(encoded, "!")
}

// Dummy does the work of one hash and throws it away. Login calls it for
// unknown usernames so that they take as long as a wrong password, and
// response time cannot be used to discover which usernames exist.
func Dummy(password string, iterations int) {
	_, _ = Encode(password, dummySalt, iterations)
}

// randomString draws n characters uniformly from alphabet using
// crypto/rand.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		// Since Go 1.24 crypto/rand.Read never returns an error; it
		// crashes the program if the OS cannot supply randomness.
		_, _ = rand.Read(buf)
		out = appendChars(out, buf, n)
	}
	return string(out)
}

// appendChars maps random bytes to alphabet characters until dst holds n.
// Bytes >= 248 (the largest multiple of 62 that fits in a byte) are
// skipped, so that b%62 has no modulo bias.
func appendChars(dst, random []byte, n int) []byte {
	const limit = 256 - 256%len(alphabet)
	for _, b := range random {
		if len(dst) >= n {
			break
		}
		if int(b) < limit {
			dst = append(dst, alphabet[int(b)%len(alphabet)])
		}
	}
	return dst
}
