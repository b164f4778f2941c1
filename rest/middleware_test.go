package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/rest"
)

func httptestRequest() *http.Request { return httptest.NewRequest(http.MethodGet, "/", nil) }

func TestRecoverer(t *testing.T) {
	const secret = "secret panic text: token=eyJhbGciOi"
	panicking := getter(func(*rest.Request) (*rest.Response, error) { panic(secret) })
	panicking.Permissions = perms()

	for _, method := range []string{http.MethodGet, http.MethodHead} {
		t.Run(method, func(t *testing.T) {
			logger, logs := quietLogger()
			h := rest.Recoverer(logger, rest.NewHandler(panicking, rest.Defaults{}))
			rec := call(t, h, method, "/boom/", nil, "")
			if rec.Code != 500 {
				t.Fatalf("status = %d, want 500", rec.Code)
			}
			wantBody := bodyServerError
			if method == http.MethodHead {
				wantBody = ""
			}
			if got := rec.Body.String(); got != wantBody {
				t.Errorf("body = %q, want %q", got, wantBody)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			for _, leak := range []string{"secret", "goroutine", ".go:"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("body leaks %q: %s", leak, rec.Body)
				}
			}
			if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), "/boom/") {
				t.Errorf("the panic was not logged: %s", logs)
			}
		})
	}

	t.Run("no panic passes through", func(t *testing.T) {
		logger, logs := quietLogger()
		view := &Protected{APIView: rest.APIView{Permissions: perms()}}
		rec := call(t, rest.Recoverer(logger, rest.NewHandler(view, rest.Defaults{})), http.MethodGet, "/", nil, "")
		if rec.Code != 200 || rec.Body.String() != bodyHello || logs.Len() != 0 {
			t.Errorf("got %d %s, log %q", rec.Code, rec.Body, logs)
		}
	})

	t.Run("http.ErrAbortHandler is re-raised for net/http", func(t *testing.T) {
		logger, _ := quietLogger()
		h := rest.Recoverer(logger, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }))
		defer func() {
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		call(t, h, http.MethodGet, "/", nil, "")
		t.Errorf("the abort was swallowed")
	})
}

func TestSecurityHeaders(t *testing.T) {
	logger, _ := quietLogger()
	ok := &Protected{APIView: rest.APIView{Permissions: perms()}}
	boom := getter(func(*rest.Request) (*rest.Response, error) { panic("boom") })
	boom.Permissions = perms()
	redirect := http.RedirectHandler("/api/token/", http.StatusMovedPermanently)
	tests := []struct {
		name     string
		h        http.Handler
		wantCode int
	}{
		{"a view", rest.NewHandler(ok, rest.Defaults{}), 200},
		{"a 404", rest.NotFoundHandler(), 404},
		{"a redirect", redirect, 301},
		{"a recovered panic", rest.Recoverer(logger, rest.NewHandler(boom, rest.Defaults{})), 500},
	}
	want := map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := call(t, rest.SecurityHeaders(tt.h), http.MethodGet, "/api/token", nil, "")
			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			for k, v := range want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
	t.Run("without the middleware there are none", func(t *testing.T) {
		rec := call(t, rest.NotFoundHandler(), http.MethodGet, "/", nil, "")
		for k := range want {
			if rec.Header().Get(k) != "" {
				t.Errorf("%s set without SecurityHeaders", k)
			}
		}
	})
}

func TestNotFoundHandler(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodOptions} {
		t.Run(method, func(t *testing.T) {
			rec := call(t, rest.NotFoundHandler(), method, "/api/nope/", nil, "")
			want := `{"detail":"Not found."}`
			if method == http.MethodHead {
				want = ""
			}
			if rec.Code != 404 || rec.Body.String() != want {
				t.Errorf("got %d %q, want 404 %q", rec.Code, rec.Body, want)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := rec.Header().Get("Vary"); got != "Accept" {
				t.Errorf("Vary = %q", got)
			}
			if got := rec.Header().Values("Allow"); got != nil {
				t.Errorf("Allow = %q: there is no view to allow anything", got)
			}
		})
	}
}
