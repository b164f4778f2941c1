package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/urls"
)

// What operators look at: the probes, the request id, the access log and the metrics,
// through the real router.

func TestHealthzAndReadyz(t *testing.T) {
	// Anonymous requests are throttled at 1/min, and every view needs a user: the probes
	// answer anyway, as often as they are asked.
	s := newServer(t, throttleSettings([]string{"AnonRateThrottle"}, map[string]string{"anon": "1/min"}),
		func(s *settings.Settings) { s.REST.DefaultPermissionClasses = []string{"IsAuthenticated"} })
	for i := range 3 {
		for _, path := range []string{"/healthz", "/readyz"} {
			t.Run(fmt.Sprintf("%s %d", path, i), func(t *testing.T) {
				assertJSON(t, s.do(req{Method: http.MethodGet, Path: path}), 200, `{"status":"ok"}`)
			})
		}
	}
	t.Run("a bad token is not looked at", func(t *testing.T) {
		rec := s.do(req{Method: http.MethodGet, Path: "/readyz", Header: map[string]string{"Authorization": "Bearer not-a-token"}})
		assertJSON(t, rec, 200, `{"status":"ok"}`)
	})
	t.Run("HEAD", func(t *testing.T) {
		if rec := s.do(req{Method: http.MethodHead, Path: "/healthz"}); rec.Code != 200 || rec.Body.Len() != 0 {
			t.Errorf("HEAD /healthz: %d %q", rec.Code, rec.Body)
		}
	})
	t.Run("POST is DRF's 405", func(t *testing.T) {
		assertJSON(t, s.do(req{Method: http.MethodPost, Path: "/healthz"}), 405, `{"detail":"Method \"POST\" not allowed."}`)
	})
	t.Run("the API itself is still throttled", func(t *testing.T) {
		assertStatus(t, s.do(verifyBadToken), 401, "first")
		assertStatus(t, s.do(verifyBadToken), 429, "second")
	})
}

func TestReadyzDatabaseClosed(t *testing.T) {
	s := newServer(t)
	if err := models.Close(s.App.DB); err != nil {
		t.Fatal(err)
	}
	rec := s.do(req{Method: http.MethodGet, Path: "/readyz"})
	assertJSON(t, rec, 503, `{"detail":"Not ready: database unreachable."}`)
	// Liveness asks nothing of the database: an outage must not get the process restarted.
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/healthz"}), 200, `{"status":"ok"}`)
}

func TestReadyzRedisDown(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) { s.RedisURL = "redis://127.0.0.1:1/0" })
	t.Cleanup(func() { s.App.Close() })
	rec := s.do(req{Method: http.MethodGet, Path: "/readyz"})
	assertJSON(t, rec, 503, `{"detail":"Not ready: redis unreachable."}`)
	for _, secret := range []string{"127.0.0.1", "refused", "dial"} {
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("the 503 tells the client %q: %s", secret, rec.Body)
		}
	}
	// Liveness asks nothing of Redis.
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/healthz"}), 200, `{"status":"ok"}`)

	if err := models.Close(s.App.DB); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/readyz"}), 503, `{"detail":"Not ready: database, redis unreachable."}`)
}

// generatedID is what RequestID makes: 26 characters of base32, safe in a URL and a log.
var generatedID = regexp.MustCompile(`^[A-Z2-7]{26}$`)

func TestRequestIDGenerated(t *testing.T) {
	s := newServer(t)
	seen := map[string]bool{}
	for _, r := range []req{
		{Method: http.MethodGet, Path: "/api/protected/"}, // 401
		{Method: http.MethodGet, Path: "/healthz"},
		{Method: http.MethodGet, Path: "/no/such/path/"},           // gin's 404
		{Method: http.MethodGet, Path: "/api/protected"},           // the slash redirect
		{Method: http.MethodPost, Path: "/api/token/", Body: "{}"}, // 400
	} {
		t.Run(r.Method+" "+r.Path, func(t *testing.T) {
			id := s.do(r).Header().Get("X-Request-ID")
			if !generatedID.MatchString(id) {
				t.Errorf("X-Request-ID %q, want a generated id", id)
			}
			if seen[id] {
				t.Errorf("X-Request-ID %q given twice", id)
			}
			seen[id] = true
		})
	}
}

