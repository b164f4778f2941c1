package tests

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ginrest/hashers"
	"ginrest/models"
	"ginrest/settings"
)

// Issue 7: overload degrades, it never drops a request. A burst of logins is hashed a
// worker per CPU, first come first served; only a login that would wait past
// PASSWORD_HASHING_QUEUE_TIMEOUT is refused, at once, with a 503 and Retry-After.

// noLoginThrottle leaves the burst to the hashing queue: from one address, the login
// throttle would refuse the logins in flight past its rate.
func noLoginThrottle(s *settings.Settings) { s.ThrottleRates = map[string]string{} }

// loginRequest is a login through the router; unlike server.postJSON it may run in any
// goroutine.
func (s *server) loginRequest(username, password string) *httptest.ResponseRecorder {
	body := `{"username":"` + username + `","password":"` + password + `"}`
	r := httptest.NewRequest(http.MethodPost, "/api/token/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, r)
	return rec
}

// concurrency is a PasswordHasher that counts the checks running at once.
type concurrency struct {
	models.PBKDF2
	now, most atomic.Int32
}

func (c *concurrency) Check(password, encoded string, iterations int) (bool, bool) {
	n := c.now.Add(1)
	defer c.now.Add(-1)
	for m := c.most.Load(); n > m && !c.most.CompareAndSwap(m, n); m = c.most.Load() {
	}
	return c.PBKDF2.Check(password, encoded, iterations)
}

// With the real hasher and the queue the settings build, a burst of logins is all
// answered 200, and never more hashes run at once than Go has CPUs.
func TestLoginBurstAllAnswered(t *testing.T) {
	s := newServer(t, noLoginThrottle)
	counter := &concurrency{}
	s.App.Users.Hasher = counter
	s.createUser("alice", "wonderland-42")

	const logins = 40
	codes := make([]int, logins)
	var wg sync.WaitGroup
	for i := range logins {
		wg.Go(func() { codes[i] = s.loginRequest("alice", "wonderland-42").Code })
	}
	wg.Wait()
	for i, code := range codes {
		if code != http.StatusOK {
			t.Errorf("login %d: status %d", i, code)
		}
	}
	if most, cpus := counter.most.Load(), runtime.GOMAXPROCS(0); most > int32(cpus) {
		t.Errorf("%d hashes at once, more than the %d CPUs", most, cpus)
	}
}

// gatedHasher is the real hasher whose checks wait at a gate once it is shut: the hashes
// of a burst stay in the queue while the test sends the rest.
type gatedHasher struct {
	models.PBKDF2
	gate chan struct{}
}

func (g *gatedHasher) Check(password, encoded string, iterations int) (bool, bool) {
	<-g.gate
	return g.PBKDF2.Check(password, encoded, iterations)
}

// One login at a time arrives while every hash is held. The queue has 2 workers, a bound
// of 5s and a measured mean of 1s a hash: a login with k waiting ahead expects
// (k+1) × 1s ÷ 2, so 2 run, 10 wait (the 10th expects exactly 5s), and every later one is
// refused at once, expecting 5.5s. When the hashes go on, the 12 are answered 200.
func TestLoginBurstOverflowRefused(t *testing.T) {
	s := newServer(t, noLoginThrottle)
	// Every hash measures 1s on this clock, whatever it really takes.
	clock := &stepClock{step: time.Second}
	q := &hashers.Queue{Workers: 2, Timeout: 5 * time.Second, Now: clock.Now}
	open := make(chan struct{})
	close(open)
	hasher := &gatedHasher{gate: open}
	s.App.Users.Hashing, s.App.Users.Hasher = q, hasher
	s.createUser("alice", "wonderland-42") // the first hash seeds the mean: 1s
	if m := q.Stats().Mean; m != time.Second {
		t.Fatalf("mean = %v, want 1s", m)
	}

	gate := make(chan struct{})
	hasher.gate = gate // no hash is running: nothing reads the field meanwhile
	const logins, admitted = 20, 12
	results := make([]chan *httptest.ResponseRecorder, logins)
	for i := range logins {
		results[i] = make(chan *httptest.ResponseRecorder, 1)
		before := q.Stats()
		go func() { results[i] <- s.loginRequest("alice", "wonderland-42") }()
		// Until the login holds a worker, waits in line, or is answered.
		waitUntil(t, func() bool {
			now := q.Stats()
			return now.Running+now.Waiting > before.Running+before.Waiting || len(results[i]) == 1
		})
	}
	if st := q.Stats(); st.Running != 2 || st.Waiting != admitted-2 {
		t.Fatalf("queue %+v, want 2 running and %d waiting", st, admitted-2)
	}
	for i := admitted; i < logins; i++ { // refused at arrival, while the first still wait
		rec := <-results[i]
		assertJSON(t, rec, http.StatusServiceUnavailable, `{"detail":"Service temporarily unavailable, try again later."}`)
		if got := rec.Header().Get("Retry-After"); got != "6" {
			t.Errorf("login %d: Retry-After %q, want 6 (5.5s rounded up)", i, got)
		}
	}
	close(gate)
	for i := range admitted {
		if rec := <-results[i]; rec.Code != http.StatusOK {
			t.Errorf("login %d: status %d %s, want 200", i, rec.Code, rec.Body)
		}
	}
}

// PASSWORD_HASHING_QUEUE_TIMEOUT: 30s by default, a Go duration from the environment,
// positive, and the bound of the queue the app builds.
func TestPasswordHashingQueueTimeoutSetting(t *testing.T) {
	env := func(v string) settings.LookupFunc {
		return func(name string) (string, bool) {
			switch name {
			case "PASSWORD_HASHING_QUEUE_TIMEOUT":
				return v, true
			case "REQUEST_TIMEOUT": // must be longer, so that a queued login is answered
				return "3m", true
			}
			return "", false
		}
	}
	if d := settings.Default().PasswordHashingQueueTimeout; d != 30*time.Second {
		t.Errorf("default %v, want 30s", d)
	}
	s, err := settings.Load(env("2m"))
	if err != nil || s.PasswordHashingQueueTimeout != 2*time.Minute {
		t.Fatalf("Load(2m) = %v, %v", s, err)
	}
	for _, bad := range []string{"0", "-1s", "soon"} {
		if _, err := settings.Load(env(bad)); err == nil || !strings.Contains(err.Error(), "PASSWORD_HASHING_QUEUE_TIMEOUT") {
			t.Errorf("Load(%q) = %v, want an error naming the variable", bad, err)
		}
	}
	srv := newServer(t, func(s *settings.Settings) { s.PasswordHashingQueueTimeout = 7 * time.Second })
	if got := srv.App.Users.HashingTimeout; got != 7*time.Second {
		t.Errorf("Users.HashingTimeout = %v, want the setting's 7s", got)
	}
}

// stepClock moves on by step at every reading, so a hash timed alone measures exactly step.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}

// waitUntil polls for a state that the test's goroutines will reach; it decides no
// outcome, the test checks the state after.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("state not reached in 10s")
		}
	}
}
