package mfa

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Sealer encrypts TOTP secrets at rest with AES-256-GCM under a key derived from
// SECRET_KEY by HKDF-SHA256, so that a dump of the database (a backup, a read-only
// replica, an SQL injection) does not give away every user's second factor. The user's id
// is the additional data: a sealed secret copied onto another user's row does not open.
//
// Changing SECRET_KEY makes every sealed secret unreadable: the users must enrol again
// (there is no SECRET_KEY_FALLBACKS yet).
type Sealer struct{ aead cipher.AEAD }

// sealInfo is HKDF's info: a key of its own for this use, unrelated to the key that signs
// tokens or CSRF cookies with the same SECRET_KEY.
const sealInfo = "ginrest.mfa.totp-secret.v1"

// sealPrefix marks the format, so that another one can follow without guessing.
const sealPrefix = "v1$"

// NewSealer derives the sealing key from secretKey (SECRET_KEY).
func NewSealer(secretKey string) (*Sealer, error) {
	key, err := hkdf.Key(sha256.New, []byte(secretKey), nil, sealInfo, 32)
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
	return &Sealer{aead: aead}, nil
}

// Seal encrypts a secret for the user whose row will hold it; each call draws a new
// random nonce (96 bits: safe for far more secrets than a user table holds).
func (s *Sealer) Seal(secret string, userID int64) string {
	nonce := make([]byte, s.aead.NonceSize())
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	sealed := s.aead.Seal(nonce, nonce, []byte(secret), additional(userID))
	return sealPrefix + base64.RawURLEncoding.EncodeToString(sealed)
}

// errUnsealable: the stored secret was sealed under another SECRET_KEY, for another user,
// or changed.
var errUnsealable = errors.New("mfa: the TOTP secret cannot be opened (was SECRET_KEY changed?)")

// Open decrypts what Seal made for the same user.
func (s *Sealer) Open(sealed string, userID int64) (string, error) {
	text, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", errUnsealable
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(raw) < s.aead.NonceSize() {
		return "", errUnsealable
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], additional(userID))
	if err != nil {
		return "", errUnsealable
	}
	return string(plain), nil
}

func additional(userID int64) []byte { return []byte("auth_user:" + strconv.FormatInt(userID, 10)) }
