package tests

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"strings"
	"testing"
)

// sign builds a JWT by hand from header and payload JSON, so tests control every byte.
// The algorithm is taken from the header text: HS512 signs with SHA-512, "none" not at all,
// anything else with SHA-256.
func sign(t testing.TB, header, payload, key string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	if strings.Contains(header, `"none"`) {
		return signing + "."
	}
	h := func() hash.Hash { return sha256.New() }
	if strings.Contains(header, "HS512") {
		h = sha512.New
	}
	mac := hmac.New(h, []byte(key))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}
