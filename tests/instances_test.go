package tests

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"ginrest/apitest"
	"ginrest/settings"
	"ginrest/throttling"
	"ginrest/urls"
)

// Two instances of the app on one database, as two processes behind a load balancer would
// be (run with DATABASE_URL=postgres://… for PostgreSQL). Each has a clock of its own,
// stopped: a copy of a user that an instance caches stays in its cache until the test
// moves that instance's clock, so what the tests see is what a second process sees in the
// worst case, not what a fast machine happens to give.

// twoInstances are two apps on one fresh database, their clocks at the same instant.
func twoInstances(t *testing.T, change ...func(*settings.Settings)) (a, b *server) {
	t.Helper()
	db := testDB(t)
	a, b = newServerOn(t, db, change...), newServerOn(t, db, change...)
	b.Clock.Set(a.Clock.Now())
	return a, b
}

// A token issued after a logout-all is accepted at once by an instance whose cached copy
// of the user predates the logout-all: a token newer than the copy makes the instance
// reload the user instead of refusing the token (the bug: 401 token_revoked for up to
// USER_CACHE_TTL). The reload also makes the instance refuse the old tokens at once.
func TestInstancesTokenNewerThanCachedUserReloads(t *testing.T) {
	for _, c := range []struct {
		name   string
		revoke func(a *server, access string) (newAccess, newRefresh string)
		body   string
	}{
		{"logout-all", func(a *server, access string) (string, string) {
			assertJSON(t, a.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
			return a.login("alice", "wonderland-42")
		}, bodyTokenRevoked},
		{"password change", func(a *server, access string) (string, string) {
			return sessPair(t, a.sessCall("POST", "/api/auth/password/", access,
				map[string]string{"old_password": "wonderland-42", "new_password": "looking-glass-7"}))
		}, bodyPasswordChanged},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := twoInstances(t)
			a.createUser("alice", "wonderland-42")
			access, refresh := a.login("alice", "wonderland-42")
			if rec := b.getWith("/api/protected/", access); rec.Code != 200 { // b caches alice
				t.Fatalf("b before: %d %s", rec.Code, rec.Body)
			}
			newAccess, newRefresh := c.revoke(a, access)

			if rec := b.getWith("/api/protected/", newAccess); rec.Code != 200 {
				t.Errorf("b refused the token a issued after the revocation: %d %s", rec.Code, rec.Body)
			}
			assertJSON(t, b.postJSON("/api/token/verify/", map[string]string{"token": newAccess}), 200, `{}`)
			assertJSON(t, b.getWith("/api/protected/", access), 401, c.body)
			assertJSON(t, b.sessRefresh(refresh), 401, c.body)
			sessPair(t, b.sessRefresh(newRefresh))
		})
	}
}

