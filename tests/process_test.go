package tests

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"ginrest/settings"
)

// The promises of the process itself, checked against the real binary over real HTTP:
// what a crash keeps, what SIGTERM lets finish, what `go run .` does, what production
// refuses. The binary is built once, into the test's own directory.
func TestProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the ginrest binary: skipped with -short")
	}
	bin := buildBinary(t)
	t.Run("BlacklistSurvivesSIGKILL", func(t *testing.T) { testBlacklistSurvivesSIGKILL(t, bin) })
	t.Run("SIGTERMFinishesRequestsInFlight", func(t *testing.T) { testSIGTERMFinishesRequestsInFlight(t, bin) })
	t.Run("DefaultRunIsADevelopmentServer", func(t *testing.T) { testDefaultRun(t, bin) })
	t.Run("ProductionRefusesTheDevelopmentKey", func(t *testing.T) { testProcessRefusesDevelopmentKey(t, bin) })
	t.Run("TwoProcessesShareADatabase", func(t *testing.T) { testTwoProcessesShareADatabase(t, bin) })
}

// buildBinary runs `go build -o <tmp>/ginrest ginrest` from the module root.
func buildBinary(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "ginrest")
	cmd := exec.Command("go", "build", "-o", bin, "ginrest")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// procOutput collects a process's output while the test reads it.
type procOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *procOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *procOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// proc is one run of the binary.
type proc struct {
	t              *testing.T
	cmd            *exec.Cmd
	stdout, stderr *procOutput
	exited         chan struct{}
	waitErr        error
}

