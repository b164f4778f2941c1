package throttling_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ginrest/authentication"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/throttling"
)

func backend(t *testing.T, rates map[string]string, store throttling.Store) (*throttling.Backend, *bytes.Buffer) {
	t.Helper()
	s := settings.Default()
	s.ThrottleRates = rates
	s.TrustedProxies = []string{"10.0.0.0/8"}
	var logs bytes.Buffer
	b, err := throttling.New(s, store, func() time.Time { return t0 }, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return b, &logs
}

func request(remote string, user rest.User) *rest.Request {
	r := rest.NewRequest(httptest.NewRequest(http.MethodGet, "/", nil))
	r.HTTP.RemoteAddr = remote
	if user != nil {
		r.User = user
	}
	return r
}

type view struct{ rest.APIView }

// TestIdent checks the keys: the client address (IPv6 by its /64), what trusted proxies
// say, and the user's primary key.
func TestThrottleIdent(t *testing.T) {
	b, _ := backend(t, nil, nil)
	tests := []struct {
		remote, xff  string
		user         rest.User
		ident, user2 string
	}{
		{"192.0.2.1:1", "", nil, "192.0.2.1", "192.0.2.1"},
		{"192.0.2.1:1", "1.2.3.4", nil, "192.0.2.1", "192.0.2.1"},
		{"10.0.0.1:1", "1.2.3.4", nil, "1.2.3.4", "1.2.3.4"},
		{"[2001:db8:1:2:3:4:5:6]:1", "", nil, "2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.9]:1", "", nil, "192.0.2.9", "192.0.2.9"},
		{"@", "", nil, "unknown", "unknown"},
		{"192.0.2.1:1", "", &models.User{ID: 42}, "192.0.2.1", "42"},
		{"192.0.2.1:1", "", &authentication.TokenUser{ID: json.Number("43")}, "192.0.2.1", "43"},
		{"192.0.2.1:1", "", &authentication.TokenUser{}, "192.0.2.1", "192.0.2.1"},
	}
	for _, tt := range tests {
		r := request(tt.remote, tt.user)
		if tt.xff != "" {
			r.HTTP.Header.Set("X-Forwarded-For", tt.xff)
		}
		if got := b.Ident(r); got != tt.ident {
			t.Errorf("Ident(%s, %q) = %q, want %q", tt.remote, tt.xff, got, tt.ident)
		}
		if got := b.UserIdent(r); got != tt.user2 {
			t.Errorf("UserIdent(%s, %v) = %q, want %q", tt.remote, tt.user, got, tt.user2)
		}
	}
}

// TestRateThrottles checks which requests DRF's three throttles count, and under which key.
func TestThrottleRates(t *testing.T) {
	b, _ := backend(t, map[string]string{"anon": "1/min", "user": "1/min", "uploads": "1/min"}, nil)
	alice, bob := &models.User{ID: 1, IsActive: true}, &models.User{ID: 2, IsActive: true}
	uploads := &view{rest.APIView{ThrottleScope: "uploads"}}
	plain := &view{}
	tests := []struct {
		name     string
		throttle rest.Throttle
		view     any
		requests []*rest.Request
		want     []bool
	}{
		{"anon counts anonymous requests by address", b.Anon(), plain,
			[]*rest.Request{request("192.0.2.1:1", nil), request("192.0.2.1:2", nil), request("192.0.2.2:1", nil)}, []bool{true, false, true}},
		{"anon lets authenticated requests through", b.Anon(), plain,
			[]*rest.Request{request("192.0.2.3:1", alice), request("192.0.2.3:1", alice)}, []bool{true, true}},
		{"user counts by user id, whatever the address", b.User(), plain,
			[]*rest.Request{request("192.0.2.4:1", alice), request("192.0.2.5:1", alice), request("192.0.2.4:1", bob)}, []bool{true, false, true}},
		{"user counts anonymous requests by address", b.User(), plain,
			[]*rest.Request{request("192.0.2.6:1", nil), request("192.0.2.6:1", nil)}, []bool{true, false}},
		{"scoped counts a view's scope", b.Scoped(), uploads,
			[]*rest.Request{request("192.0.2.7:1", alice), request("192.0.2.8:1", alice), request("192.0.2.7:1", nil), request("192.0.2.7:1", nil)}, []bool{true, false, true, false}},
		{"scoped lets views without a scope through", b.Scoped(), plain,
			[]*rest.Request{request("192.0.2.9:1", nil), request("192.0.2.9:1", nil)}, []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, r := range tt.requests {
				ok, wait := tt.throttle.AllowRequest(r, tt.view)
				if ok != tt.want[i] {
					t.Errorf("request %d: allowed %v, want %v", i, ok, tt.want[i])
				}
				if !ok && wait != time.Minute {
					t.Errorf("request %d: wait %v, want 1m", i, wait)
				}
			}
		})
	}
}

