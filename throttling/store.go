package throttling

import (
	"context"
	"time"
)

// Store keeps, for each key, a sliding log of the times of the hits counted under it (DRF
// keeps the same log in its cache). Methods are safe for concurrent use; a store shared by
// several processes makes each call atomic across them.
type Store interface {
	// Hit counts one hit at now under every key, if each has fewer than rate.Limit hits in
	// the window (now-rate.Period, now]. Otherwise it counts nothing and reports the
	// longest wait until a full key's oldest counted hit leaves the window.
	Hit(ctx context.Context, keys []string, rate Rate, now time.Time) (Result, error)
	// Forget takes back the hit id counted under key, as if it had not happened.
	Forget(ctx context.Context, key, id string) error
	// Reset forgets every hit counted under key.
	Reset(ctx context.Context, key string) error
}

// Result is the answer of Store.Hit.
type Result struct {
	Allowed bool
	// Wait is how long until a refused hit would be allowed.
	Wait time.Duration
	// ID names an allowed hit for Forget.
	ID string
}
