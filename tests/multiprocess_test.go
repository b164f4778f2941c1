package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestMultiProcess: two server processes on one PostgreSQL database and one Redis behave
// as one server, over real HTTP. It is opt-in, because it stops and restarts the Redis and
// the PostgreSQL it is given, which disturbs anything else using them:
//
//	MULTIPROCESS=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  REDIS_URL=redis://127.0.0.1:6379/0 go test -count=1 -run '^TestMultiProcess$' ./tests/
//
// .ci/run runs it, alone. Each of Redis and PostgreSQL is stopped, the processes checked
// without it, and started again: a restart whose gap the test holds open. The commands can
// be changed with MULTIPROCESS_REDIS_STOP, MULTIPROCESS_REDIS_START, MULTIPROCESS_PG_STOP
// and MULTIPROCESS_PG_START (shell commands; the defaults are .ci/run's), for instance to
// point them at a private Redis and cluster. Nothing here asserts how fast anything happens:
// recoveries are polled with a generous deadline, and the one wait, USER_CACHE_TTL, is the
// bound being checked.
func TestMultiProcess(t *testing.T) {
	if os.Getenv("MULTIPROCESS") != "1" {
		t.Skip("MULTIPROCESS is not 1: two processes on PostgreSQL and Redis, with Redis and PostgreSQL restarted, are not tested (see .ci/run)")
	}
	redisURL := os.Getenv("REDIS_URL")
	if !strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") || redisURL == "" {
		t.Fatal("MULTIPROCESS=1 needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")
	}
	bin := buildBinary(t)
	vars := procVars(t)
	env := newMultiProcessEnv(t, redisURL)
	for k, v := range map[string]string{
		"REDIS_URL":                redisURL,
		"USER_CACHE_TTL":           userCacheTTL.String(),
		"DEFAULT_THROTTLE_CLASSES": "AnonRateThrottle",
		"THROTTLE_RATES":           "anon=5/min,login=3/min",
		"TRUSTED_PROXIES":          "127.0.0.1", // every request says who it is in X-Forwarded-For
	} {
		vars[k] = v
	}
	dir := t.TempDir()
	for _, name := range []string{"alice", "carol", "mallory"} {
		if code, _, stderr := runProc(t, bin, dir, vars, name+"-pw-garden\n", "createuser", "--username", name, "--password-stdin"); code != 0 {
			t.Fatalf("createuser %s: exit %d: %s", name, code, stderr)
		}
	}
	procs := []*proc{startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0"), startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0")}
	c := &mpClient{t: t, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	a, b := procs[0].addr(), procs[1].addr()
	t.Cleanup(func() {
		if t.Failed() {
			for i, p := range procs {
				t.Logf("process %d stderr:\n%s", i, lastLines(p.stderr.String(), 40))
			}
		}
	})

	t.Run("Blacklist", func(t *testing.T) { testMPBlacklist(c.on(t), a, b) })
	t.Run("RotationRace", func(t *testing.T) { testMPRotationRace(c.on(t), a, b) })
	t.Run("LogoutAll", func(t *testing.T) { testMPLogoutAll(c.on(t), a, b) })
	t.Run("PasswordChange", func(t *testing.T) { testMPPasswordChange(c.on(t), a, b) })
	t.Run("Throttles", func(t *testing.T) { testMPThrottles(c.on(t), a, b) })
	t.Run("RedisOutage", func(t *testing.T) { testMPRedisOutage(c.on(t), env, a, b) })
	t.Run("PostgresRestart", func(t *testing.T) { testMPPostgresRestart(c.on(t), env, a, b) })
}

// userCacheTTL is the processes' USER_CACHE_TTL: long enough that a process still holds
// a copy of a user when the next request comes (what the checks are about), short enough
// to wait for.
const userCacheTTL = 3 * time.Second

const unavailableBody = `{"detail":"Service temporarily unavailable, try again later."}`

