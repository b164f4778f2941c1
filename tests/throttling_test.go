package tests

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"ginrest/apitest"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/throttling"
	"ginrest/urls"
)

// throttleStores are the stores the throttling tests run against: this process's memory
// (the default) and Redis, which needs REDIS_URL (redis://127.0.0.1:6379/0 in CI).
var throttleStores = []struct {
	name string
	open func(t *testing.T) throttling.Store
}{
	{"memory", func(*testing.T) throttling.Store { return nil }},
	{"redis", redisThrottleStore},
}

// redisThrottleStore connects to REDIS_URL under a key prefix of the test's own, deleting
// its keys at the end; without REDIS_URL the test is skipped.
func redisThrottleStore(t *testing.T) throttling.Store {
	t.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("REDIS_URL is not set: throttling on Redis is not tested (REDIS_URL=redis://127.0.0.1:6379/0 go test ./tests/ -run Throttl)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + hex.EncodeToString(b[:]) + ":"
	store, err := throttling.OpenRedis(url, prefix)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	ctx := context.Background()
	if err := store.Client.Ping(ctx).Err(); err != nil {
		t.Fatalf("REDIS_URL=%s does not answer: %v", url, err)
	}
	t.Cleanup(func() {
		if keys, err := store.Client.Keys(ctx, prefix+"*").Result(); err == nil && len(keys) > 0 {
			store.Client.Del(ctx, keys...)
		}
		store.Close()
	})
	return store
}

// forEachThrottleStore runs a test against each store.
func forEachThrottleStore(t *testing.T, test func(t *testing.T, store throttling.Store)) {
	for _, kind := range throttleStores {
		t.Run(kind.name, func(t *testing.T) { test(t, kind.open(t)) })
	}
}

// newThrottledServer is newServer with the throttles counting in store (nil: memory).
func newThrottledServer(t *testing.T, store throttling.Store, change ...func(*settings.Settings)) *server {
	t.Helper()
	s := testSettings()
	for _, f := range change {
		f(s)
	}
	c := apitest.NewClock(time.Now().Truncate(time.Second))
	app, err := urls.NewApp(s, testDB(t), urls.Options{Now: c.Now, Logger: discardLogger(), ThrottleStore: store})
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	return &server{t: t, App: app, Handler: app.Handler(), Clock: c}
}

// throttleSettings sets DEFAULT_THROTTLE_CLASSES and THROTTLE_RATES.
func throttleSettings(classes []string, rates map[string]string) func(*settings.Settings) {
	return func(s *settings.Settings) {
		s.REST.DefaultThrottleClasses = classes
		s.ThrottleRates = rates
	}
}

// from sends r as the peer remote ("192.0.2.1" or "192.0.2.1:1234") would.
func (s *server) from(remote string, r req) *httptest.ResponseRecorder {
	s.t.Helper()
	if !strings.Contains(remote, ":") {
		remote += ":40000"
	}
	var body io.Reader = http.NoBody
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	hr.RemoteAddr = remote
	if r.ContentType != "" {
		hr.Header.Set("Content-Type", r.ContentType)
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, hr)
	return rec
}

// loginFrom posts credentials to path from remote.
func (s *server) loginFrom(remote, path, username, password string) *httptest.ResponseRecorder {
	s.t.Helper()
	body := fmt.Sprintf(`{"username": %q, "password": %q}`, username, password)
	return s.from(remote, req{Method: http.MethodPost, Path: path, Body: body, ContentType: "application/json"})
}

// throttledBody is DRF's 429 body for a wait of n seconds.
func throttledBody(n int) string {
	if n == 1 {
		return `{"detail":"Request was throttled. Expected available in 1 second."}`
	}
	return fmt.Sprintf(`{"detail":"Request was throttled. Expected available in %d seconds."}`, n)
}

// assertThrottled checks a 429 in DRF's exact words, with Retry-After.
func assertThrottled(t *testing.T, rec *httptest.ResponseRecorder, seconds int) {
	t.Helper()
	if rec.Code != http.StatusTooManyRequests || rec.Body.String() != throttledBody(seconds) {
		t.Errorf("got %d %s, want 429 %s", rec.Code, rec.Body, throttledBody(seconds))
	}
	if got := rec.Header().Get("Retry-After"); got != fmt.Sprint(seconds) {
		t.Errorf("Retry-After = %q, want %d", got, seconds)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if www := rec.Header().Get("WWW-Authenticate"); www != "" {
		t.Errorf("a 429 with WWW-Authenticate %q", www)
	}
}

func assertStatus(t *testing.T, rec *httptest.ResponseRecorder, status int, what string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("%s: %d %s, want %d", what, rec.Code, rec.Body, status)
	}
}

var verifyBadToken = req{Method: http.MethodPost, Path: "/api/token/verify/", Body: `{"token": "x"}`, ContentType: "application/json"}

// TestThrottledResponse checks DRF's 429: its words, singular "1 second.", Retry-After,
// and requests passing again once the window has slid.
func TestThrottledResponse(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store, throttleSettings([]string{"AnonRateThrottle"}, map[string]string{"anon": "2/min"}))
		assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "first")
		s.Clock.Advance(10 * time.Second)
		assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "second")
		assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 50)
		assertStatus(t, s.from("192.0.2.2", verifyBadToken), 401, "another client")
		s.Clock.Advance(49 * time.Second)
		assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 1)
		s.Clock.Advance(500 * time.Millisecond)
		assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 1) // half a second, rounded up
		s.Clock.Advance(500 * time.Millisecond)
		assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "the first request left the window")
		assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 10)
		s.Clock.Advance(10 * time.Second)
		assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "the second left too")
	})
}

