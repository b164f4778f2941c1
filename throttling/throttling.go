// Package throttling is DRF's throttling.py: AnonRateThrottle, UserRateThrottle and
// ScopedRateThrottle as rest.Throttle values, plus a login throttle that counts failed
// logins per username and per client address. Rates are DRF's strings ("100/day",
// "10/min", THROTTLE_RATES); hits are kept as DRF keeps them, a sliding log per key, in a
// Store: this process's memory by default, Redis (REDIS_URL) when instances share the load.
//
// A store that fails (Redis down) fails the requests it should count: throttling fails
// closed, with a 503 and Retry-After, rather than lifting every limit (the login
// throttle's included) while Redis is away. Views without throttles, and requests a
// throttle does not count, do not need the store and keep working; go-redis reconnects
// by itself when Redis is back.
package throttling

import (
	"time"

	"ginrest/settings"
)

// Rate is a parsed DRF rate: at most Limit requests in any Period.
type Rate struct {
	Limit  int
	Period time.Duration
}

// ParseRate reads a DRF rate string such as "10/min" or "100/day".
func ParseRate(s string) (Rate, error) {
	n, period, err := settings.ParseRate(s)
	if err != nil {
		return Rate{}, err
	}
	return Rate{Limit: n, Period: period}, nil
}
