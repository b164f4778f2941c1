// Command loadgen drives a running ginrest server the way its clients do, and reports every
// answer by status and the latency of each endpoint. It is a load script, not a test:
// scripts/load.sh builds and starts the server and runs it. Its request loops are bounded
// in count and time, and it speaks only to the address it is given (loopback).
//
//	loadgen -mode burst -addr 127.0.0.1:18090 -users 20 -n 200       # n logins at once
//	loadgen -mode mixed -addr 127.0.0.1:18090 -users 20 -c 32 -d 20s # c clients for d
//	loadgen -mode refresh -addr ... -c 32 -d 10s                      # refresh what it was given
//	loadgen -mode verify -addr ... -c 32 -d 10s                       # verify distinct tokens
//	loadgen -mode protected -addr ... -c 32 -d 10s                    # GET /api/protected/
//	loadgen -mode pbkdf2 -iterations 1000000 -d 10s                   # the machine's raw rate
//
// With -warmup, the timed modes make their logins first (refresh, verify, protected) and
// the clock starts once every client has: the rates and latencies are then those of the
// loop alone, and the logins are reported apart, as "warm-up". scripts/compare.sh uses it.
//
// With -wrk, refresh, verify and protected log their clients in as the warm-up and then
// drive the loop with wrk (wrk.go): a load generator in C, which leaves the CPU to the
// server.
//
// Every mode ends with one line "5xx: N, errors: N" that scripts/load.sh checks.
package main

import (
	"bytes"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	mode := flag.String("mode", "mixed", "burst, mixed, refresh, verify, protected or pbkdf2")
	addr := flag.String("addr", "127.0.0.1:18090", "the server")
	users := flag.Int("users", 20, "users load0 .. loadN-1, password load-password")
	n := flag.Int("n", 200, "burst: logins sent at once")
	conns := flag.Int("c", 32, "clients")
	duration := flag.Duration("d", 20*time.Second, "how long the timed modes run")
	iterations := flag.Int("iterations", 1_000_000, "pbkdf2: iterations of one hash")
	warmup := flag.Bool("warmup", false, "timed modes: log in first, start the clock when every client has")
	useWrk := flag.Bool("wrk", false, "refresh, verify, protected: log the clients in, then drive the loop with wrk (c connections) instead of Go clients")
	flag.Parse()

	r := &recorder{byKey: map[string]*series{}}
	c := &client{base: "http://" + *addr, http: &http.Client{
		Timeout:   120 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *conns + *n, MaxConnsPerHost: 0},
	}, rec: r}
	if *useWrk && (*mode == "refresh" || *mode == "verify" || *mode == "protected") {
		wrkMode(c, *mode, *conns, *users, *duration, *addr)
		return
	}
	start := time.Now()
	g := &gate{rec: r, d: *duration, warmup: *warmup}
	switch *mode {
	case "burst":
		burst(c, *users, *n)
	case "mixed":
		start = timed(*conns, g, func(i int, ready func() time.Time) { mixed(c, i, *users, ready()) })
	case "refresh":
		start = timed(*conns, g, func(i int, ready func() time.Time) { refreshLoop(c, i, *users, ready) })
	case "verify":
		start = timed(*conns, g, func(i int, ready func() time.Time) { verifyLoop(c, i, *users, ready) })
	case "protected":
		start = timed(*conns, g, func(i int, ready func() time.Time) { protectedLoop(c, i, *users, ready) })
	case "pbkdf2":
		rawPBKDF2(*iterations, *duration)
		return
	default:
		fmt.Fprintf(os.Stderr, "unknown mode %q\n", *mode)
		os.Exit(2)
	}
	if g.setup != nil {
		fmt.Println("warm-up (not in the figures below):")
		g.setup.print(g.setupTook)
	}
	r.report(time.Since(start), g.setup)
}

// burst sends n logins at once, spread over the users.
func burst(c *client, users, n int) {
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-gate
			c.login(i % users)
		})
	}
	ready.Wait()
	close(gate)
	done.Wait()
}