// procEnv is the environment of a child: PATH and the given variables, nothing inherited
// that settings read.
func procEnv(vars map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// startProc starts the binary; the test's cleanup kills it if it is still running.
func startProc(t *testing.T, bin, dir string, vars map[string]string, stdin string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, stdout: &procOutput{}, stderr: &procOutput{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = dir
	p.cmd.Env = procEnv(vars)
	p.cmd.Stdin = strings.NewReader(stdin)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", args, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// wait waits for the process to exit and returns its exit code (-1 when a signal ended it).
func (p *proc) wait(timeout time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(timeout):
		p.t.Fatalf("%v did not exit within %v\nstdout: %s\nstderr: %s", p.cmd.Args, timeout, p.stdout, p.stderr)
	}
	var exit *exec.ExitError
	if p.waitErr != nil && !errors.As(p.waitErr, &exit) {
		p.t.Fatalf("%v: %v", p.cmd.Args, p.waitErr)
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *proc) signal(sig os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

var startingLine = regexp.MustCompile(`Starting server at http://([^/\s]+)/`)

// addr waits for runserver's "Starting server at" line and returns the address.
func (p *proc) addr() string {
	p.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := startingLine.FindStringSubmatch(p.stdout.String()); m != nil {
			return m[1]
		}
		select {
		case <-p.exited:
			p.t.Fatalf("%v exited before serving (%v)\nstdout: %s\nstderr: %s", p.cmd.Args, p.waitErr, p.stdout, p.stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	p.t.Fatalf("%v did not start serving\nstdout: %s\nstderr: %s", p.cmd.Args, p.stdout, p.stderr)
	return ""
}

// runProc runs a command of the binary to completion.
func runProc(t *testing.T, bin, dir string, vars map[string]string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	p := startProc(t, bin, dir, vars, stdin, args...)
	code = p.wait(30 * time.Second)
	return code, p.stdout.String(), p.stderr.String()
}

// procVars are production settings for a child process on a fresh database.
func procVars(t *testing.T) map[string]string {
	return map[string]string{
		"DEBUG":               "false",
		"ALLOWED_HOSTS":       "127.0.0.1,localhost",
		"SECRET_KEY":          testKey,
		"DATABASE_URL":        DatabaseURL(t),
		"PASSWORD_ITERATIONS": "1000",
		"THROTTLE_RATES":      "login=100000/min",
	}
}

// procClient speaks to a child process over real HTTP.
type procClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newProcClient(t *testing.T, addr string) *procClient {
	transport := &http.Transport{DisableKeepAlives: true} // no connection outlives its request
	return &procClient{t: t, base: "http://" + addr, http: &http.Client{Timeout: 20 * time.Second, Transport: transport}}
}

// call sends a request and returns the status and the decoded JSON object of the body.
func (c *procClient) call(method, path, bearer string, body any) (int, map[string]any) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	var m map[string]any
	mustJSON(c.t, data, &m)
	return resp.StatusCode, m
}

// login obtains a token pair.
func (c *procClient) login(username, password string) (access, refresh string) {
	c.t.Helper()
	status, body := c.call(http.MethodPost, "/api/token/", "", map[string]string{"username": username, "password": password})
	access, _ = body["access"].(string)
	refresh, _ = body["refresh"].(string)
	if status != http.StatusOK || access == "" || refresh == "" {
		c.t.Fatalf("login %s: %d %v", username, status, body)
	}
	return access, refresh
}

func testBlacklistSurvivesSIGKILL(t *testing.T, bin string) {
	vars := procVars(t)
	dir := t.TempDir()
	if code, _, stderr := runProc(t, bin, dir, vars, "alice-pw-garden\n", "createuser", "--username", "alice", "--password-stdin"); code != 0 {
		t.Fatalf("createuser: exit %d: %s", code, stderr)
	}

	first := startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0")
	c := newProcClient(t, first.addr())
	_, refresh := c.login("alice", "alice-pw-garden")
	if status, body := c.call(http.MethodPost, "/api/token/blacklist/", "", map[string]string{"refresh": refresh}); status != http.StatusOK {
		t.Fatalf("blacklist: %d %v", status, body)
	}
	// The 200 promised the blacklisting: no chance to flush anything after it.
	first.signal(syscall.SIGKILL)
	first.wait(10 * time.Second)

	second := startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0")
	c = newProcClient(t, second.addr())
	status, body := c.call(http.MethodPost, "/api/token/refresh/", "", map[string]string{"refresh": refresh})
	if status != http.StatusUnauthorized || body["detail"] != "Token is blacklisted" || body["code"] != "token_not_valid" {
		t.Errorf("refresh with the blacklisted token after SIGKILL: %d %v", status, body)
	}
	_, again := c.login("alice", "alice-pw-garden")
	if status, body := c.call(http.MethodPost, "/api/token/refresh/", "", map[string]string{"refresh": again}); status != http.StatusOK {
		t.Errorf("refresh after restart: %d %v", status, body)
	}
	second.signal(syscall.SIGTERM)
	if code := second.wait(10 * time.Second); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr %s", code, second.stderr)
	}
}

func testSIGTERMFinishesRequestsInFlight(t *testing.T, bin string) {
	const (
		logins     = 20
		iterations = 300_000 // about 50ms a hash here: the logins queue on the CPUs
	)
	vars := procVars(t)
	vars["PASSWORD_ITERATIONS"] = strconv.Itoa(iterations)
	dir := t.TempDir()
	if code, _, stderr := runProc(t, bin, dir, vars, "bob-pw-garden", "createuser", "--username", "bob", "--password-stdin"); code != 0 {
		t.Fatalf("createuser: exit %d: %s", code, stderr)
	}
	p := startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0")
	addr := p.addr()
	start := time.Now()
	newProcClient(t, addr).login("bob", "bob-pw-garden")
	oneLogin := time.Since(start)
	t.Logf("one login takes %v", oneLogin)

	type outcome struct {
		status int
		body   map[string]any
		err    error
		done   time.Time
	}
	outcomes := make([]outcome, logins)
	var wrote, finished sync.WaitGroup
	var answered atomic.Int32 // logins whose connection the server already closed
	wrote.Add(logins)
	finished.Add(logins)
	for i := range logins {
		go func() {
			defer finished.Done()
			var once sync.Once
			sent := func() { once.Do(wrote.Done) }
			defer sent() // a request that failed before it was written still counts down
			trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { sent() }}
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/token/", strings.NewReader(`{"username":"bob","password":"bob-pw-garden"}`))
			req.Header.Set("Content-Type", "application/json")
			req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
			// A connection of its own each: all twenty are in flight at once.
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := client.Do(req)
			defer answered.Add(1)
			if err != nil {
				outcomes[i] = outcome{err: err, done: time.Now()}
				return
			}
			defer resp.Body.Close()
			data, err := io.ReadAll(resp.Body)
			o := outcome{status: resp.StatusCode, err: err, done: time.Now()}
			if err == nil {
				o.err = json.Unmarshal(data, &o.body)
			}
			outcomes[i] = o
		}()
	}
	wrote.Wait()
	// Every request is written; wait for the server to have accepted every connection, or
	// the kernel, not the server, would be the one refusing them.
	if !waitAccepted(p.cmd.Process.Pid, addr, func() int { return logins - int(answered.Load()) }, 5*time.Second) {
		time.Sleep(50 * time.Millisecond) // no /proc here: a guess
	}
	time.Sleep(5 * time.Millisecond)
	signalled := time.Now()
	p.signal(syscall.SIGTERM)
	finished.Wait()

	after := 0
	for i, o := range outcomes {
		switch {
		case o.err != nil:
			t.Errorf("login %d: %v", i, o.err)
		case o.status != http.StatusOK || o.body["access"] == nil || o.body["refresh"] == nil:
			t.Errorf("login %d: %d %v", i, o.status, o.body)
		}
		if o.done.After(signalled) {
			after++
		}
	}
	if after == 0 {
		t.Errorf("every login finished before SIGTERM: nothing was in flight (raise the iterations)")
	}
	t.Logf("%d of %d logins finished after SIGTERM", after, logins)
	// Draining is bounded by the work in flight, measured on this machine in this run (a
	// busy machine is slower at both): every login hashed one after another, and slack
	// for a process start. Past it, the server is hanging, not busy.
	drain := time.Duration(logins)*oneLogin + 10*time.Second
	if code := p.wait(drain); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr %s", code, p.stderr)
	}
	t.Logf("the process took %v to exit after SIGTERM (bound %v)", time.Since(signalled), drain)
	if !strings.Contains(p.stdout.String(), "Server stopped.") {
		t.Errorf("stdout: %s", p.stdout)
	}
}

// waitAccepted waits until the process pid holds at least want() established connections
// on addr's port, reading /proc (Linux). It reports false when /proc cannot tell.
func waitAccepted(pid int, addr string, want func() int, timeout time.Duration) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return false
	}
	// /proc/net/tcp: "sl local_address rem_address st ... inode", addresses as hex IP:PORT.
	wantLocal := fmt.Sprintf(":%04X", p)
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		if err != nil {
			return false
		}
		inodes := map[string]bool{}
		for _, fd := range fds {
			link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
			if err == nil && strings.HasPrefix(link, "socket:[") {
				inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
			}
		}
		table, err := os.ReadFile("/proc/net/tcp")
		if err != nil {
			return false
		}
		established := 0
		for _, line := range strings.Split(string(table), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) > 9 && strings.HasSuffix(f[1], wantLocal) && f[3] == "01" && inodes[f[9]] {
				established++
			}
		}
		if established >= want() {
			return true
		}
	}
	return false
}