func testMPBlacklist(c *mpClient, a, b string) {
	_, loggedOut := c.login(a, "alice", "alice-pw-garden")
	c.expect(c.post(b, "/api/token/blacklist/", "", map[string]string{"refresh": loggedOut}), 200, `{}`)
	c.expect(c.post(a, "/api/token/refresh/", "", map[string]string{"refresh": loggedOut}), 401, bodyBlacklisted)
	c.expect(c.post(a, "/api/token/verify/", "", map[string]string{"token": loggedOut}), 400, `{"non_field_errors":["Token is blacklisted"]}`)

	_, old := c.login(a, "alice", "alice-pw-garden")
	next := c.pair(c.post(a, "/api/token/refresh/", "", map[string]string{"refresh": old}))
	c.expect(c.post(b, "/api/token/refresh/", "", map[string]string{"refresh": old}), 401, bodyBlacklisted)
	c.pair(c.post(b, "/api/token/refresh/", "", map[string]string{"refresh": next.Refresh}))
}

func testMPRotationRace(c *mpClient, a, b string) {
	for round := range 4 {
		_, refresh := c.login(a, "alice", "alice-pw-garden")
		const clients = 8
		res := make([]mpResponse, clients)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range clients {
			done.Go(func() {
				start.Wait()
				res[i] = c.post([]string{a, b}[i%2], "/api/token/refresh/", "", map[string]string{"refresh": refresh})
			})
		}
		start.Done()
		done.Wait()
		won := 0
		for i, r := range res {
			switch {
			case r.status == 200:
				won++
			case r.status == 401 && sameJSON(r.body, bodyBlacklisted):
			default:
				c.t.Errorf("round %d, client %d: %s", round, i, r)
			}
		}
		if won != 1 {
			c.t.Errorf("round %d: %d of %d concurrent refreshes of one token through two processes won; want exactly 1", round, won, clients)
		}
	}
}