// timed runs conns clients until the deadline, and returns when the clock started. Each
// client calls ready once, after its logins, for the deadline: without -warmup it is
// known at once; with it, it is d after the last client is ready, and what was recorded
// until then is set apart as the warm-up.
func timed(conns int, g *gate, f func(i int, ready func() time.Time)) time.Time {
	g.start = time.Now()
	g.until = g.start.Add(g.d)
	g.opened = make(chan struct{})
	if g.warmup {
		g.pending.Add(conns)
		began := g.start
		go func() {
			g.pending.Wait()
			g.setup = g.rec.take()
			g.start = time.Now()
			g.setupTook = g.start.Sub(began)
			g.until = g.start.Add(g.d)
			close(g.opened)
		}()
	}
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() { f(i, g.ready) })
	}
	wg.Wait()
	return g.start
}

// gate starts the clock of a timed mode (-warmup: once every client has logged in).
type gate struct {
	rec       *recorder
	d         time.Duration
	warmup    bool
	pending   sync.WaitGroup
	opened    chan struct{}
	start     time.Time
	until     time.Time
	setup     *recorder // the warm-up's answers
	setupTook time.Duration
}

func (g *gate) ready() time.Time {
	if !g.warmup {
		return g.until
	}
	g.pending.Done()
	<-g.opened
	return g.until
}

// mixed is a session loop: log in, then protected GETs and refreshes (rotation: the client
// keeps what it is given), and a logout, again and again.
func mixed(c *client, i, users int, until time.Time) {
	for time.Now().Before(until) {
		access, refresh, ok := c.login(i % users)
		if !ok {
			continue
		}
		for step := 0; step < 20 && time.Now().Before(until); step++ {
			if step%5 == 4 {
				if access, refresh, ok = c.refresh(refresh); !ok {
					break
				}
				continue
			}
			c.call("protected", http.MethodGet, "/api/protected/", access, nil)
		}
		if refresh != "" {
			c.call("logout", http.MethodPost, "/api/token/blacklist/", "", map[string]string{"refresh": refresh})
		}
	}
}

// refreshLoop refreshes the token it was just given, as a client that refreshes does.
func refreshLoop(c *client, i, users int, ready func() time.Time) {
	_, refresh, ok := c.login(i % users)
	until := ready()
	for ok && time.Now().Before(until) {
		_, refresh, ok = c.refresh(refresh)
	}
}

// verifyLoop verifies distinct tokens: each client logs in a few times first, then cycles.
func verifyLoop(c *client, i, users int, ready func() time.Time) {
	var tokens []string
	for range 4 {
		if access, _, ok := c.login(i % users); ok {
			tokens = append(tokens, access)
		}
	}
	until := ready()
	for k := 0; len(tokens) > 0 && time.Now().Before(until); k++ {
		c.call("verify", http.MethodPost, "/api/token/verify/", "", map[string]string{"token": tokens[k%len(tokens)]})
	}
}

// protectedLoop logs in once, then calls the protected view with its access token.
func protectedLoop(c *client, i, users int, ready func() time.Time) {
	access, _, ok := c.login(i % users)
	until := ready()
	for ok && time.Now().Before(until) {
		c.call("protected", http.MethodGet, "/api/protected/", access, nil)
	}
}