var demoCredentials = regexp.MustCompile(`created demo user ("[^"\n]*") with password ("[^"\n]*")`)

func testDefaultRun(t *testing.T, bin string) {
	ln, err := net.Listen("tcp", "127.0.0.1:8000")
	if err != nil {
		t.Skipf("port 8000 is not free (%v): cannot check that the binary serves 127.0.0.1:8000 by default", err)
	}
	ln.Close()

	dir := t.TempDir()
	p := startProc(t, bin, dir, nil, "") // no arguments, no DEBUG, no DATABASE_URL, no SECRET_KEY
	if addr := p.addr(); addr != "127.0.0.1:8000" {
		t.Fatalf("serving on %s", addr)
	}
	if _, err := os.Stat(filepath.Join(dir, "db.sqlite3")); err != nil {
		t.Errorf("db.sqlite3 in the working directory: %v", err)
	}
	m := demoCredentials.FindStringSubmatch(p.stdout.String())
	if m == nil {
		t.Fatalf("no demo credentials printed:\n%s", p.stdout)
	}
	username, err1 := strconv.Unquote(m[1])
	password, err2 := strconv.Unquote(m[2])
	if err1 != nil || err2 != nil {
		t.Fatalf("demo credentials %s %s", m[1], m[2])
	}
	c := newProcClient(t, "127.0.0.1:8000")
	access, _ := c.login(username, password)
	if status, body := c.call(http.MethodGet, "/api/protected/", access, nil); status != http.StatusOK || body["message"] != "Hello, authenticated user!" {
		t.Errorf("protected: %d %v", status, body)
	}
	p.signal(syscall.SIGINT) // CONTROL-C, as the banner says
	if code := p.wait(10 * time.Second); code != 0 {
		t.Errorf("exit %d after SIGINT; stderr %s", code, p.stderr)
	}
}

func testProcessRefusesDevelopmentKey(t *testing.T, bin string) {
	for _, c := range []struct {
		name string
		key  string // "" leaves SECRET_KEY unset
	}{
		{"no SECRET_KEY", ""},
		{"development key", settings.DevelopmentSecretKey},
		{"short key", "0123456789"},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := procVars(t)
			delete(vars, "SECRET_KEY")
			if c.key != "" {
				vars["SECRET_KEY"] = c.key
			}
			code, stdout, stderr := runProc(t, bin, t.TempDir(), vars, "", "runserver", "127.0.0.1:0")
			if code == 0 {
				t.Errorf("exit 0")
			}
			if !strings.Contains(stderr, "SECRET_KEY") {
				t.Errorf("stderr does not name SECRET_KEY: %s", stderr)
			}
			if strings.Contains(stdout, "Starting server") {
				t.Errorf("started: %s", stdout)
			}
		})
	}
}
