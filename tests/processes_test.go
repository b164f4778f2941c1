package tests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Two server processes on one database (one SQLite file, or one PostgreSQL schema under
// DATABASE_URL), as a second runserver or a deployment of two would be, under write load
// on both at once: every request is answered, and none with a 5xx. On SQLite the two
// processes' writers meet at the file lock; each waits its busy timeout for the other.
func testTwoProcessesShareADatabase(t *testing.T, bin string) {
	const workersPerProcess = 16
	vars := procVars(t)
	dir := t.TempDir()
	for i := range 4 {
		name := fmt.Sprintf("writer%d", i)
		if code, _, stderr := runProc(t, bin, dir, vars, "writer-pw-garden\n", "createuser", "--username", name, "--password-stdin"); code != 0 {
			t.Fatalf("createuser %s: exit %d: %s", name, code, stderr)
		}
	}
	procs := []*proc{startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0"), startProc(t, bin, dir, vars, "", "runserver", "127.0.0.1:0")}
	addrs := []string{procs[0].addr(), procs[1].addr()}

	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := range 2 * workersPerProcess {
		wg.Go(func() {
			// Each session starts on one process and refreshes and logs out on the other.
			c := &rawClient{http: &http.Client{Timeout: 60 * time.Second}}
			if msg := c.session(addrs[i%2], addrs[(i+1)%2], fmt.Sprintf("writer%d", i%4), i); msg != "" {
				mu.Lock()
				failures = append(failures, msg)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d sessions failed; first: %s", len(failures), 2*workersPerProcess, failures[0])
	}
	for _, p := range procs {
		p.signal(syscall.SIGTERM)
		if code := p.wait(30 * time.Second); code != 0 {
			t.Errorf("exit %d after SIGTERM; stderr %s", code, p.stderr)
		}
	}
}

// rawClient is a client that never fails the test itself: safe in goroutines.
type rawClient struct{ http *http.Client }

func (c *rawClient) call(addr, method, path, bearer string, body any) (int, map[string]any, error) {
	data, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(data))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return resp.StatusCode, nil, fmt.Errorf("not JSON: %q", raw)
	}
	return resp.StatusCode, m, nil
}

// session logs in on one process, writes a note there, refreshes twice and logs out on the
// other; it returns the first unexpected answer, or "".
func (c *rawClient) session(first, second, username string, n int) string {
	step := func(addr, method, path, bearer string, body any, want int) (map[string]any, string) {
		status, m, err := c.call(addr, method, path, bearer, body)
		if err != nil || status != want {
			return nil, fmt.Sprintf("%s %s on %s: %d %v %v", method, path, addr, status, m, err)
		}
		return m, ""
	}
	m, msg := step(first, http.MethodPost, "/api/token/", "", map[string]string{"username": username, "password": "writer-pw-garden"}, http.StatusOK)
	if msg != "" {
		return msg
	}
	access, _ := m["access"].(string)
	refresh, _ := m["refresh"].(string)
	if _, msg := step(first, http.MethodPost, "/api/notes/", access, map[string]string{"title": fmt.Sprint("note ", n)}, http.StatusCreated); msg != "" {
		return msg
	}
	for range 2 {
		if m, msg = step(second, http.MethodPost, "/api/token/refresh/", "", map[string]string{"refresh": refresh}, http.StatusOK); msg != "" {
			return msg
		}
		refresh, _ = m["refresh"].(string)
	}
	_, msg = step(second, http.MethodPost, "/api/token/blacklist/", "", map[string]string{"refresh": refresh}, http.StatusOK)
	return msg
}