func TestRequestIDFromTrustedProxiesOnly(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) { s.TrustedProxies = []string{"10.0.0.0/8", "::1"} })
	cases := []struct {
		name, peer, sent string
		honoured         bool
	}{
		{"from a trusted proxy", "10.1.2.3:5555", "req-7f3a-proxy", true},
		{"from a trusted proxy over IPv6", "[::1]:5555", "Root=1-67891233-abcdef012345678912345678", true},
		{"from a client", "192.0.2.1:1234", "req-7f3a-client", false},
		{"with a space", "10.1.2.3:5555", "two words", false},
		{"with a line break", "10.1.2.3:5555", "a\nb", false},
		{"too long", "10.1.2.3:5555", strings.Repeat("a", 129), false},
		{"empty", "10.1.2.3:5555", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := req{Method: http.MethodGet, Path: "/healthz", Header: map[string]string{"X-Forwarded-For": "10.9.9.9"}}
			if c.sent != "" {
				r.Header["X-Request-ID"] = c.sent
			}
			got := s.from(c.peer, r).Header().Get("X-Request-ID")
			switch {
			case c.honoured && got != c.sent:
				t.Errorf("X-Request-ID %q, want the proxy's %q", got, c.sent)
			case !c.honoured && !generatedID.MatchString(got):
				t.Errorf("X-Request-ID %q, want a generated id instead of %q", got, c.sent)
			}
		})
	}
	t.Run("no trusted proxies", func(t *testing.T) {
		s := newServer(t)
		r := req{Method: http.MethodGet, Path: "/healthz", Header: map[string]string{"X-Request-ID": "req-from-anyone"}}
		if got := s.from("10.1.2.3:5555", r).Header().Get("X-Request-ID"); !generatedID.MatchString(got) {
			t.Errorf("X-Request-ID %q, want a generated id", got)
		}
	})
}

// logRecord is one JSON log record.
type logRecord map[string]any

// loggedServer is newServer whose logs, at level and above, are JSON records in a buffer.
func loggedServer(t *testing.T, level slog.Level, change ...func(*settings.Settings)) (*server, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
	st := testSettings()
	for _, f := range change {
		f(st)
	}
	app, err := urls.NewApp(st, testDB(t), urls.Options{Logger: logger})
	if err != nil {
		t.Fatalf("NewApp: %v", err)
	}
	return &server{t: t, App: app, Handler: app.Handler()}, &buf
}

