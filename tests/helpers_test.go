package tests

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gorm.io/gorm"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
	"ginrest/urls"
)

// testKey is the signing key of the reference captures, so their tokens verify here.
const testKey = "reference-fixed-secret-key-for-simplejwt-capture-0123456789abcdef"

// testDB opens a fresh, migrated database: a SQLite file of the test's own, or, where
// DATABASE_URL names PostgreSQL, a schema of the test's own in that database (apitest.DB).
func testDB(t testing.TB) *gorm.DB {
	t.Helper()
	return apitest.DB(t)
}

// DatabaseURL is a database URL for one test, made fresh (apitest.DatabaseURL).
func DatabaseURL(t testing.TB) string {
	t.Helper()
	return apitest.DatabaseURL(t)
}

// clock is the settable clock the app's tokens, timestamps and throttles read.
type clock = apitest.Clock

// testSettings are apitest's production-like settings with a cheap password hash, signed
// with the reference captures' key.
func testSettings() *settings.Settings {
	s := apitest.Settings()
	s.SecretKey = testKey
	return s
}

// server is the real router over a fresh database, with a controllable clock.
type server struct {
	t       testing.TB
	App     *urls.App
	Handler http.Handler
	Clock   *clock
}

// newServer builds the app with testSettings changed by the given functions.
func newServer(t testing.TB, change ...func(*settings.Settings)) *server {
	t.Helper()
	return newServerOn(t, testDB(t), change...)
}

func newServerOn(t testing.TB, db *gorm.DB, change ...func(*settings.Settings)) *server {
	t.Helper()
	// apitest's server, signing with the captures' key; the test's changes come after.
	withKey := func(s *settings.Settings) { s.SecretKey = testKey }
	srv := apitest.NewServerOn(t, db, append([]func(*settings.Settings){withKey}, change...)...)
	return &server{t: t, App: srv.App, Handler: srv.Handler, Clock: srv.Clock}
}

// createUser stores a user; change adjusts it before it is saved.
func (s *server) createUser(username, password string, change ...func(*models.User)) *models.User {
	s.t.Helper()
	u := &models.User{Username: username, IsActive: true}
	for _, f := range change {
		f(u)
	}
	if err := s.App.Users.Create(context.Background(), u, password); err != nil {
		s.t.Fatalf("create user %s: %v", username, err)
	}
	return u
}

// req is one request of a test table.
type req struct {
	Method, Path string
	Body         string
	ContentType  string
	Header       map[string]string
}

// do sends a request through the router and returns the recorded response.
func (s *server) do(r req) *httptest.ResponseRecorder {
	s.t.Helper()
	var body io.Reader = http.NoBody
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	hr := httptest.NewRequest(r.Method, r.Path, body)
	if r.ContentType != "" {
		hr.Header.Set("Content-Type", r.ContentType)
	}
	for k, v := range r.Header {
		hr.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.Handler.ServeHTTP(rec, hr)
	return rec
}

// postJSON sends a JSON body.
func (s *server) postJSON(path string, body any) *httptest.ResponseRecorder {
	s.t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.do(req{Method: http.MethodPost, Path: path, Body: string(b), ContentType: "application/json"})
}

// getWith sends a GET with a bearer token.
func (s *server) getWith(path, token string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.do(req{Method: http.MethodGet, Path: path, Header: map[string]string{"Authorization": "Bearer " + token}})
}

// login obtains a token pair, failing the test if it cannot.
func (s *server) login(username, password string) (access, refresh string) {
	s.t.Helper()
	rec := s.postJSON("/api/token/", map[string]string{"username": username, "password": password})
	if rec.Code != http.StatusOK {
		s.t.Fatalf("login %s: %d %s", username, rec.Code, rec.Body)
	}
	var pair struct{ Access, Refresh string }
	mustJSON(s.t, rec.Body.Bytes(), &pair)
	return pair.Access, pair.Refresh
}

func mustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("not JSON: %v: %q", err, data)
	}
}

// bodyMap decodes a JSON object body.
func bodyMap(t testing.TB, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	mustJSON(t, rec.Body.Bytes(), &m)
	return m
}

// claimsOf decodes a token's payload without verifying it.
func claimsOf(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", token)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload: %v", err)
	}
	var claims map[string]any
	mustJSON(t, payload, &claims)
	return claims
}

// assertJSON checks the status and that the body is exactly the JSON given (key order aside).
func assertJSON(t testing.TB, rec *httptest.ResponseRecorder, status int, want string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	var got, exp any
	mustJSON(t, rec.Body.Bytes(), &got)
	mustJSON(t, []byte(want), &exp)
	gb, _ := json.Marshal(got)
	eb, _ := json.Marshal(exp)
	if !bytes.Equal(gb, eb) {
		t.Errorf("body = %s\nwant   %s", gb, eb)
	}
}
