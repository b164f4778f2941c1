package tests

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Helpers of the tests of token versions, sessions and cookie mode.

// sessPair decodes a body holding access and (maybe) refresh tokens, failing unless the
// status is 200.
func sessPair(t testing.TB, rec *httptest.ResponseRecorder) (access, refresh string) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	var p struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &p)
	return p.Access, p.Refresh
}

// sessLogin logs in from a client with the given User-Agent.
func (s *server) sessLogin(username, password, userAgent string) (access, refresh string) {
	s.t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	return sessPair(s.t, s.do(req{Method: "POST", Path: "/api/token/", Body: string(body), ContentType: "application/json",
		Header: map[string]string{"User-Agent": userAgent}}))
}

// sessRefresh posts a refresh token to the refresh endpoint.
func (s *server) sessRefresh(refresh string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
}

// sessCall sends a request with a bearer token and, if body is not nil, a JSON body.
func (s *server) sessCall(method, path, access string, body any) *httptest.ResponseRecorder {
	s.t.Helper()
	r := req{Method: method, Path: path, Header: map[string]string{"Authorization": "Bearer " + access}}
	if body != nil {
		b, _ := json.Marshal(body)
		r.Body, r.ContentType = string(b), "application/json"
	}
	return s.do(r)
}

// sessList is the caller's sessions, as GET /api/token/sessions/ lists them.
func (s *server) sessList(access string) []map[string]any {
	s.t.Helper()
	rec := s.sessCall("GET", "/api/token/sessions/", access, nil)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("sessions: %d %s", rec.Code, rec.Body)
	}
	var list []map[string]any
	mustJSON(s.t, rec.Body.Bytes(), &list)
	return list
}

const (
	bodyBlacklisted     = `{"detail":"Token is blacklisted","code":"token_not_valid"}`
	bodyTokenRevoked    = `{"detail":"Token has been revoked.","code":"token_revoked"}`
	bodyPasswordChanged = `{"detail":"The user's password has been changed.","code":"password_changed"}`
)
