// Package seal encrypts small values with AES-256-GCM under keys derived from SECRET_KEY
// by HKDF-SHA256, one key per use (its info string), and opens what any of SECRET_KEY and
// SECRET_KEY_FALLBACKS sealed: Django 4.1's key rotation, for values at rest (the TOTP
// secrets) and in the browser (the OpenID Connect login's state cookie).
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Sealer seals with the key of SECRET_KEY and opens with it or a fallback's. Safe for
// concurrent use.
type Sealer struct {
	// aeads[0] is SECRET_KEY's, the rest SECRET_KEY_FALLBACKS' in their order.
	aeads []cipher.AEAD
}

// prefix marks the format, so that another one can follow without guessing.
const prefix = "v1$"

// ErrUnsealable: what was given was not sealed by any of the keys for this use and
// additional data, or was changed.
var ErrUnsealable = errors.New("seal: cannot be opened with SECRET_KEY or SECRET_KEY_FALLBACKS")

// New derives the keys of one use (info, unique to it) from secretKey and fallbacks.
func New(info, secretKey string, fallbacks ...string) (*Sealer, error) {
	s := &Sealer{}
	for _, k := range append([]string{secretKey}, fallbacks...) {
		key, err := hkdf.Key(sha256.New, []byte(k), nil, info, 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

// Seal encrypts plain under SECRET_KEY's key, bound to additional (opening with other
// additional data fails); each call draws a new random 96-bit nonce.
func (s *Sealer) Seal(plain, additional []byte) string {
	aead := s.aeads[0]
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	return prefix + base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, plain, additional))
}

// Open decrypts what Seal made with the same additional data under any of the keys.
// stale says a fallback opened it: the caller may seal it again under SECRET_KEY, so that
// the fallback can be retired.
func (s *Sealer) Open(sealed string, additional []byte) (plain []byte, stale bool, err error) {
	text, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, false, ErrUnsealable
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return nil, false, ErrUnsealable
	}
	for i, aead := range s.aeads {
		n := aead.NonceSize()
		if len(raw) < n {
			break
		}
		if plain, err := aead.Open(nil, raw[:n], raw[n:], additional); err == nil {
			return plain, i > 0, nil
		}
	}
	return nil, false, ErrUnsealable
}