// TestThrottleAnonAndUser checks AnonRateThrottle (anonymous requests by address) and
// UserRateThrottle (by user id, wherever the user comes from).
func TestThrottleAnonAndUser(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store, throttleSettings([]string{"AnonRateThrottle", "UserRateThrottle"},
			map[string]string{"anon": "2/min", "user": "3/min"}))
		s.createUser("alice", "alice-password")
		s.createUser("bob", "bob-password")
		token := func(remote, username string) string {
			rec := s.loginFrom(remote, "/api/token/", username, username+"-password")
			assertStatus(t, rec, 200, "login "+username)
			return bodyMap(t, rec)["access"].(string)
		}
		alice, bob := token("198.51.100.1", "alice"), token("198.51.100.2", "bob")
		protected := func(remote, access string) *httptest.ResponseRecorder {
			return s.from(remote, req{Method: http.MethodGet, Path: "/api/protected/", Header: map[string]string{"Authorization": "Bearer " + access}})
		}
		for i := range 3 {
			assertStatus(t, protected(fmt.Sprintf("192.0.2.%d", i+1), alice), 200, "alice")
		}
		assertThrottled(t, protected("192.0.2.9", alice), 60) // by user, whatever the address
		assertStatus(t, protected("192.0.2.9", bob), 200, "bob is counted apart")

		// Anonymous requests are counted by address, by both throttles; the anon rate is
		// the stricter.
		assertStatus(t, s.from("203.0.113.1", verifyBadToken), 401, "anonymous 1")
		assertStatus(t, s.from("203.0.113.1", verifyBadToken), 401, "anonymous 2")
		assertThrottled(t, s.from("203.0.113.1", verifyBadToken), 60)
		// From that address, an authenticated user is not an anonymous request.
		assertStatus(t, protected("203.0.113.1", bob), 200, "bob from the throttled address")
		// The login view keeps the default throttles beside its own.
		assertThrottled(t, s.loginFrom("203.0.113.1", "/api/token/", "alice", "alice-password"), 60)
	})
}

// scopedView is a view with DRF's throttle_scope.
type scopedView struct{ rest.APIView }

func (*scopedView) Get(*rest.Request) (*rest.Response, error) { return rest.OK(map[string]any{}), nil }

var _ rest.Getter = (*scopedView)(nil)

func scoped(scope string) *scopedView {
	return &scopedView{rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}, ThrottleScope: scope}}
}

