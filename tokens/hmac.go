package tokens

import (
	"crypto/hmac"
	"hash"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// pooledHMAC is jwt's HS256, HS384 or HS512 keeping its keyed hash states for reuse. jwt
// keys a new HMAC for every token it signs or checks: two hash states, the key's inner and
// outer blocks hashed again, and a handful of allocations, each time. A refresh signs two
// tokens and checks one. The states are kept per configured key, in pools made when the
// backend is; a key it was not made with (none, today) is served as jwt serves it.
type pooledHMAC struct {
	*jwt.SigningMethodHMAC
	pools map[string]*sync.Pool // by the key's bytes; read-only once made
}

var _ jwt.SigningMethod = (*pooledHMAC)(nil)

// newPooledHMAC is m with a pool for each of keys (each a []byte secret).
func newPooledHMAC(m *jwt.SigningMethodHMAC, keys ...any) *pooledHMAC {
	p := &pooledHMAC{SigningMethodHMAC: m, pools: map[string]*sync.Pool{}}
	for _, key := range keys {
		secret, ok := key.([]byte)
		if !ok || p.pools[string(secret)] != nil {
			continue
		}
		secret = append([]byte(nil), secret...) // the pool's own: a caller's slice may change
		p.pools[string(secret)] = &sync.Pool{New: func() any { return hmac.New(m.Hash.New, secret) }}
	}
	return p
}

// mac is the HMAC of signing under secret, from a pooled state when secret has a pool.
func (p *pooledHMAC) mac(secret []byte, signing string) ([]byte, bool) {
	pool := p.pools[string(secret)]
	if pool == nil {
		return nil, false
	}
	h := pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(signing))
	sum := h.Sum(nil)
	pool.Put(h)
	return sum, true
}

// Sign is jwt's Sign: the same bytes, for the same errors.
func (p *pooledHMAC) Sign(signing string, key any) ([]byte, error) {
	if secret, ok := key.([]byte); ok {
		if sum, ok := p.mac(secret, signing); ok {
			return sum, nil
		}
	}
	return p.SigningMethodHMAC.Sign(signing, key)
}

// Verify is jwt's Verify: the signature is compared in constant time.
func (p *pooledHMAC) Verify(signing string, sig []byte, key any) error {
	if secret, ok := key.([]byte); ok {
		if sum, ok := p.mac(secret, signing); ok {
			if !hmac.Equal(sig, sum) {
				return jwt.ErrSignatureInvalid
			}
			return nil
		}
	}
	return p.SigningMethodHMAC.Verify(signing, sig, key)
}