func testMPLogoutAll(c *mpClient, a, b string) {
	access, refresh := c.login(a, "alice", "alice-pw-garden")
	c.expect(c.get(b, "/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`) // b caches alice
	c.expect(c.post(a, "/api/token/logout-all/", access, nil), 200, `{}`)
	// Refresh reads the database: refused at once by the other process.
	c.expect(c.post(b, "/api/token/refresh/", "", map[string]string{"refresh": refresh}), 401, bodyTokenRevoked)
	// A token issued after the logout-all is accepted by the other process at once, though
	// its copy of alice predates it; and then the old one is refused there at once.
	newAccess, _ := c.login(a, "alice", "alice-pw-garden")
	c.expect(c.get(b, "/api/protected/", newAccess), 200, `{"message":"Hello, authenticated user!"}`)
	c.expect(c.get(b, "/api/protected/", access), 401, bodyTokenRevoked)

	// Without a newer token to show it, the other process refuses an old access token once
	// USER_CACHE_TTL has passed since the logout-all answered: the bound the README states.
	access, _ = c.login(a, "alice", "alice-pw-garden")
	c.expect(c.get(b, "/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`)
	c.expect(c.post(a, "/api/token/logout-all/", access, nil), 200, `{}`)
	answered := time.Now()
	if r := c.get(b, "/api/protected/", access); r.status == 200 {
		c.t.Logf("within USER_CACHE_TTL, b still served its copy of alice (allowed)")
	}
	time.Sleep(time.Until(answered.Add(userCacheTTL)))
	c.expect(c.get(b, "/api/protected/", access), 401, bodyTokenRevoked)
	c.expect(c.post(b, "/api/token/verify/", "", map[string]string{"token": access}), 401, bodyTokenRevoked)
}

func testMPPasswordChange(c *mpClient, a, b string) {
	access, refresh := c.login(a, "carol", "carol-pw-garden")
	c.expect(c.get(b, "/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`)
	next := c.pair(c.post(a, "/api/auth/password/", access, map[string]string{"old_password": "carol-pw-garden", "new_password": "carol-pw-2"}))
	c.expect(c.post(b, "/api/token/refresh/", "", map[string]string{"refresh": refresh}), 401, bodyPasswordChanged)
	c.expect(c.get(b, "/api/protected/", next.Access), 200, `{"message":"Hello, authenticated user!"}`)
	c.expect(c.get(b, "/api/protected/", access), 401, bodyPasswordChanged)
	c.login(b, "carol", "carol-pw-2")
}

func testMPThrottles(c *mpClient, a, b string) {
	// AnonRateThrottle, anon=5/min: five requests of one address through both processes,
	// and the sixth is refused by either.
	addr := c.address()
	for i := range 5 {
		c.expect(c.postFrom([]string{a, b}[i%2], addr, "/api/token/verify/", map[string]string{"token": "x"}), 401,
			`{"detail":"Token is invalid or expired","code":"token_not_valid"}`)
	}
	for _, p := range []string{a, b} {
		if r := c.postFrom(p, addr, "/api/token/verify/", map[string]string{"token": "x"}); r.status != 429 || r.header.Get("Retry-After") == "" {
			c.t.Errorf("the sixth anonymous request of one address: %s, want 429 with Retry-After", r)
		}
	}
	// The login throttle, login=3/min: three failures on one username, from three
	// addresses, through both processes; then the username is refused by either, even with
	// its password.
	for i := range 3 {
		c.expect(c.postFrom([]string{a, b}[i%2], c.address(), "/api/token/", map[string]string{"username": "mallory", "password": "guess"}), 401,
			`{"detail":"No active account found with the given credentials"}`)
	}
	for _, p := range []string{a, b} {
		r := c.postFrom(p, c.address(), "/api/token/", map[string]string{"username": "mallory", "password": "mallory-pw-garden"})
		if r.status != 429 || r.header.Get("Retry-After") == "" {
			c.t.Errorf("a login of a username with three failures: %s, want 429 with Retry-After", r)
		}
	}
}

func testMPRedisOutage(c *mpClient, env *multiProcessEnv, a, b string) {
	access, refresh := c.login(a, "alice", "alice-pw-garden")
	env.stopRedis()
	for _, p := range []string{a, b} {
		// What a throttle counts fails closed: logins (login and anon throttles), refresh and
		// verify (anon).
		c.expectUnavailable(c.post(p, "/api/token/", "", map[string]string{"username": "alice", "password": "alice-pw-garden"}))
		c.expectUnavailable(c.post(p, "/api/token/refresh/", "", map[string]string{"refresh": refresh}))
		c.expectUnavailable(c.post(p, "/api/token/verify/", "", map[string]string{"token": access}))
		// What no throttle counts does not need Redis: an authenticated request.
		c.expect(c.get(p, "/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`)
		c.expect(c.get(p, "/api/notes/", access), 200, `{"count":0,"next":null,"previous":null,"results":[]}`)
	}
	env.startRedis()
	for _, p := range []string{a, b} {
		next := c.pair(c.poll(func() mpResponse {
			return c.post(p, "/api/token/", "", map[string]string{"username": "alice", "password": "alice-pw-garden"})
		}))
		c.pair(c.post(p, "/api/token/refresh/", "", map[string]string{"refresh": next.Refresh}))
	}
}

func testMPPostgresRestart(c *mpClient, env *multiProcessEnv, a, b string) {
	access, refresh := c.login(a, "alice", "alice-pw-garden")
	// Requests keep coming through the restart: each is answered, with a 200 or DRF's 503,
	// never a 500 or a dropped connection.
	stop := make(chan struct{})
	var load sync.WaitGroup
	var statuses sync.Map
	for _, p := range []string{a, b} {
		load.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				for _, r := range []mpResponse{
					c.post(p, "/api/token/", "", map[string]string{"username": "alice", "password": "alice-pw-garden"}),
					c.get(p, "/api/notes/", access),
				} {
					n, _ := statuses.LoadOrStore(r.status, new(atomic.Int64))
					n.(*atomic.Int64).Add(1)
					if r.status != 200 && !(r.status == 503 && sameJSON(r.body, unavailableBody) && r.header.Get("Retry-After") != "") {
						c.t.Errorf("during the restart: %s", r)
					}
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
	env.stopPostgres()
	for _, p := range []string{a, b} {
		c.expectUnavailable(c.post(p, "/api/token/", "", map[string]string{"username": "alice", "password": "alice-pw-garden"}))
		c.expectUnavailable(c.post(p, "/api/token/refresh/", "", map[string]string{"refresh": refresh}))
	}
	env.startPostgres()
	for _, p := range []string{a, b} { // the pools recover, without a restart of the processes
		next := c.pair(c.poll(func() mpResponse { return c.post(p, "/api/token/refresh/", "", map[string]string{"refresh": refresh}) }))
		refresh = next.Refresh
		c.expect(c.get(p, "/api/notes/", next.Access), 200, `{"count":0,"next":null,"previous":null,"results":[]}`)
	}
	close(stop)
	load.Wait()
	counts := map[any]int64{}
	statuses.Range(func(k, v any) bool { counts[k] = v.(*atomic.Int64).Load(); return true })
	c.t.Logf("statuses of the requests sent through the restart: %v", counts)
}

// multiProcessEnv stops and starts the Redis and the PostgreSQL the test was given, and
// makes sure both run again when it ends.
type multiProcessEnv struct {
	t                             *testing.T
	redis                         *redis.Client
	redisStop, redisStart         string
	postgresStop, postgresStart   string
	redisStopped, postgresStopped bool
	redisStarted, postgresStarted bool
}

func newMultiProcessEnv(t *testing.T, redisURL string) *multiProcessEnv {
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	host, port := "127.0.0.1", "6379"
	if u, err := url.Parse(redisURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
		if u.Port() != "" {
			port = u.Port()
		}
	}
	opts.MaxRetries, opts.DialerRetries = -1, 1 // a probe: one try each
	cluster := `pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main`
	e := &multiProcessEnv{t: t, redis: redis.NewClient(opts),
		redisStop:     envOr("MULTIPROCESS_REDIS_STOP", fmt.Sprintf("redis-cli -h %s -p %s shutdown nosave", host, port)),
		redisStart:    envOr("MULTIPROCESS_REDIS_START", fmt.Sprintf(`redis-server --daemonize yes --bind 127.0.0.1 -::1 --port %s --save "" --appendonly no`, port)),
		postgresStop:  envOr("MULTIPROCESS_PG_STOP", cluster+" stop"),
		postgresStart: envOr("MULTIPROCESS_PG_START", cluster+" start"),
	}
	if err := e.redis.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("REDIS_URL does not answer: %v", err)
	}
	// Whatever happened, Redis and PostgreSQL run again for whoever comes next, and before
	// the database's cleanup (registered earlier, so run later) drops the test's schema.
	t.Cleanup(func() {
		if e.redisStopped && !e.redisStarted {
			e.startRedis()
		}
		if e.postgresStopped && !e.postgresStarted {
			e.startPostgres()
		}
		e.redis.Close()
	})
	return e
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func (e *multiProcessEnv) run(command string) {
	e.t.Helper()
	out, err := exec.Command("bash", "-c", command).CombinedOutput()
	if err != nil {
		e.t.Fatalf("%s: %v\n%s", command, err, out)
	}
}

func (e *multiProcessEnv) stopRedis() {
	e.t.Helper()
	e.redisStopped = true
	e.run(e.redisStop)
	e.waitFor("Redis to stop", func() bool { return e.redis.Ping(context.Background()).Err() != nil })
}

func (e *multiProcessEnv) startRedis() {
	e.t.Helper()
	e.redisStarted = true
	e.run(e.redisStart)
	e.waitFor("Redis to answer", func() bool { return e.redis.Ping(context.Background()).Err() == nil })
}

func (e *multiProcessEnv) stopPostgres() {
	e.t.Helper()
	e.postgresStopped = true
	e.run(e.postgresStop)
}

func (e *multiProcessEnv) startPostgres() {
	e.t.Helper()
	e.postgresStarted = true
	e.run(e.postgresStart)
}

func (e *multiProcessEnv) waitFor(what string, ok func() bool) {
	e.t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	e.t.Fatalf("waited a minute for %s", what)
}

// mpClient speaks to the processes. Every request comes, through the trusted proxy
// 127.0.0.1, from an address of its own unless told otherwise, so the anonymous and login
// throttles count only what a check means them to.
type mpClient struct {
	t    *testing.T
	http *http.Client
	next *atomic.Uint32
}

func (c *mpClient) on(t *testing.T) *mpClient {
	if c.next == nil {
		c.next = new(atomic.Uint32)
	}
	return &mpClient{t: t, http: c.http, next: c.next}
}

// address is a client address no other request has used.
func (c *mpClient) address() string {
	n := c.next.Add(1)
	return fmt.Sprintf("198.18.%d.%d", n/250, n%250+1)
}

// mpResponse is an answer, or the error that stood for one; it never fails the test, so
// goroutines may make requests.
type mpResponse struct {
	method, url string
	status      int
	header      http.Header
	body        []byte
	err         error
}

func (r mpResponse) String() string {
	if r.err != nil {
		return fmt.Sprintf("%s %s: %v", r.method, r.url, r.err)
	}
	return fmt.Sprintf("%s %s: %d %s", r.method, r.url, r.status, r.body)
}

func (c *mpClient) do(addr, from, method, path, bearer string, body any) mpResponse {
	r := mpResponse{method: method, url: "http://" + addr + path}
	var data io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			r.err = err
			return r
		}
		data = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, r.url, data)
	if err != nil {
		r.err = err
		return r
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("X-Forwarded-For", from)
	resp, err := c.http.Do(req)
	if err != nil {
		r.err = err
		return r
	}
	defer resp.Body.Close()
	r.status, r.header = resp.StatusCode, resp.Header
	r.body, r.err = io.ReadAll(resp.Body)
	return r
}

func (c *mpClient) post(addr, path, bearer string, body any) mpResponse {
	return c.do(addr, c.address(), http.MethodPost, path, bearer, body)
}

func (c *mpClient) postFrom(addr, from, path string, body any) mpResponse {
	return c.do(addr, from, http.MethodPost, path, "", body)
}

func (c *mpClient) get(addr, path, bearer string) mpResponse {
	return c.do(addr, c.address(), http.MethodGet, path, bearer, nil)
}

// expect checks the status and that the body is the JSON given.
func (c *mpClient) expect(r mpResponse, status int, body string) {
	c.t.Helper()
	if r.err != nil || r.status != status || !sameJSON(r.body, body) {
		c.t.Errorf("%s; want %d %s", r, status, body)
	}
}

// expectUnavailable checks DRF's 503 with a Retry-After.
func (c *mpClient) expectUnavailable(r mpResponse) {
	c.t.Helper()
	c.expect(r, 503, unavailableBody)
	if r.header.Get("Retry-After") == "" {
		c.t.Errorf("%s: no Retry-After", r)
	}
}

type mpPair struct{ Access, Refresh string }

// pair decodes a 200 carrying tokens, failing the test otherwise.
func (c *mpClient) pair(r mpResponse) mpPair {
	c.t.Helper()
	var p mpPair
	if r.err != nil || r.status != 200 || json.Unmarshal(r.body, &p) != nil || p.Access == "" {
		c.t.Fatalf("%s; want 200 with tokens", r)
	}
	return p
}

func (c *mpClient) login(addr, username, password string) (access, refresh string) {
	c.t.Helper()
	p := c.pair(c.post(addr, "/api/token/", "", map[string]string{"username": username, "password": password}))
	return p.Access, p.Refresh
}

// poll repeats a request until it is answered with something else than DRF's 503, for a
// minute at most, and returns that answer.
func (c *mpClient) poll(request func() mpResponse) mpResponse {
	c.t.Helper()
	var r mpResponse
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		r = request()
		if r.err == nil && r.status != 503 {
			return r
		}
		if r.err != nil || !sameJSON(r.body, unavailableBody) {
			c.t.Errorf("while waiting for the recovery: %s", r)
		}
	}
	c.t.Fatalf("no recovery within a minute: %s", r)
	return r
}

// sameJSON reports whether data is the JSON value want, key order aside.
func sameJSON(data []byte, want string) bool {
	var got, exp any
	if json.Unmarshal(data, &got) != nil || json.Unmarshal([]byte(want), &exp) != nil {
		return false
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(exp)
	return bytes.Equal(g, w)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