// rawPBKDF2 is the machine's own rate of Django's hash with Go's implementation on every
// core: the ceiling of logins per second at these iterations.
func rawPBKDF2(iterations int, d time.Duration) {
	var count atomic.Int64
	until := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(until) {
				_, _ = pbkdf2.Key(sha256.New, "load-password", []byte("saltsaltsaltsalt"), iterations, 32)
				count.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	fmt.Printf("raw pbkdf2_sha256 x%d on %d cores: %.2f hashes/s\n", iterations, runtime.GOMAXPROCS(0), float64(count.Load())/elapsed)
	fmt.Println("5xx: 0, errors: 0")
}

type client struct {
	base string
	http *http.Client
	rec  *recorder
}

func (c *client) login(user int) (access, refresh string, ok bool) {
	m := c.call("login", http.MethodPost, "/api/token/", "", map[string]string{
		"username": fmt.Sprint("load", user), "password": "load-password"})
	access, _ = m["access"].(string)
	refresh, _ = m["refresh"].(string)
	return access, refresh, access != ""
}

func (c *client) refresh(token string) (access, refresh string, ok bool) {
	m := c.call("refresh", http.MethodPost, "/api/token/refresh/", "", map[string]string{"refresh": token})
	access, _ = m["access"].(string)
	refresh, _ = m["refresh"].(string)
	return access, refresh, access != ""
}

// call sends one request and records its answer; it returns the JSON object of a 2xx.
func (c *client) call(endpoint, method, path, bearer string, body any) map[string]any {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		panic(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.rec.add(endpoint, "error", time.Since(start))
		return nil
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		c.rec.add(endpoint, "error", took)
		return nil
	}
	c.rec.add(endpoint, fmt.Sprint(resp.StatusCode), took)
	if resp.StatusCode/100 != 2 {
		return nil
	}
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return m
}

// recorder counts answers by endpoint and status, and keeps every latency.
type recorder struct {
	mu    sync.Mutex
	byKey map[string]*series
}

type series struct {
	statuses  map[string]int
	latencies []time.Duration
}

func (r *recorder) add(endpoint, status string, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byKey[endpoint]
	if s == nil {
		s = &series{statuses: map[string]int{}}
		r.byKey[endpoint] = s
	}
	s.statuses[status]++
	s.latencies = append(s.latencies, took)
}

// take returns what was recorded so far, and starts afresh.
func (r *recorder) take() *recorder {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := &recorder{byKey: r.byKey}
	r.byKey = map[string]*series{}
	return old
}

// report prints the answers by endpoint and the line scripts/load.sh checks, whose counts
// include those of the warm-up (nil without one).
func (r *recorder) report(elapsed time.Duration, warmup *recorder) {
	fives, errors := r.print(elapsed)
	if warmup != nil {
		f, e := warmup.counts()
		fives, errors = fives+f, errors+e
	}
	fmt.Printf("5xx: %d, errors: %d\n", fives, errors)
}

func (r *recorder) counts() (fives, errors int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.byKey {
		for code, n := range s.statuses {
			switch {
			case code == "error":
				errors += n
			case strings.HasPrefix(code, "5"):
				fives += n
			}
		}
	}
	return fives, errors
}

// print prints one line per endpoint and the total.
func (r *recorder) print(elapsed time.Duration) (fives, errors int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	endpoints := make([]string, 0, len(r.byKey))
	for e := range r.byKey {
		endpoints = append(endpoints, e)
	}
	sort.Strings(endpoints)
	for _, e := range endpoints {
		s := r.byKey[e]
		slices.Sort(s.latencies)
		var parts []string
		codes := make([]string, 0, len(s.statuses))
		for code := range s.statuses {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			n := s.statuses[code]
			parts = append(parts, fmt.Sprintf("%s×%d", code, n))
			switch {
			case code == "error":
				errors += n
			case strings.HasPrefix(code, "5"):
				fives += n
			}
		}
		total += len(s.latencies)
		fmt.Printf("%-10s %7d  %8.1f/s  p50 %8s  p99 %8s  max %8s  %s\n", e, len(s.latencies),
			float64(len(s.latencies))/elapsed.Seconds(), pct(s.latencies, 50), pct(s.latencies, 99),
			s.latencies[len(s.latencies)-1].Round(time.Millisecond), strings.Join(parts, " "))
	}
	fmt.Printf("total      %7d  %8.1f/s in %s\n", total, float64(total)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
	return fives, errors
}

func pct(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)].Round(100 * time.Microsecond)
}