// TestThrottleScoped checks ScopedRateThrottle: views sharing a scope share a count,
// another scope counts apart, a view without a scope is not throttled.
func TestThrottleScoped(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store, throttleSettings([]string{"ScopedRateThrottle"},
			map[string]string{"uploads": "2/min", "burst": "1/min"}))
		h := s.App.Mount([]urls.Route{
			{Path: "/a/", Name: "a", View: scoped("uploads")},
			{Path: "/b/", Name: "b", View: scoped("uploads")},
			{Path: "/c/", Name: "c", View: scoped("burst")},
			{Path: "/d/", Name: "d", View: scoped("")},
		})
		s.Handler = h
		get := func(remote, path string) *httptest.ResponseRecorder {
			return s.from(remote, req{Method: http.MethodGet, Path: path})
		}
		assertStatus(t, get("192.0.2.1", "/a/"), 200, "uploads 1")
		assertStatus(t, get("192.0.2.1", "/b/"), 200, "uploads 2, on another view of the scope")
		assertThrottled(t, get("192.0.2.1", "/a/"), 60)
		assertThrottled(t, get("192.0.2.1", "/b/"), 60)
		assertStatus(t, get("192.0.2.2", "/a/"), 200, "another client")
		assertStatus(t, get("192.0.2.1", "/c/"), 200, "burst 1")
		assertThrottled(t, get("192.0.2.1", "/c/"), 60)
		for i := range 5 {
			assertStatus(t, get("192.0.2.1", "/d/"), 200, fmt.Sprintf("no scope, request %d", i))
		}
	})
}

// TestThrottleSeveral checks that when several throttles refuse, the longest wait wins.
func TestThrottleSeveral(t *testing.T) {
	s := newThrottledServer(t, nil, throttleSettings([]string{"UserRateThrottle", "AnonRateThrottle"},
		map[string]string{"anon": "2/min", "user": "3/hour"}))
	assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "1")
	s.Clock.Advance(10 * time.Second)
	assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "2")
	s.Clock.Advance(10 * time.Second)
	assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 40) // anon refuses; user counts its 3rd
	s.Clock.Advance(10 * time.Second)
	assertThrottled(t, s.from("192.0.2.1", verifyBadToken), 3570) // both refuse: the hour's wait
}

// TestThrottleSettingsErrors checks DRF's ImproperlyConfigured at startup: a default
// throttle without its rate, an unknown class.
func TestThrottleSettingsErrors(t *testing.T) {
	for _, tt := range []struct {
		classes []string
		rates   map[string]string
		want    string
	}{
		{[]string{"UserRateThrottle"}, map[string]string{"anon": "1/min"}, `THROTTLE_RATES has no rate for scope "user"`},
		{[]string{"AnonRateThrottle"}, nil, `THROTTLE_RATES has no rate for scope "anon"`},
		{[]string{"NoSuchThrottle"}, nil, "DEFAULT_THROTTLE_CLASSES"},
	} {
		s := testSettings()
		throttleSettings(tt.classes, tt.rates)(s)
		_, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %v: NewApp error %v, want %q", tt.classes, tt.rates, err, tt.want)
		}
	}
}

const (
	loginPath        = "/api/token/"
	noActiveAccount  = `{"detail":"No active account found with the given credentials"}`
	aliceCredentials = "alice-password"
)

// TestLoginThrottlePerAddress: ten failed logins from one address, on ten usernames
// (credential stuffing), stop that address, even with a right password; the real user
// logs in from elsewhere.
func TestLoginThrottlePerAddress(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store)
		s.createUser("alice", aliceCredentials)
		for i := range 10 {
			rec := s.loginFrom("203.0.113.1", loginPath, fmt.Sprintf("user%d", i), "guess")
			assertJSON(t, rec, 401, noActiveAccount)
		}
		assertThrottled(t, s.loginFrom("203.0.113.1", loginPath, "alice", aliceCredentials), 60)
		assertStatus(t, s.loginFrom("203.0.113.2", loginPath, "alice", aliceCredentials), 200, "alice from another address")
		assertStatus(t, s.loginFrom("203.0.113.3", loginPath, "user0", "guess"), 401, "user0 has one failure only")
		// The sliding obtain view shares the count: it is a login too.
		assertThrottled(t, s.loginFrom("203.0.113.1", "/api/token/sliding/", "alice", aliceCredentials), 60)
	})
}

