package mfa

import (
	"strconv"

	"ginrest/seal"
)

// Sealer encrypts TOTP secrets at rest with AES-256-GCM under a key derived from
// SECRET_KEY by HKDF-SHA256, so that a dump of the database (a backup, a read-only
// replica, an SQL injection) does not give away every user's second factor. The user's id
// is the additional data: a sealed secret copied onto another user's row does not open.
//
// A secret sealed under a key of SECRET_KEY_FALLBACKS still opens (and is sealed again
// under SECRET_KEY at its next use); one that no key opens is ErrUnreadable.
type Sealer struct{ s *seal.Sealer }

// sealInfo is HKDF's info: a key of its own for this use, unrelated to the key that signs
// tokens or CSRF cookies with the same SECRET_KEY.
const sealInfo = "ginrest.mfa.totp-secret.v1"

// NewSealer derives the sealing keys from secretKey (SECRET_KEY) and fallbacks
// (SECRET_KEY_FALLBACKS).
func NewSealer(secretKey string, fallbacks ...string) (*Sealer, error) {
	s, err := seal.New(sealInfo, secretKey, fallbacks...)
	if err != nil {
		return nil, err
	}
	return &Sealer{s: s}, nil
}

// Seal encrypts a secret for the user whose row will hold it.
func (s *Sealer) Seal(secret string, userID int64) string {
	return s.s.Seal([]byte(secret), additional(userID))
}

// Open decrypts what Seal made for the same user; stale says a fallback key opened it.
// A secret no key opens (SECRET_KEY changed with the old one not kept as a fallback, a
// row copied from another user, a changed value) is ErrUnreadable.
func (s *Sealer) Open(sealed string, userID int64) (secret string, stale bool, err error) {
	plain, stale, err := s.s.Open(sealed, additional(userID))
	if err != nil {
		return "", false, ErrUnreadable
	}
	return string(plain), stale, nil
}

func additional(userID int64) []byte { return []byte("auth_user:" + strconv.FormatInt(userID, 10)) }
