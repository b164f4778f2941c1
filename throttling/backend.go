package throttling

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"ginrest/authentication"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
)

// Backend is what every throttle of an application shares: the store, the rates by scope,
// the trusted proxies that say who the client is, the clock and the logger. Build it once
// (urls.NewApp does) and make throttles from it.
type Backend struct {
	Store   Store
	Rates   map[string]Rate
	Proxies rest.TrustedProxies
	// Now is the clock; nil means time.Now. Tests set it.
	Now    func() time.Time
	Logger *slog.Logger

	lastWarning atomic.Int64 // Unix nanoseconds of the last store-failure warning
}

// New reads THROTTLE_RATES and TRUSTED_PROXIES from settings; store nil means a Memory
// store of DefaultMaxKeys keys.
func New(s *settings.Settings, store Store, now func() time.Time, logger *slog.Logger) (*Backend, error) {
	rates := make(map[string]Rate, len(s.ThrottleRates))
	for scope, text := range s.ThrottleRates {
		rate, err := ParseRate(text)
		if err != nil {
			return nil, fmt.Errorf("settings: THROTTLE_RATES has %s=%q: %w", scope, text, err)
		}
		rates[scope] = rate
	}
	proxies, err := settings.ParseTrustedProxies(s.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("settings: TRUSTED_PROXIES %w", err)
	}
	if store == nil {
		store = NewMemory(0)
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Backend{Store: store, Rates: rates, Proxies: proxies, Now: now, Logger: logger}, nil
}

func (b *Backend) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// storeTimeout bounds one store call on the request path.
const storeTimeout = time.Second

// hit asks the store, failing closed: when the store fails, the error is a 503 with
// Retry-After (unavailable), and the request is not let through.
func (b *Backend) hit(ctx context.Context, keys []string, rate Rate) (Result, error) {
	sctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	res, err := b.Store.Hit(sctx, keys, rate, b.now())
	if err != nil {
		return Result{}, unavailable(ctx, err)
	}
	return res, nil
}

// warn logs a failure that does not fail the request (a count that could not be taken
// back, a throttle without its rate), at most once every 10 seconds: an outage of Redis
// should not also flood the logs.
func (b *Backend) warn(ctx context.Context, msg string, err error) {
	now := time.Now().UnixNano()
	last := b.lastWarning.Load()
	if last != 0 && now-last < int64(10*time.Second) || !b.lastWarning.CompareAndSwap(last, now) {
		return
	}
	b.Logger.WarnContext(ctx, msg, "error", err)
}

// Ident is the client's address as throttles count it (DRF's get_ident): the request's
// peer, or what trusted proxies say (rest.TrustedProxies.ClientIP). An IPv6 client is
// counted by its /64, the block one subscriber gets, so that it cannot multiply its
// allowance by changing addresses.
func (b *Backend) Ident(r *rest.Request) string {
	addr := b.Proxies.ClientIP(r.HTTP)
	if !addr.IsValid() {
		return "unknown"
	}
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// UserIdent is the authenticated user's primary key, or the client's Ident for anonymous
// requests (DRF's UserRateThrottle and ScopedRateThrottle keys).
func (b *Backend) UserIdent(r *rest.Request) string {
	if id := userID(r.User); id != "" {
		return id
	}
	return b.Ident(r)
}

// PK is implemented by users of other types, to be counted by their primary key.
type PK interface{ PK() string }

// userID is DRF's request.user.pk: the stored user's id, or the user claim of a
// TokenUser (JWTStatelessUserAuthentication), which is the same id.
func userID(u rest.User) string {
	if u == nil || !u.IsAuthenticated() {
		return ""
	}
	switch u := u.(type) {
	case *models.User:
		return strconv.FormatInt(u.ID, 10)
	case *authentication.TokenUser:
		if u.ID != nil {
			return fmt.Sprint(u.ID)
		}
	case PK:
		return u.PK()
	}
	return ""
}

// keyPart bounds what a client chose (a username) before it becomes part of a key.
func keyPart(s string) string {
	if len(s) <= 64 {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}