// TestLoginThrottlePerUsername: ten failed logins on one username from ten addresses
// (distributed guessing) stop that username everywhere; others log in from those
// addresses.
func TestLoginThrottlePerUsername(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store)
		s.createUser("alice", aliceCredentials)
		s.createUser("bob", "bob-password")
		for i := range 10 {
			assertStatus(t, s.loginFrom(fmt.Sprintf("198.51.100.%d", i+1), loginPath, "alice", "guess"), 401, "guess")
		}
		assertThrottled(t, s.loginFrom("198.51.100.50", loginPath, "alice", aliceCredentials), 60)
		assertThrottled(t, s.loginFrom("198.51.100.51", loginPath, " ALICE ", "guess"), 60) // as the serializer reads it, case aside
		assertStatus(t, s.loginFrom("198.51.100.1", loginPath, "bob", "bob-password"), 200, "bob from a guessing address")
		s.Clock.Advance(time.Minute)
		assertStatus(t, s.loginFrom("198.51.100.50", loginPath, "alice", aliceCredentials), 200, "alice once the failures left the window")
	})
}

// TestLoginThrottleSlides checks the sliding window with the fake clock: the exact wait,
// and each failure leaving the window a minute after it happened.
func TestLoginThrottleSlides(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store)
		s.createUser("alice", aliceCredentials)
		for range 10 {
			assertStatus(t, s.loginFrom("203.0.113.1", loginPath, "alice", "guess"), 401, "guess")
			s.Clock.Advance(time.Second)
		}
		assertThrottled(t, s.loginFrom("203.0.113.1", loginPath, "alice", aliceCredentials), 50)
		s.Clock.Advance(49 * time.Second)
		assertThrottled(t, s.loginFrom("203.0.113.1", loginPath, "alice", aliceCredentials), 1)
		s.Clock.Advance(time.Second) // the first failure leaves
		assertStatus(t, s.loginFrom("203.0.113.1", loginPath, "alice", aliceCredentials), 200, "alice")
		// The address still has nine failures: one more fills it, until the second leaves.
		assertStatus(t, s.loginFrom("203.0.113.1", loginPath, "bob", "guess"), 401, "10th failure")
		assertThrottled(t, s.loginFrom("203.0.113.1", loginPath, "bob", "guess"), 1)
	})
}

// TestLoginThrottleCountsFailuresOnly: successful logins and refused bodies do not count;
// a success clears its username's failures but not its address's; OPTIONS clears nothing.
func TestLoginThrottleCountsFailuresOnly(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store)
		s.createUser("alice", aliceCredentials)
		for range 15 {
			assertStatus(t, s.loginFrom("192.0.2.1", loginPath, "alice", aliceCredentials), 200, "successful login")
		}
		for range 15 {
			rec := s.from("192.0.2.1", req{Method: http.MethodPost, Path: loginPath, Body: `{"username": "alice"}`, ContentType: "application/json"})
			assertStatus(t, rec, 400, "no password")
		}
		assertStatus(t, s.loginFrom("192.0.2.1", loginPath, "alice", "guess"), 401, "after 30 non-failures")

		// 9 failures on carol from A, a success from B clears carol's: 10 more from C pass.
		s.createUser("carol", "carol-password")
		for range 9 {
			assertStatus(t, s.loginFrom("192.0.2.10", loginPath, "carol", "guess"), 401, "guess from A")
		}
		assertStatus(t, s.loginFrom("192.0.2.11", loginPath, "carol", "carol-password"), 200, "carol from B")
		for range 9 {
			assertStatus(t, s.loginFrom("192.0.2.12", loginPath, "carol", "guess"), 401, "guess from C")
		}
		// OPTIONS naming carol answers, and does not clear her failures.
		rec := s.from("192.0.2.13", req{Method: http.MethodOptions, Path: loginPath, Body: `{"username": "carol"}`, ContentType: "application/json"})
		assertStatus(t, rec, 200, "OPTIONS")
		assertStatus(t, s.loginFrom("192.0.2.12", loginPath, "carol", "guess"), 401, "10th guess from C")
		assertThrottled(t, s.loginFrom("192.0.2.14", loginPath, "carol", "carol-password"), 60)
		// A's nine failures still count: one more fills it.
		assertStatus(t, s.loginFrom("192.0.2.10", loginPath, "dave", "guess"), 401, "10th from A")
		assertThrottled(t, s.loginFrom("192.0.2.10", loginPath, "erin", "guess"), 60)
	})
}

