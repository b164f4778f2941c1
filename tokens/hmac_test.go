package tokens

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// The pooled method answers exactly as jwt's own, for pooled keys and others alike.
func TestPooledHMACIsJWT(t *testing.T) {
	pooledKey := []byte("a-pooled-key-of-more-than-sixty-four-bytes-for-hs512-0123456789abcdef")
	otherKey := []byte("another-key-not-given-to-the-pool-also-long-enough-for-hs512-0123456789")
	for _, m := range []*jwt.SigningMethodHMAC{jwt.SigningMethodHS256, jwt.SigningMethodHS384, jwt.SigningMethodHS512} {
		p := newPooledHMAC(m, pooledKey, "not a []byte key")
		for _, key := range [][]byte{pooledKey, otherKey} {
			for _, signing := range []string{"", "eyJhbGciOiJIUzI1NiJ9.e30", "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJ4In0"} {
				name := fmt.Sprintf("%s/pooled=%t/%q", m.Alg(), bytes.Equal(key, pooledKey), signing)
				want, err := m.Sign(signing, key)
				if err != nil {
					t.Fatal(err)
				}
				got, err := p.Sign(signing, key)
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: Sign = %x, %v; jwt's %x", name, got, err, want)
				}
				if err := p.Verify(signing, want, key); err != nil {
					t.Errorf("%s: Verify of jwt's signature: %v", name, err)
				}
				tampered := append([]byte(nil), want...)
				tampered[len(tampered)-1] ^= 1
				for _, c := range []struct {
					what, signing string
					sig           []byte
				}{
					{"a changed signature", signing, tampered},
					{"a short signature", signing, want[:len(want)-1]},
					{"no signature", signing, nil},
					{"a changed signing input", signing + "x", want},
				} {
					if err := p.Verify(c.signing, c.sig, key); !errors.Is(err, jwt.ErrSignatureInvalid) {
						t.Errorf("%s: Verify of %s = %v, want ErrSignatureInvalid", name, c.what, err)
					}
				}
			}
		}
		for _, key := range []any{"a string", nil, 42} {
			if _, err := p.Sign("x.y", key); !errors.Is(err, jwt.ErrInvalidKeyType) {
				t.Errorf("%s: Sign with %T key = %v, want ErrInvalidKeyType", m.Alg(), key, err)
			}
			if err := p.Verify("x.y", []byte("sig"), key); !errors.Is(err, jwt.ErrInvalidKeyType) {
				t.Errorf("%s: Verify with %T key = %v, want ErrInvalidKeyType", m.Alg(), key, err)
			}
		}
	}
}

// A pooled state is reset before each use and never shared between two uses at once: many
// goroutines signing different inputs under two keys each get their own input's MAC.
func TestPooledHMACConcurrent(t *testing.T) {
	keys := [][]byte{[]byte("first-key-0123456789abcdef0123456789"), []byte("second-key-0123456789abcdef012345678")}
	p := newPooledHMAC(jwt.SigningMethodHS256, keys[0], keys[1])
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				key, signing := keys[(g+i)%2], fmt.Sprintf("header.payload-%d-%d", g, i)
				want, _ := jwt.SigningMethodHS256.Sign(signing, key)
				got, err := p.Sign(signing, key)
				if err != nil || !bytes.Equal(got, want) {
					errs <- fmt.Errorf("goroutine %d, %q: got %x, %v; want %x", g, signing, got, err, want)
					return
				}
				if err := p.Verify(signing, want, keys[(g+i+1)%2]); !errors.Is(err, jwt.ErrSignatureInvalid) {
					errs <- fmt.Errorf("goroutine %d, %q: the other key verified it (%v)", g, signing, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// The pool keeps its own copy of a key: a caller changing its slice afterwards changes
// nothing the pool signs with.
func TestPooledHMACCopiesItsKeys(t *testing.T) {
	key := []byte("a-key-the-caller-will-overwrite-0123456789")
	original := append([]byte(nil), key...)
	p := newPooledHMAC(jwt.SigningMethodHS256, key)
	copy(key, bytes.Repeat([]byte("z"), len(key)))
	want, _ := jwt.SigningMethodHS256.Sign("a.b", original)
	got, err := p.Sign("a.b", original)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("Sign under the original key = %x, %v; want %x", got, err, want)
	}
}
