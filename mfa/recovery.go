package mfa

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"strings"
)

// Recovery codes are 16 characters of lowercase base32 (80 random bits), shown once as
// xxxx-xxxx-xxxx-xxxx, and stored as "sha256$<salt>$<digest>" of the normalised code
// with a salt of the code's own.
//
// Why SHA-256 and not the password hasher (PBKDF2): a recovery code is not something a
// person chose. At 80 random bits, even a fast hash leaves a stolen table with 2^80 tries
// per code, so key stretching buys nothing; it would cost a lot, since a code given at
// login is compared with every unused code of the user (the code does not say which it
// is) and each PBKDF2 check would go through the login's hashing queue. The salt keeps two
// rows from being compared with each other and any precomputed table useless.

// recoveryEncoding is base32 in lowercase: no 0, 1 or 8, which people mistake for o, l and b.
var recoveryEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newRecoveryCode is a fresh code as the user sees it.
func newRecoveryCode() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	s := recoveryEncoding.EncodeToString(b[:]) // 16 characters
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// normaliseRecoveryCode drops what people add or change when copying a code: dashes,
// spaces, capitals.
func normaliseRecoveryCode(code string) string {
	code = strings.ToLower(code)
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, code)
}

// hashRecoveryCode is the stored form of a code.
func hashRecoveryCode(code string) string {
	var salt [16]byte
	_, _ = rand.Read(salt[:])
	return "sha256$" + hex.EncodeToString(salt[:]) + "$" + recoveryDigest(salt[:], normaliseRecoveryCode(code))
}

func recoveryDigest(salt []byte, normalised string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(normalised))
	return hex.EncodeToString(h.Sum(nil))
}

// matchesRecoveryCode compares a code given with a stored hash, in constant time.
func matchesRecoveryCode(stored, code string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 3 || parts[0] != "sha256" {
		return false
	}
	salt, err := hex.DecodeString(parts[1])
	if err != nil {
		return false
	}
	got := recoveryDigest(salt, normaliseRecoveryCode(code))
	return subtle.ConstantTimeCompare([]byte(got), []byte(parts[2])) == 1
}