// records are the records logged so far with the message msg.
func records(t *testing.T, buf *bytes.Buffer, msg string) []logRecord {
	t.Helper()
	var out []logRecord
	for line := range strings.Lines(buf.String()) {
		var r logRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line is not JSON: %v: %q", err, line)
		}
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

func TestAccessLog(t *testing.T) {
	s, buf := loggedServer(t, slog.LevelInfo)
	alice := s.createUser("alice", "alice-pw")
	access, _ := s.login("alice", "alice-pw")
	buf.Reset()

	rec := s.getWith("/api/protected/", access)
	anon := s.do(req{Method: http.MethodGet, Path: "/api/protected/?page=2"})
	s.do(req{Method: http.MethodGet, Path: "/healthz"})
	s.do(req{Method: http.MethodGet, Path: "/readyz"})

	lines := records(t, buf, "request")
	if len(lines) != 2 {
		t.Fatalf("%d request lines at INFO, want 2 (the probes log at DEBUG):\n%s", len(lines), buf)
	}
	want := []struct {
		rec    *httptest.ResponseRecorder
		status float64
		userID any
	}{{rec, 200, fmt.Sprint(alice.ID)}, {anon, 401, nil}}
	for i, w := range want {
		got := lines[i]
		if got["level"] != "INFO" || got["method"] != "GET" || got["path"] != "/api/protected/" || got["status"] != w.status {
			t.Errorf("line %d: %v", i, got)
		}
		if id := w.rec.Header().Get("X-Request-ID"); id == "" || got["request_id"] != id {
			t.Errorf("line %d: request_id %v, the response's %q", i, got["request_id"], id)
		}
		if got["user_id"] != w.userID {
			t.Errorf("line %d: user_id %v, want %v", i, got["user_id"], w.userID)
		}
		if _, ok := got["duration"].(float64); !ok {
			t.Errorf("line %d: duration %v", i, got["duration"])
		}
		if b, ok := got["bytes"].(float64); !ok || int(b) != w.rec.Body.Len() {
			t.Errorf("line %d: bytes %v, body %d", i, got["bytes"], w.rec.Body.Len())
		}
	}
}

func TestAccessLogProbesAtDebug(t *testing.T) {
	s, buf := loggedServer(t, slog.LevelDebug)
	s.do(req{Method: http.MethodGet, Path: "/healthz"})
	s.do(req{Method: http.MethodGet, Path: "/api/protected/"})
	lines := records(t, buf, "request")
	if len(lines) != 2 || lines[0]["path"] != "/healthz" || lines[0]["level"] != "DEBUG" || lines[1]["level"] != "INFO" {
		t.Errorf("lines %v, want /healthz at DEBUG, then /api/protected/ at INFO", lines)
	}
}

// failing is a view whose GET fails with an error the client must not see.
type failing struct{ rest.APIView }

func (*failing) Get(*rest.Request) (*rest.Response, error) {
	return nil, errors.New("disk on fire")
}

// TestAccessLogRequestIDInEveryLine: the dispatcher's own error record carries the
// request's id and user, as the access line does.
func TestAccessLogRequestIDInEveryLine(t *testing.T) {
	s, buf := loggedServer(t, slog.LevelInfo)
	alice := s.createUser("alice", "alice-pw")
	access, _ := s.login("alice", "alice-pw")
	s.Handler = s.App.Mount(append(s.App.Routes, urls.Route{Path: "/api/failing/", Name: "failing", View: &failing{}}))
	buf.Reset()

	rec := s.getWith("/api/failing/", access)
	assertJSON(t, rec, 500, `{"detail":"A server error occurred."}`)
	id := rec.Header().Get("X-Request-ID")
	for _, msg := range []string{"request failed", "request"} {
		lines := records(t, buf, msg)
		if len(lines) != 1 || lines[0]["request_id"] != id || lines[0]["user_id"] != fmt.Sprint(alice.ID) {
			t.Errorf("%q: %v, want one record with request_id %s and user_id %d", msg, lines, id, alice.ID)
		}
	}
}

func TestMetricsOffByDefault(t *testing.T) {
	s := newServer(t)
	if s.App.Metrics != nil || s.App.MetricsHandler() != nil {
		t.Error("metrics built without METRICS_ADDR")
	}
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/metrics"}), 404, `{"detail":"Not found."}`)
}

// scrape reads the app's metrics as Prometheus does.
func scrape(t *testing.T, s *server) string {
	t.Helper()
	rec := httptest.NewRecorder()
	s.App.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func TestMetrics(t *testing.T) {
	withMetrics := func(s *settings.Settings) {
		s.MetricsAddr = "127.0.0.1:0"
		s.ThrottleRates = map[string]string{"login": "1/min"}
	}
	s := newServer(t, withMetrics)
	other := newServer(t, withMetrics) // a second app in one process: a registry each
	s.createUser("alice", "alice-pw")
	login := func(peer, username, password string) *httptest.ResponseRecorder {
		return s.loginFrom(peer, "/api/token/", username, password)
	}
	assertStatus(t, login("192.0.2.1", "alice", "alice-pw"), 200, "login")
	assertStatus(t, login("192.0.2.1", "alice", "wrong"), 401, "wrong password")
	assertStatus(t, login("192.0.2.1", "alice", "alice-pw"), 429, "after a failure at 1/min")
	assertStatus(t, s.from("192.0.2.2", req{Method: http.MethodPost, Path: "/api/token/", Body: "{}", ContentType: "application/json"}), 400, "no fields")
	s.do(req{Method: http.MethodGet, Path: "/api/notes/7/"})
	s.do(req{Method: http.MethodGet, Path: "/api/notes/8/"})
	s.do(req{Method: http.MethodGet, Path: "/no/such/path/"})
	s.do(req{Method: "BREW", Path: "/api/protected/"})
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/metrics"}), 404, `{"detail":"Not found."}`)
	if err := models.Close(s.App.DB); err != nil {
		t.Fatal(err)
	}
	assertStatus(t, login("192.0.2.3", "bob", "bob-pw"), 503, "database closed")

	body := scrape(t, s)
	for _, want := range []string{
		`ginrest_http_requests_total{method="POST",route="/api/token/",status="200"} 1`,
		`ginrest_http_requests_total{method="POST",route="/api/token/",status="401"} 1`,
		`ginrest_http_requests_total{method="POST",route="/api/token/",status="429"} 1`,
		`ginrest_http_requests_total{method="GET",route="/api/notes/:pk/",status="401"} 2`,
		`ginrest_http_requests_total{method="GET",route="unmatched",status="404"} 2`,   // /no/such/path/, /metrics
		`ginrest_http_requests_total{method="OTHER",route="unmatched",status="404"} 1`, // BREW: no route has it
		`ginrest_http_request_duration_seconds_count{method="GET",route="/api/notes/:pk/"} 2`,
		`ginrest_http_request_duration_seconds_bucket{method="GET",route="/api/notes/:pk/",le="60"} 2`,
		`ginrest_login_attempts_total{outcome="success"} 1`,
		`ginrest_login_attempts_total{outcome="failure"} 1`,
		`ginrest_login_attempts_total{outcome="throttled"} 1`,
		`ginrest_login_attempts_total{outcome="invalid"} 1`,
		`ginrest_login_attempts_total{outcome="refused"} 1`,
		`ginrest_login_attempts_total{outcome="error"} 0`,
		"\nginrest_password_hashing_workers ",
		"\nginrest_password_hashing_waiting 0\n",
		"\nginrest_password_hashing_mean_seconds ",
		`ginrest_db_pool_max_open_connections{pool="write"}`,
		`ginrest_db_pool_in_use_connections{pool="write"} 0`,
		`ginrest_db_pool_waits_total{pool="write"}`,
		"\ngo_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape has no %q", want)
		}
	}
	for _, raw := range []string{`route="/api/notes/7/"`, `route="/no/such/path/"`, `method="BREW"`} {
		if strings.Contains(body, raw) {
			t.Errorf("a label from the client's text: %s", raw)
		}
	}
	if strings.Contains(scrape(t, other), `ginrest_http_requests_total{`) {
		t.Error("the second app counted the first app's requests")
	}
}

