package commands_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// get fetches url and returns the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

var metricsLine = regexp.MustCompile(`Serving metrics at (http://[^/\s]+/metrics)\n`)

func TestRunserverServesMetricsOnTheirOwnAddress(t *testing.T) {
	p := newProject(t)
	s := p.startServer(map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	m := metricsLine.FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("stdout names no metrics address: %s", s.stdout)
	}
	metricsURL := m[1]
	if strings.Contains(metricsURL, s.addr) {
		t.Fatalf("metrics at %s, on the API's address %s", metricsURL, s.addr)
	}
	if code, _ := get(t, "http://"+s.addr+"/api/protected/"); code != http.StatusUnauthorized {
		t.Errorf("GET /api/protected/: %d", code)
	}
	if code, body := get(t, "http://"+s.addr+"/metrics"); code != http.StatusNotFound || strings.Contains(body, "ginrest_") {
		t.Errorf("the API's /metrics: %d %s", code, body)
	}
	code, body := get(t, metricsURL)
	want := `ginrest_http_requests_total{method="GET",route="/api/protected/",status="401"} 1`
	if code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("scrape: %d, no %q in\n%s", code, want, body)
	}
	if r := s.stop(); r.code != 0 || !strings.Contains(r.stdout, "Server stopped.") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(metricsURL); err == nil {
		t.Error("metrics still served after runserver returned")
	}
}

func TestRunserverWithoutMetricsAddr(t *testing.T) {
	p := newProject(t)
	s := p.startServer(nil)
	if strings.Contains(s.stdout.String(), "metrics") {
		t.Errorf("stdout: %s", s.stdout)
	}
}

func TestRunserverRefusesABusyMetricsAddr(t *testing.T) {
	p := newProject(t)
	s := p.startServer(nil)
	// The API's own address is taken: runserver must stop at start, naming the setting.
	r := p.runWith(map[string]string{"METRICS_ADDR": s.addr}, "", "runserver", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "METRICS_ADDR") {
		t.Errorf("exit %d, stderr %s", r.code, r.stderr)
	}
}

// djangoLine is Django's runserver line: [06/Dec/2026 03:11:39] "GET /api/ HTTP/1.1" 200 52
var djangoLine = regexp.MustCompile(`(?m)^\[\d{2}/[A-Z][a-z]{2}/\d{4} \d{2}:\d{2}:\d{2}\] "GET /api/protected/\?x=1 HTTP/1\.1" 401 \d+$`)

func TestRunserverPrintsDjangoLinesInDebug(t *testing.T) {
	p := newProject(t)
	s := p.startServer(map[string]string{"DEBUG": "true", "SECRET_KEY": ""})
	get(t, "http://"+s.addr+"/api/protected/?x=1")
	r := s.stop()
	if !djangoLine.MatchString(r.stderr) {
		t.Errorf("stderr has no runserver line for the request:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "msg=request") {
		t.Errorf("a log record as well as the line:\n%s", r.stderr)
	}
}

var requestRecord = regexp.MustCompile(`level=INFO msg=request method=GET path=/api/protected/ status=401 duration=\S+ bytes=\d+ request_id=[A-Z2-7]{26}\n`)

func TestRunserverLogsRequestsInProduction(t *testing.T) {
	p := newProject(t)
	s := p.startServer(nil)
	get(t, "http://"+s.addr+"/api/protected/")
	get(t, "http://"+s.addr+"/healthz")
	r := s.stop()
	if !requestRecord.MatchString(r.stderr) {
		t.Errorf("stderr has no request record:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "/healthz") {
		t.Errorf("a probe logged at INFO:\n%s", r.stderr)
	}
}
