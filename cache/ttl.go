// Package cache is a small in-process cache with expiry, Django's locmem cache in spirit:
// bounded, safe for concurrent use, and driven by a clock that tests can replace.
package cache

import (
	"sync"
	"time"
)

// TTL maps keys to values until their expiry. When it is full, expired entries go first,
// then arbitrary ones, so memory stays bounded whatever the traffic.
type TTL[K comparable, V any] struct {
	mu      sync.Mutex
	entries map[K]entry[V]
	max     int
	now     func() time.Time
}

type entry[V any] struct {
	value   V
	expires time.Time
}

// New makes a cache of at most max entries; now nil means time.Now.
func New[K comparable, V any](max int, now func() time.Time) *TTL[K, V] {
	if now == nil {
		now = time.Now
	}
	if max < 1 {
		max = 1
	}
	return &TTL[K, V]{entries: make(map[K]entry[V]), max: max, now: now}
}

// Get returns the value stored for key if it has not expired.
func (c *TTL[K, V]) Get(key K) (V, bool) { return c.GetAt(key, c.now()) }

// GetAt is Get at the time now, read from the cache's clock by a caller that needs the
// same reading for checks of its own: one clock reading instead of two.
func (c *TTL[K, V]) GetAt(key K, now time.Time) (V, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || !now.Before(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// Set stores value for key until expires.
func (c *TTL[K, V]) Set(key K, value V, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		c.evict()
	}
	c.entries[key] = entry[V]{value: value, expires: expires}
}

// Delete forgets key.
func (c *TTL[K, V]) Delete(key K) {
	c.mu.Lock()
	delete(c.entries, key)
	c.mu.Unlock()
}

// Len is the number of entries held, expired or not.
func (c *TTL[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// evict makes room: every expired entry, and if none had expired, an eighth of the cache
// (Go's map iteration order is random, so which ones is arbitrary).
func (c *TTL[K, V]) evict() {
	now := c.now()
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	for k := range c.entries {
		if len(c.entries) < c.max-c.max/8 {
			break
		}
		delete(c.entries, k)
	}
}
