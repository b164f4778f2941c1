package middleware_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"ginrest/middleware"
	"ginrest/rest"
)

// user is an authenticated user with a primary key.
type user string

func (user) IsAuthenticated() bool { return true }
func (user) IsAdmin() bool         { return false }
func (u user) PK() string          { return string(u) }

func TestChainOrder(t *testing.T) {
	var order []string
	mw := func(name string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name)
				next.ServeHTTP(w, r)
			})
		}
	}
	h := middleware.Chain(http.NotFoundHandler(), mw("a"), mw("b"), mw("c"))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if got := strings.Join(order, ","); got != "a,b,c" {
		t.Errorf("order %s, want a,b,c (the first outermost)", got)
	}
}

func TestRequestID(t *testing.T) {
	proxies := rest.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name, peer, sent string
		proxies          rest.TrustedProxies
		honoured         bool
	}{
		{"trusted proxy", "10.0.0.1:80", "abc-123", proxies, true},
		{"IPv4-mapped trusted proxy", "[::ffff:10.0.0.1]:80", "abc-123", proxies, true},
		{"untrusted peer", "192.0.2.1:80", "abc-123", proxies, false},
		{"no proxies configured", "10.0.0.1:80", "abc-123", nil, false},
		{"peer without a port", "10.0.0.1", "abc-123", proxies, false},
		{"control character", "10.0.0.1:80", "abc\x00", proxies, false},
		{"non-ASCII", "10.0.0.1:80", "abç", proxies, false},
		{"none sent", "10.0.0.1:80", "", proxies, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var inContext string
			h := middleware.RequestID(tt.proxies)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inContext = middleware.RequestIDFrom(r.Context())
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			if tt.sent != "" {
				r.Header.Set("X-Request-ID", tt.sent)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			got := rec.Header().Get("X-Request-ID")
			if got == "" || got != inContext {
				t.Fatalf("header %q, context %q", got, inContext)
			}
			if (got == tt.sent) != tt.honoured {
				t.Errorf("id %q for %q sent: honoured %v, want %v", got, tt.sent, got == tt.sent, tt.honoured)
			}
		})
	}
}

func TestLogContext(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(middleware.LogContext(slog.NewTextHandler(&buf, nil)))
	if h := middleware.LogContext(logger.Handler()); h != logger.Handler() {
		t.Error("wrapping twice adds the attributes twice")
	}
	var ctx context.Context
	h := middleware.RequestID(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { ctx = r.Context() }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	id := rec.Header().Get("X-Request-ID")

	logger.InfoContext(context.Background(), "outside")
	logger.InfoContext(ctx, "anonymous")
	rest.InfoFrom(ctx).SetUser(user("42")) // as the dispatcher records an authenticated user
	logger.With("a", 1).InfoContext(ctx, "authenticated")
	logger.InfoContext(ctx, "names its user", "user_id", "7")

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		"msg=outside\n",
		"msg=anonymous request_id=" + id + "\n",
		"msg=authenticated a=1 request_id=" + id + " user_id=42\n",
		"msg=\"names its user\" user_id=7 request_id=" + id + "\n",
	}
	for i, w := range want {
		if i >= len(lines) || !strings.HasSuffix(lines[i]+"\n", w) {
			t.Errorf("line %d: %q, want it to end with %q", i, lines, w)
		}
	}
}

func TestAccessLogStatusAndSize(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		status  int
		bytes   int64
	}{
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 200, 0},
		{"body only", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("hello")) }, 200, 5},
		{"status and body", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte("short and stout"))
		}, 418, 15},
		{"interim status first", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusNoContent)
		}, 204, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []middleware.Entry
			var metrics observer
			h := middleware.Chain(tt.handler,
				middleware.AccessLog(func(_ context.Context, e middleware.Entry) { got = append(got, e) }),
				middleware.Metrics(&metrics))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/x/?q=1", nil))
			if len(got) != 1 || len(metrics) != 1 {
				t.Fatalf("access log %v, metrics %v: want one entry each", got, metrics)
			}
			e := got[0]
			if e.Status != tt.status || e.Bytes != tt.bytes || e.Method != http.MethodPost || e.Path != "/x/" || e.RequestURI != "/x/?q=1" {
				t.Errorf("entry %+v, want %d and %d bytes", e, tt.status, tt.bytes)
			}
			if m := metrics[0]; m.Status != e.Status || m.Bytes != e.Bytes {
				t.Errorf("metrics saw %+v, the access log %+v", m, e)
			}
		})
	}
}

type observer []middleware.Entry

func (o *observer) ObserveRequest(e middleware.Entry) { *o = append(*o, e) }

// TestAccessLogReadsTheInfo: what the router and the dispatcher record in the request's
// Info reaches the entry.
func TestAccessLogReadsTheInfo(t *testing.T) {
	var got middleware.Entry
	h := middleware.AccessLog(func(_ context.Context, e middleware.Entry) { got = e })(
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			info := rest.InfoFrom(r.Context())
			info.SetRoute("/api/notes/:pk/")
			info.SetUser(user("7"))
		}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/notes/3/", nil))
	if got.Route != "/api/notes/:pk/" || got.UserID != "7" || got.Path != "/api/notes/3/" {
		t.Errorf("entry %+v", got)
	}
}

func TestSlogAccessLevels(t *testing.T) {
	var buf bytes.Buffer
	log := middleware.SlogAccess(slog.New(slog.NewTextHandler(&buf, nil)), "/healthz")
	log(context.Background(), middleware.Entry{Method: "GET", Path: "/healthz", Status: 200})
	log(context.Background(), middleware.Entry{Method: "GET", Path: "/api/", Status: 200, Duration: 1500 * time.Microsecond, Bytes: 52})
	want := "level=INFO msg=request method=GET path=/api/ status=200 duration=1.5ms bytes=52\n"
	if got := buf.String(); !strings.HasSuffix(got, want) || strings.Count(got, "\n") != 1 {
		t.Errorf("logged %q, want only the /api/ line at INFO, ending %q", got, want)
	}
}

func TestDevAccess(t *testing.T) {
	var buf bytes.Buffer
	log := middleware.DevAccess(&buf)
	start := time.Date(2026, 12, 6, 3, 11, 39, 0, time.Local)
	log(context.Background(), middleware.Entry{Start: start, Method: "GET", RequestURI: "/api/", Proto: "HTTP/1.1", Status: 200, Bytes: 52})
	log(context.Background(), middleware.Entry{Start: start, Method: "GET", RequestURI: "/a\"b\nc", Proto: "HTTP/1.1", Status: 404, Bytes: 23})
	want := "[06/Dec/2026 03:11:39] \"GET /api/ HTTP/1.1\" 200 52\n" +
		"[06/Dec/2026 03:11:39] \"GET /a%22b%0Ac HTTP/1.1\" 404 23\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
