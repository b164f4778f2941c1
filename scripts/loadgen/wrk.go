package main

import (
	"embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The timed loops of refresh, verify and protected, driven by wrk (-wrk): a Go client spends
// about as much CPU per request as the server, so on a small machine it caps what it
// measures. loadgen logs the clients in (the warm-up), hands their tokens to a wrk script,
// and reports wrk's figures in its own format.

//go:embed wrk/*.lua
var wrkScripts embed.FS

// tokensPerClient is how many tokens each client starts with: verify cycles through four
// per client, as verifyLoop does; the others use one.
func tokensPerClient(mode string) int {
	if mode == "verify" {
		return 4
	}
	return 1
}

func wrkMode(c *client, mode string, conns, users int, d time.Duration, addr string) {
	began := time.Now()
	var mu sync.Mutex
	var tokens []string
	var wg sync.WaitGroup
	clients := conns
	if mode == "refresh" {
		clients++ // a spare: see refresh.lua
	}
	for i := range clients {
		wg.Go(func() {
			for range tokensPerClient(mode) {
				access, refresh, ok := c.login(i % users)
				if !ok {
					continue
				}
				mu.Lock()
				if mode == "refresh" {
					tokens = append(tokens, refresh)
				} else {
					tokens = append(tokens, access)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	setupTook := time.Since(began)
	warmup := c.rec.take()

	dir, err := os.MkdirTemp("", "loadgen-wrk")
	check(err)
	defer os.RemoveAll(dir)
	tokenFile, scriptFile := filepath.Join(dir, "tokens"), filepath.Join(dir, "script.lua")
	check(os.WriteFile(tokenFile, []byte(strings.Join(tokens, "\n")+"\n"), 0o600))
	common, err := wrkScripts.ReadFile("wrk/report.lua")
	check(err)
	script := "wrk/cycle.lua" // verify, protected
	if mode == "refresh" {
		script = "wrk/refresh.lua"
	}
	own, err := wrkScripts.ReadFile(script)
	check(err)
	check(os.WriteFile(scriptFile, append(append(common, '\n'), own...), 0o600))

	out, err := exec.Command("wrk", "-t1", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(int(d.Seconds()))+"s",
		"--timeout", "60s", "-s", scriptFile, "http://"+addr, "--", tokenFile, mode).Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "wrk: %v\n%s", err, out)
		os.Exit(1)
	}
	res, err := parseWrk(string(out))
	if err != nil {
		fmt.Fprintf(os.Stderr, "wrk: %v\n%s", err, out)
		os.Exit(1)
	}

	fmt.Println("warm-up (not in the figures below):")
	warmFives, warmErrors := warmup.print(setupTook)
	elapsed := time.Duration(res.durationUS) * time.Microsecond
	us := func(v int64) time.Duration { return time.Duration(v) * time.Microsecond }
	fmt.Printf("%-10s %7d  %8.1f/s  p50 %8s  p99 %8s  max %8s  %s\n", mode, res.requests,
		float64(res.requests)/elapsed.Seconds(), us(res.p50).Round(100*time.Microsecond), us(res.p99).Round(100*time.Microsecond),
		us(res.max).Round(time.Millisecond), res.statusList())
	fmt.Printf("total      %7d  %8.1f/s in %s\n", res.requests, float64(res.requests)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
	fmt.Printf("5xx: %d, errors: %d\n", res.fives()+int64(warmFives), res.errors+int64(warmErrors))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// wrkResult is the line report.lua prints.
type wrkResult struct {
	requests, durationUS, p50, p99, max, errors int64
	statuses                                    map[string]int64
}

func parseWrk(out string) (wrkResult, error) {
	r := wrkResult{statuses: map[string]int64{}}
	fields := map[string]*int64{"requests": &r.requests, "duration_us": &r.durationUS, "p50_us": &r.p50,
		"p99_us": &r.p99, "max_us": &r.max, "errors": &r.errors}
	for line := range strings.SplitSeq(out, "\n") {
		rest, ok := strings.CutPrefix(line, "WRK ")
		if !ok {
			continue
		}
		for field := range strings.FieldsSeq(rest) {
			key, value, _ := strings.Cut(field, "=")
			if key == "statuses" {
				for pair := range strings.SplitSeq(value, ",") {
					code, n, ok := strings.Cut(pair, ":")
					if !ok {
						continue
					}
					count, err := strconv.ParseInt(n, 10, 64)
					if err != nil {
						return r, fmt.Errorf("status count %q", pair)
					}
					r.statuses[code] += count
				}
				continue
			}
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil {
				return r, fmt.Errorf("field %q", field)
			}
			if to := fields[key]; to != nil {
				*to = n
			}
		}
		if r.durationUS <= 0 {
			return r, fmt.Errorf("no duration")
		}
		return r, nil
	}
	return r, fmt.Errorf("no report line from the script")
}

func (r wrkResult) statusList() string {
	codes := make([]string, 0, len(r.statuses))
	for code := range r.statuses {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s×%d", code, r.statuses[code])
	}
	return strings.Join(parts, " ")
}

func (r wrkResult) fives() (n int64) {
	for code, count := range r.statuses {
		if strings.HasPrefix(code, "5") {
			n += count
		}
	}
	return n
}
