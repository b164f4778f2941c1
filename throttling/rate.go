package throttling

import (
	"fmt"
	"time"

	"ginrest/rest"
)

// SimpleRate is DRF's SimpleRateThrottle: the requests of each client, as Key names it,
// counted in a sliding window of the scope's rate. Its key is DRF's cache key,
// throttle_<scope>_<ident>.
type SimpleRate struct {
	b *Backend
	// Scope names the rate in THROTTLE_RATES; "" takes the view's ThrottleScope (DRF's
	// ScopedRateThrottle).
	Scope string
	// Key names the client; "" lets the request through uncounted.
	Key func(r *rest.Request) string
}

var _ rest.FallibleThrottle = (*SimpleRate)(nil)

// SimpleRate makes a throttle of scope whose clients key names: DRF's subclass of
// SimpleRateThrottle with its own scope and get_cache_key.
func (b *Backend) SimpleRate(scope string, key func(r *rest.Request) string) *SimpleRate {
	return &SimpleRate{b: b, Scope: scope, Key: key}
}

// Anon is DRF's AnonRateThrottle: scope "anon", anonymous requests counted by client
// address; authenticated requests are not throttled.
func (b *Backend) Anon() *SimpleRate {
	return b.SimpleRate("anon", func(r *rest.Request) string {
		if r.User != nil && r.User.IsAuthenticated() {
			return ""
		}
		return b.Ident(r)
	})
}

// User is DRF's UserRateThrottle: scope "user", requests counted by user id, or by client
// address for anonymous ones.
func (b *Backend) User() *SimpleRate { return b.SimpleRate("user", b.UserIdent) }

// Scoped is DRF's ScopedRateThrottle: the view names the scope (APIView.ThrottleScope) and
// requests are counted per scope by user id or client address; views without a scope are
// not throttled.
func (b *Backend) Scoped() *SimpleRate { return b.SimpleRate("", b.UserIdent) }

// AllowRequest is DRF's allow_request; a request that cannot be counted (the store
// failed) is refused.
func (t *SimpleRate) AllowRequest(r *rest.Request, view any) (bool, time.Duration) {
	ok, wait, err := t.CheckRequest(r, view)
	if err != nil {
		return false, retryDown
	}
	return ok, wait
}

// CheckRequest is AllowRequest that reports a store failure as an error: a 503 with
// Retry-After, which the dispatcher answers.
func (t *SimpleRate) CheckRequest(r *rest.Request, view any) (bool, time.Duration, error) {
	scope := t.Scope
	if scope == "" {
		if scope = viewScope(view); scope == "" {
			return true, 0, nil
		}
	}
	rate, ok := t.b.Rates[scope]
	if !ok {
		// CheckView refuses this at startup for the URL table; a view mounted some other way
		// is let through rather than answered with a 500.
		t.b.warn(r.Context(), "throttle not applied", fmt.Errorf("THROTTLE_RATES has no rate for scope %q", scope))
		return true, 0, nil
	}
	ident := t.Key(r)
	if ident == "" {
		return true, 0, nil
	}
	res, err := t.b.hit(r.Context(), []string{"throttle_" + scope + "_" + ident}, rate)
	return res.Allowed, res.Wait, err
}

// CheckView is DRF's ImproperlyConfigured, at startup: the rate this throttle needs for
// view is configured.
func (t *SimpleRate) CheckView(view rest.View) error {
	scope := t.Scope
	if scope == "" {
		if scope = view.Base().ThrottleScope; scope == "" {
			return nil
		}
	}
	if _, ok := t.b.Rates[scope]; !ok {
		return fmt.Errorf("settings: THROTTLE_RATES has no rate for scope %q (view %q)", scope, view.Base().Name)
	}
	return nil
}

// ViewChecker is implemented by throttles that can tell at startup that they cannot work
// for a view; urls.NewApp asks every throttle of the URL table.
type ViewChecker interface {
	CheckView(view rest.View) error
}

func viewScope(view any) string {
	if v, ok := view.(rest.View); ok {
		return v.Base().ThrottleScope
	}
	return ""
}

// Classes are the throttles that settings name (DEFAULT_THROTTLE_CLASSES), by DRF's class
// names; urls.Classes holds them beside the application's own. Each refuses a scope
// without a rate in THROTTLE_RATES, as DRF raises ImproperlyConfigured.
func Classes() map[string]func(b *Backend) (rest.Throttle, error) {
	rated := func(make func(b *Backend) *SimpleRate) func(b *Backend) (rest.Throttle, error) {
		return func(b *Backend) (rest.Throttle, error) {
			t := make(b)
			if _, ok := b.Rates[t.Scope]; t.Scope != "" && !ok {
				return nil, fmt.Errorf("THROTTLE_RATES has no rate for scope %q (e.g. %s=100/day)", t.Scope, t.Scope)
			}
			return t, nil
		}
	}
	return map[string]func(b *Backend) (rest.Throttle, error){
		"AnonRateThrottle":   rated((*Backend).Anon),
		"UserRateThrottle":   rated((*Backend).User),
		"ScopedRateThrottle": rated((*Backend).Scoped), // the view's scope: CheckView
	}
}