// A request whose client went away before it was answered is not the server's failure:
// nothing is logged at WARN or above (the dispatcher notes it at DEBUG), its access line
// and its metrics say 499, nginx's "client closed request", rather than the 503 written to
// nobody, and its write is not made.
func TestClientGoneIsNotAnError(t *testing.T) {
	s, buf := loggedServer(t, slog.LevelDebug, func(st *settings.Settings) { st.MetricsAddr = "127.0.0.1:0" })
	s.createUser("alice", "alice-pw")
	access, refresh := s.login("alice", "alice-pw")
	buf.Reset()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	asJSON := "application/json"
	requests := []req{
		{Method: http.MethodPost, Path: "/api/token/", Body: `{"username":"alice","password":"alice-pw"}`, ContentType: asJSON},
		{Method: http.MethodPost, Path: "/api/token/refresh/", Body: `{"refresh":"` + refresh + `"}`, ContentType: asJSON},
		{Method: http.MethodPost, Path: "/api/notes/", Body: `{"title":"never written"}`, ContentType: asJSON,
			Header: map[string]string{"Authorization": "Bearer " + access}},
	}
	for _, r := range requests {
		hr := httptest.NewRequestWithContext(gone, r.Method, r.Path, strings.NewReader(r.Body))
		hr.Header.Set("Content-Type", r.ContentType)
		for k, v := range r.Header {
			hr.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.Handler.ServeHTTP(rec, hr)
		assertStatus(t, rec, http.StatusServiceUnavailable, r.Path+" after its client went away")
	}

	lines := records(t, buf, "request")
	if len(lines) != len(requests) {
		t.Fatalf("%d access lines, want %d:\n%s", len(lines), len(requests), buf)
	}
	for i, line := range lines {
		if line["path"] != requests[i].Path || line["status"] != float64(499) || line["level"] != "INFO" {
			t.Errorf("access line %d: %v, want %s at 499, INFO", i, line, requests[i].Path)
		}
	}
	if n := len(records(t, buf, "request abandoned")); n != len(requests) {
		t.Errorf("%d records of an abandoned request, want %d", n, len(requests))
	}
	for line := range strings.Lines(buf.String()) {
		if strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("logged as a problem: %s", line)
		}
	}
	body := scrape(t, s)
	for _, want := range []string{
		`ginrest_http_requests_total{method="POST",route="/api/token/",status="499"} 1`,
		`ginrest_http_requests_total{method="POST",route="/api/token/refresh/",status="499"} 1`,
		`ginrest_http_requests_total{method="POST",route="/api/notes/",status="499"} 1`,
		`ginrest_login_attempts_total{outcome="abandoned"} 1`,
		`ginrest_login_attempts_total{outcome="refused"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the scrape has no %q", want)
		}
	}
	if strings.Contains(body, `status="503"`) {
		t.Error("an abandoned request counted as a 503")
	}

	// Nothing was written: the refresh token was not rotated, and there is no note.
	assertStatus(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), http.StatusOK, "the refresh token afterwards")
	if notes := s.getWith("/api/notes/", access); !strings.Contains(notes.Body.String(), `"count":0`) {
		t.Errorf("notes after an abandoned create: %d %s", notes.Code, notes.Body)
	}
}