// TestMissingRates checks DRF's ImproperlyConfigured, raised at startup here: a default
// throttle or a view's scope without a rate is an error naming THROTTLE_RATES.
func TestThrottleMissingRates(t *testing.T) {
	b, _ := backend(t, map[string]string{"anon": "1/min", "uploads": "1/min"}, nil)
	classes := throttling.Classes()
	for _, name := range []string{"AnonRateThrottle", "ScopedRateThrottle"} {
		if _, err := classes[name](b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := classes["UserRateThrottle"](b); err == nil || !strings.Contains(err.Error(), `THROTTLE_RATES has no rate for scope "user"`) {
		t.Errorf("UserRateThrottle without a user rate: %v", err)
	}
	reports := &view{rest.APIView{Name: "Reports", ThrottleScope: "reports"}}
	if err := b.Scoped().CheckView(reports); err == nil || !strings.Contains(err.Error(), `THROTTLE_RATES has no rate for scope "reports" (view "Reports")`) {
		t.Errorf("CheckView(scope reports) = %v", err)
	}
	if err := b.Scoped().CheckView(&view{rest.APIView{ThrottleScope: "uploads"}}); err != nil {
		t.Errorf("CheckView(scope uploads) = %v", err)
	}
	if err := b.User().CheckView(&view{}); err == nil {
		t.Error("User().CheckView without a user rate: no error")
	}
	if _, ok := b.Login(); ok {
		t.Error("a login throttle without a login rate")
	}
	// Mounted outside the URL table, a scope without a rate is let through, not a 500.
	if ok, _ := b.Scoped().AllowRequest(request("192.0.2.1:1", nil), reports); !ok {
		t.Error("a scope without a rate refused a request")
	}
}

// failing is a store whose every call fails, as Redis does when it is down.
type failing struct{ calls int }

func (f *failing) Hit(context.Context, []string, throttling.Rate, time.Time) (throttling.Result, error) {
	f.calls++
	return throttling.Result{}, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
}
func (f *failing) Forget(context.Context, string, string) error { return errors.New("down") }
func (f *failing) Reset(context.Context, string) error          { return errors.New("down") }

// TestThrottleStoreDownFailsClosed: with the store down, the requests a throttle would
// count are refused with a 503 and Retry-After that keeps the cause for the log, logins
// included (Attempt); AllowRequest, called outside the dispatcher, refuses them. Requests
// the throttle does not count never ask the store and pass.
func TestThrottleStoreDownFailsClosed(t *testing.T) {
	store := &failing{}
	b, _ := backend(t, map[string]string{"anon": "1/min", "login": "1/min"}, store)
	login, _ := b.Login()
	unavailable := func(what string, err error) {
		t.Helper()
		var e *rest.Error
		if !errors.As(err, &e) || e.Status != 503 || e.Header.Get("Retry-After") != "5" {
			t.Errorf("%s: %v, want a 503 with Retry-After 5", what, err)
		}
		var se *throttling.StoreError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "connection refused") {
			t.Errorf("%s: %v does not keep the store's error", what, err)
		}
	}
	for i := range 3 {
		ok, _, err := b.Anon().CheckRequest(request("192.0.2.1:1", nil), &view{})
		if ok {
			t.Errorf("request %d let through with the store down", i)
		}
		unavailable("anon", err)
		ok, _, done, err := login.Attempt(request("192.0.2.1:1", nil), &view{})
		if ok || done != nil {
			t.Errorf("login %d let through with the store down", i)
		}
		unavailable("login", err)
		if ok, wait := b.Anon().AllowRequest(request("192.0.2.1:1", nil), &view{}); ok || wait <= 0 {
			t.Errorf("AllowRequest = %v, %v with the store down; want a refusal with a wait", ok, wait)
		}
	}
	calls := store.calls
	if ok, _, err := b.Anon().CheckRequest(request("192.0.2.1:1", &models.User{ID: 1, IsActive: true}), &view{}); !ok || err != nil {
		t.Errorf("an authenticated request under AnonRateThrottle: %v %v, want let through", ok, err)
	}
	if store.calls != calls {
		t.Error("a request the throttle does not count asked the store")
	}
}

// slow is a store that answers after the request's store deadline.
type slow struct{}

func (slow) Hit(ctx context.Context, _ []string, _ throttling.Rate, _ time.Time) (throttling.Result, error) {
	<-ctx.Done()
	return throttling.Result{}, ctx.Err()
}
func (slow) Forget(context.Context, string, string) error { return nil }
func (slow) Reset(context.Context, string) error          { return nil }

// TestThrottleStoreSlow: a store too slow to answer is a 503 too, with a shorter
// Retry-After; a client that went away keeps its own error.
func TestThrottleStoreSlow(t *testing.T) {
	b, _ := backend(t, map[string]string{"anon": "1/min"}, slow{})
	_, _, err := b.Anon().CheckRequest(request("192.0.2.1:1", nil), &view{})
	var e *rest.Error
	if !errors.As(err, &e) || e.Status != 503 || e.Header.Get("Retry-After") != "1" {
		t.Errorf("slow store: %v, want a 503 with Retry-After 1", err)
	}
	r := request("192.0.2.1:1", nil)
	ctx, cancel := context.WithCancel(r.HTTP.Context())
	cancel()
	r.HTTP = r.HTTP.WithContext(ctx)
	if _, _, err := b.Anon().CheckRequest(r, &view{}); !errors.Is(err, context.Canceled) || errors.As(err, &e) {
		t.Errorf("client gone: %v, want context.Canceled", err)
	}
}