// TestLoginThrottleConcurrent: failed logins arriving together from one address let
// exactly the limit reach the password check.
func TestLoginThrottleConcurrent(t *testing.T) {
	forEachThrottleStore(t, func(t *testing.T, store throttling.Store) {
		s := newThrottledServer(t, store)
		s.createUser("alice", aliceCredentials)
		const attempts = 40
		codes := make([]int, attempts)
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Go(func() {
				// s.from reports to s.t; here only the status is read.
				hr := httptest.NewRequest(http.MethodPost, loginPath, strings.NewReader(`{"username": "alice", "password": "guess"}`))
				hr.Header.Set("Content-Type", "application/json")
				hr.RemoteAddr = "203.0.113.1:40000"
				rec := httptest.NewRecorder()
				s.Handler.ServeHTTP(rec, hr)
				codes[i] = rec.Code
			})
		}
		wg.Wait()
		count := map[int]int{}
		for _, c := range codes {
			count[c]++
		}
		if count[401] != 10 || count[429] != attempts-10 {
			t.Errorf("statuses %v, want exactly 10 × 401 and %d × 429", count, attempts-10)
		}
	})
}

// TestLoginThrottleOffWithoutRate: without a "login" rate (the conformance test's
// settings) logins are not throttled, and that is no startup error.
func TestLoginThrottleOffWithoutRate(t *testing.T) {
	s := newThrottledServer(t, nil, func(st *settings.Settings) { st.ThrottleRates = map[string]string{} })
	for i := range 25 {
		assertStatus(t, s.loginFrom("203.0.113.1", loginPath, "alice", "guess"), 401, fmt.Sprintf("failure %d", i))
	}
}

// TestThrottleTrustedProxies: behind a trusted proxy clients are told apart by
// X-Forwarded-For; from anywhere else the header changes nothing.
func TestThrottleTrustedProxies(t *testing.T) {
	s := newThrottledServer(t, nil, func(st *settings.Settings) {
		st.TrustedProxies = []string{"10.0.0.0/8"}
		st.ThrottleRates = map[string]string{"login": "2/min"}
	})
	via := func(peer, xff, username string) *httptest.ResponseRecorder {
		body := fmt.Sprintf(`{"username": %q, "password": "guess"}`, username)
		return s.from(peer, req{Method: http.MethodPost, Path: loginPath, Body: body, ContentType: "application/json",
			Header: map[string]string{"X-Forwarded-For": xff}})
	}
	assertStatus(t, via("10.0.0.1", "1.1.1.1", "u1"), 401, "client 1 through the proxy")
	assertStatus(t, via("10.0.0.2", "6.6.6.6, 1.1.1.1, 10.0.0.1", "u2"), 401, "client 1 through two proxies, with a spoofed entry")
	assertThrottled(t, via("10.0.0.1", "1.1.1.1", "u3"), 60)
	assertStatus(t, via("10.0.0.1", "2.2.2.2", "u4"), 401, "client 2 through the proxy")
	// An untrusted peer cannot pick its address with the header.
	assertStatus(t, via("192.0.2.7", "3.3.3.3", "u5"), 401, "untrusted 1")
	assertStatus(t, via("192.0.2.7", "4.4.4.4", "u6"), 401, "untrusted 2")
	assertThrottled(t, via("192.0.2.7", "5.5.5.5", "u7"), 60)
	assertThrottled(t, via("192.0.2.7", "10.0.0.1", "u8"), 60)
	// Garbage in the header from a trusted proxy counts the proxy, not nobody.
	assertStatus(t, via("10.0.0.9", "not-an-ip", "u9"), 401, "garbage 1")
	assertStatus(t, via("10.0.0.9", "also, not, an ip", "u10"), 401, "garbage 2")
	assertThrottled(t, via("10.0.0.9", "%%%", "u11"), 60)
}