// A revocation through one instance: refresh on the other reads the database and refuses
// at once; an access token is refused there, by authenticated requests and by verify, once
// USER_CACHE_TTL has passed since the revocation answered (the bound the README states),
// whatever that instance cached. The instance that revoked refuses at once.
func TestInstancesRevocationWithinUserCacheTTL(t *testing.T) {
	a, b := twoInstances(t)
	a.createUser("alice", "wonderland-42")
	access, refresh := a.login("alice", "wonderland-42")
	if rec := b.getWith("/api/protected/", access); rec.Code != 200 {
		t.Fatalf("b before: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, b.postJSON("/api/token/verify/", map[string]string{"token": access}), 200, `{}`)
	assertJSON(t, a.sessCall("POST", "/api/token/logout-all/", access, nil), 200, `{}`)
	assertJSON(t, a.postJSON("/api/token/verify/", map[string]string{"token": access}), 401, bodyTokenRevoked)
	assertJSON(t, b.sessRefresh(refresh), 401, bodyTokenRevoked)
	b.Clock.Advance(b.App.Settings.UserCacheTTL)
	assertJSON(t, b.postJSON("/api/token/verify/", map[string]string{"token": access}), 401, bodyTokenRevoked)
	assertJSON(t, b.getWith("/api/protected/", access), 401, bodyTokenRevoked)
}

// The blacklist is read from the database by every check, never from a cache: a refresh
// token logged out or rotated through one instance is refused by the other at once, and a
// sliding token blacklisted through one (by a logout-all) is refused by the other at once,
// though the other remembers it as verified and caches its user.
func TestInstancesBlacklistIsSharedAtOnce(t *testing.T) {
	t.Run("refresh tokens", func(t *testing.T) {
		a, b := twoInstances(t)
		a.createUser("alice", "wonderland-42")
		_, loggedOut := a.login("alice", "wonderland-42")
		_, rotated := a.login("alice", "wonderland-42")
		sessPair(t, b.sessRefresh(loggedOut)) // b has seen both tokens valid
		_, rotated2 := sessPair(t, b.sessRefresh(rotated))
		_, loggedOut = a.login("alice", "wonderland-42")
		assertJSON(t, b.postJSON("/api/token/verify/", map[string]string{"token": loggedOut}), 200, `{}`)

		assertJSON(t, a.postJSON("/api/token/blacklist/", map[string]string{"refresh": loggedOut}), 200, `{}`)
		assertJSON(t, b.sessRefresh(loggedOut), 401, bodyBlacklisted)
		assertJSON(t, b.postJSON("/api/token/verify/", map[string]string{"token": loggedOut}), 400, `{"non_field_errors":["Token is blacklisted"]}`)

		_, rotated3 := sessPair(t, a.sessRefresh(rotated2))
		assertJSON(t, b.sessRefresh(rotated2), 401, bodyBlacklisted)
		sessPair(t, b.sessRefresh(rotated3))
	})
	t.Run("sliding tokens", func(t *testing.T) {
		a, b := twoInstances(t, acceptSliding, func(s *settings.Settings) { s.Sessions.TokenVersionCheck = false })
		a.createUser("alice", "wonderland-42")
		token := a.slidingLogin("alice", "wonderland-42")
		if rec := b.getWith("/api/protected/", token); rec.Code != 200 {
			t.Fatalf("b before: %d %s", rec.Code, rec.Body)
		}
		assertJSON(t, a.sessCall("POST", "/api/token/logout-all/", token, nil), 200, `{}`)
		rec := b.getWith("/api/protected/", token)
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"message":"Token is blacklisted"`) {
			t.Errorf("b after the blacklisting: %d %s, want 401 Token is blacklisted", rec.Code, rec.Body)
		}
	})
}

// Clients refreshing one refresh token at once through two instances get exactly one new
// pair between them: the blacklist row is the lock, in the database.
func TestInstancesRefreshRaceHasOneWinner(t *testing.T) {
	a, b := twoInstances(t)
	a.createUser("alice", "wonderland-42")
	for round := range 3 {
		_, refresh := a.login("alice", "wonderland-42")
		const clients = 16
		codes := make([]int, clients)
		bodies := make([]string, clients)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range clients {
			done.Go(func() {
				start.Wait()
				h := a.Handler
				if i%2 == 1 {
					h = b.Handler
				}
				rec := serveJSON(h, "/api/token/refresh/", `{"refresh":"`+refresh+`"}`)
				codes[i], bodies[i] = rec.Code, rec.Body.String()
			})
		}
		start.Done()
		done.Wait()
		won := 0
		for i, code := range codes {
			switch {
			case code == http.StatusOK:
				won++
			case code == http.StatusUnauthorized && bodies[i] == bodyBlacklisted:
			default:
				t.Errorf("round %d, client %d: %d %s", round, i, code, bodies[i])
			}
		}
		if won != 1 {
			t.Errorf("round %d: %d clients refreshed the same token through two instances; want exactly 1", round, won)
		}
	}
}

// serveJSON posts a JSON body to h; it reports to no test, so goroutines may call it.
func serveJSON(h http.Handler, path, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// redisURL is REDIS_URL with its address replaced by addr, or "" when REDIS_URL is not
// set.
func redisURL(t *testing.T, addr string) string {
	t.Helper()
	base := os.Getenv("REDIS_URL")
	if base == "" {
		return ""
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	if addr != "" {
		u.Host = addr
	}
	return u.String()
}

// sharedRedis opens n clients of REDIS_URL (through addr, if not "") under one key
// prefix of the test's own, as n processes sharing one Redis would; without REDIS_URL
// the test is skipped.
func sharedRedis(t *testing.T, addr string, n int) []throttling.Store {
	t.Helper()
	base := redisURL(t, addr)
	if base == "" {
		t.Skip("REDIS_URL is not set: instances sharing Redis are not tested (REDIS_URL=redis://127.0.0.1:6379/0)")
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "test:" + hex.EncodeToString(b[:]) + ":"
	stores := make([]throttling.Store, n)
	for i := range stores {
		rs, err := throttling.OpenRedis(base, prefix)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { rs.Close() })
		stores[i] = rs
	}
	t.Cleanup(func() {
		rs, err := throttling.OpenRedis(redisURL(t, ""), prefix)
		if err != nil {
			return
		}
		defer rs.Close()
		ctx := context.Background()
		if keys, err := rs.Client.Keys(ctx, prefix+"*").Result(); err == nil && len(keys) > 0 {
			rs.Client.Del(ctx, keys...)
		}
	})
	return stores
}

// throttledInstances are apps on one database, each counting in its own store, their
// clocks at the same instant.
func throttledInstances(t *testing.T, stores []throttling.Store, change ...func(*settings.Settings)) []*server {
	t.Helper()
	db := testDB(t)
	clock := apitest.NewClock(time.Now().Truncate(time.Second))
	servers := make([]*server, len(stores))
	for i, store := range stores {
		s := testSettings()
		for _, f := range change {
			f(s)
		}
		c := apitest.NewClock(clock.Now())
		app, err := urls.NewApp(s, db, urls.Options{Now: c.Now, Logger: discardLogger(), ThrottleStore: store})
		if err != nil {
			t.Fatalf("NewApp: %v", err)
		}
		servers[i] = &server{t: t, App: app, Handler: app.Handler(), Clock: c}
	}
	return servers
}

// Two instances on one Redis count every throttle together, the login throttle's
// failures included: a client cannot double its allowance by alternating between them.
func TestInstancesThrottlesCountTogether(t *testing.T) {
	s := throttledInstances(t, sharedRedis(t, "", 2), throttleSettings([]string{"AnonRateThrottle"},
		map[string]string{"anon": "4/min", "login": "3/min"}))
	a, b := s[0], s[1]
	a.createUser("alice", aliceCredentials)
	for i := range 4 {
		assertStatus(t, s[i%2].from("192.0.2.1", verifyBadToken), 401, fmt.Sprint("anonymous request ", i))
	}
	assertThrottled(t, a.from("192.0.2.1", verifyBadToken), 60)
	assertThrottled(t, b.from("192.0.2.1", verifyBadToken), 60)

	for i := range 3 { // failures on one username, from three addresses, through both instances
		assertJSON(t, s[i%2].loginFrom(fmt.Sprint("198.51.100.", i+1), loginPath, "alice", "guess"), 401, noActiveAccount)
	}
	assertThrottled(t, b.loginFrom("198.51.100.9", loginPath, "alice", aliceCredentials), 60)
	assertThrottled(t, a.loginFrom("198.51.100.9", loginPath, "alice", aliceCredentials), 60)
}

// redisProxy forwards TCP connections to Redis until it is cut: then it drops every
// connection and accepts new ones only to close them, as a Redis that went away would.
// It lets a test take Redis away from an app without disturbing anyone else's Redis.
type redisProxy struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	down     bool
	conns    map[net.Conn]bool
}

func newRedisProxy(t *testing.T) *redisProxy {
	t.Helper()
	u, err := url.Parse(redisURL(t, ""))
	if err != nil || u.Host == "" {
		t.Skip("REDIS_URL is not set, or names no host: a Redis outage is not tested (REDIS_URL=redis://127.0.0.1:6379/0)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &redisProxy{ln: ln, upstream: u.Host, conns: map[net.Conn]bool{}}
	t.Cleanup(func() {
		ln.Close()
		p.cut()
	})
	go p.serve()
	return p
}

func (p *redisProxy) Addr() string { return p.ln.Addr().String() }

func (p *redisProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		down := p.down
		if !down {
			p.conns[c] = true
		}
		p.mu.Unlock()
		if down {
			c.Close()
			continue
		}
		go p.forward(c)
	}
}

func (p *redisProxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.upstream)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

// cut drops every connection and refuses new ones; restore lets them through again.
func (p *redisProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *redisProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// Redis going away and coming back, under an instance that counts in it: what a throttle
// counts gets DRF's 503 with Retry-After, what none counts is served, and once Redis is
// back the instance counts again by itself, with no restart. Polled, with a generous
// deadline: how soon it recovers is not asserted.
func TestInstancesRedisOutageAndRecovery(t *testing.T) {
	proxy := newRedisProxy(t)
	s := throttledInstances(t, sharedRedis(t, proxy.Addr(), 1), throttleSettings([]string{"AnonRateThrottle"},
		map[string]string{"anon": "1000/min", "login": "1000/min"}))[0]
	s.createUser("alice", aliceCredentials)
	access := bodyMap(t, s.loginFrom("192.0.2.1", loginPath, "alice", aliceCredentials))["access"].(string)
	protected := req{Method: http.MethodGet, Path: "/api/protected/", Header: map[string]string{"Authorization": "Bearer " + access}}

	proxy.cut()
	assertServiceUnavailable(t, s.loginFrom("192.0.2.1", loginPath, "alice", aliceCredentials), "5")
	assertServiceUnavailable(t, s.from("192.0.2.1", verifyBadToken), "5")
	assertStatus(t, s.from("192.0.2.1", protected), 200, "an authenticated request, which AnonRateThrottle does not count")

	proxy.restore()
	var rec *httptest.ResponseRecorder
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if rec = s.loginFrom("192.0.2.1", loginPath, "alice", aliceCredentials); rec.Code == http.StatusOK {
			break
		}
		assertServiceUnavailable(t, rec, "5")
	}
	assertStatus(t, rec, 200, "login once Redis is back")
	assertStatus(t, s.from("192.0.2.1", verifyBadToken), 401, "verify once Redis is back")
}
