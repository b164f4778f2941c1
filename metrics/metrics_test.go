package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ginrest/middleware"
)

func TestLoginOutcome(t *testing.T) {
	for status, want := range map[int]string{
		200: loginSuccess, 401: loginFailure, 429: loginThrottled, 503: loginRefused,
		400: loginInvalid, 405: loginInvalid, 413: loginInvalid, 500: loginError,
	} {
		if got := loginOutcome(status); got != want {
			t.Errorf("%d: %s, want %s", status, got, want)
		}
	}
}

// TestOnlyLoginPostsCount: an OPTIONS to the login view, or a POST elsewhere, is no login.
func TestOnlyLoginPostsCount(t *testing.T) {
	m := New(Sources{LoginRoutes: []string{"/api/token/"}})
	New(Sources{}) // a second registry beside it: nothing global is registered twice
	for _, e := range []middleware.Entry{
		{Method: http.MethodPost, Route: "/api/token/", Status: 200, Duration: time.Millisecond},
		{Method: http.MethodOptions, Route: "/api/token/", Status: 200},
		{Method: http.MethodPost, Route: "/api/token/refresh/", Status: 401},
	} {
		m.ObserveRequest(e)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{
		`ginrest_login_attempts_total{outcome="success"} 1`,
		`ginrest_login_attempts_total{outcome="failure"} 0`,
		`ginrest_http_requests_total{method="OPTIONS",route="/api/token/",status="200"} 1`,
	} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("no %q in\n%s", want, rec.Body)
		}
	}
}