// TestThrottleRedisDown: with Redis not answering, the requests a throttle counts fail
// closed with DRF's 503 and Retry-After, never a 500 or the driver's words, and no
// password is checked uncounted; what no throttle counts (an authenticated request under
// AnonRateThrottle) does not need Redis and is served.
func TestThrottleRedisDown(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", DialTimeout: 100 * time.Millisecond, MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { client.Close() })
	s := newThrottledServer(t, throttling.NewRedis(client, "down:"), throttleSettings([]string{"AnonRateThrottle"},
		map[string]string{"anon": "1/min", "login": "1/min"}))
	alice := s.createUser("alice", aliceCredentials)
	access, err := s.App.Tokens.Encode(s.App.Tokens.AccessFrom(s.App.JWT.TokenFor(alice)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for _, rec := range []*httptest.ResponseRecorder{
			s.loginFrom("192.0.2.1", loginPath, "alice", "guess"),
			s.loginFrom("192.0.2.1", loginPath, "alice", aliceCredentials),
			s.from("192.0.2.1", verifyBadToken),
		} {
			assertServiceUnavailable(t, rec, "5")
		}
		rec := s.from("192.0.2.1", req{Method: http.MethodGet, Path: "/api/protected/", Header: map[string]string{"Authorization": "Bearer " + access}})
		assertStatus(t, rec, 200, fmt.Sprint("authenticated request ", i))
	}
}

// assertServiceUnavailable checks DRF-shaped 503 with the given Retry-After.
func assertServiceUnavailable(t *testing.T, rec *httptest.ResponseRecorder, retryAfter string) {
	t.Helper()
	assertJSON(t, rec, http.StatusServiceUnavailable, `{"detail":"Service temporarily unavailable, try again later."}`)
	if got := rec.Header().Get("Retry-After"); got != retryAfter {
		t.Errorf("Retry-After = %q, want %q", got, retryAfter)
	}
}

// The password change's old-password check is a password guess like a login: wrong old
// passwords are throttled per user and per address (THROTTLE_RATES password_change, or
// login without it), and the password stays as it was.
func TestPasswordChangeIsThrottled(t *testing.T) {
	for _, rates := range []map[string]string{{"password_change": "2/min"}, {"login": "2/min"}} {
		t.Run(fmt.Sprint(rates), func(t *testing.T) {
			s := newThrottledServer(t, nil, func(st *settings.Settings) { st.ThrottleRates = rates })
			s.createUser("alice", "wonderland-42")
			s.createUser("bob", "builder-42-x")
			alice, _ := s.login("alice", "wonderland-42")
			bob, _ := s.login("bob", "builder-42-x")
			change := func(remote, access, old, next string) *httptest.ResponseRecorder {
				t.Helper()
				body := fmt.Sprintf(`{"old_password": %q, "new_password": %q}`, old, next)
				return s.from(remote, req{Method: http.MethodPost, Path: "/api/auth/password/", Body: body, ContentType: "application/json",
					Header: map[string]string{"Authorization": "Bearer " + access}})
			}
			wrong := `{"old_password":["Your old password was entered incorrectly. Please enter it again."]}`
			// A success clears the user's failures: one failure, a change, then two more.
			assertJSON(t, change("192.0.2.1", alice, "guess-1", "x-new-pass-1"), 400, wrong)
			rec := change("192.0.2.9", alice, "wonderland-42", "through-the-glass-1")
			if rec.Code != 200 {
				t.Fatalf("change: %d %s", rec.Code, rec.Body)
			}
			alice = bodyMap(t, rec)["access"].(string)
			assertJSON(t, change("192.0.2.1", alice, "guess-2", "x-new-pass-2"), 400, wrong)
			assertJSON(t, change("192.0.2.2", alice, "guess-3", "x-new-pass-3"), 400, wrong)
			// Alice's account is at the limit from anywhere, the right old password included.
			assertThrottled(t, change("192.0.2.3", alice, "through-the-glass-1", "x-new-pass-4"), 60)
			// 192.0.2.1 has its own count (the failure before the success stays); Bob elsewhere is untouched.
			assertThrottled(t, change("192.0.2.1", bob, "guess", "x-new-pass-5"), 60)
			if rec := change("192.0.2.4", bob, "builder-42-x", "bobs-new-pass-1"); rec.Code != 200 {
				t.Errorf("bob from another address: %d %s", rec.Code, rec.Body)
			}
			// Nothing changed for Alice: her password is still the one she set.
			s.login("alice", "through-the-glass-1")
			// Validation errors on new_password alone are not failures.
			s.Clock.Advance(2 * time.Minute)
			for range 3 {
				if rec := change("192.0.2.5", alice, "through-the-glass-1", "1"); rec.Code != 400 {
					t.Errorf("weak new password: %d %s, want 400", rec.Code, rec.Body)
				}
			}
		})
	}
}
