package tests

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
)

// openFailureDB opens and migrates dbURL with the given options.
func openFailureDB(t *testing.T, dbURL string, opts models.Options) *gorm.DB {
	t.Helper()
	db, err := models.OpenWith(dbURL, opts)
	if err != nil {
		t.Fatalf("open %s: %v", dbURL, err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	if _, err := models.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// dbSecrets are the parts of a database URL a response must never show: the SQLite file
// and its directory, or the PostgreSQL host, database and schema.
func dbSecrets(dbURL string) []string {
	if path, err := models.SQLitePath(dbURL); err == nil {
		return []string{path, filepath.Base(path), filepath.Base(filepath.Dir(path))}
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil
	}
	secrets := []string{u.Host, strings.TrimPrefix(u.Path, "/"), u.Query().Get("search_path")}
	if u.User != nil {
		secrets = append(secrets, u.User.Username())
	}
	return secrets
}

// driverWords are what a database error says of itself.
var driverWords = []string{
	"sql", "gorm", "pgx", "postgres", "driver", "database", "closed", "locked", "busy",
	"select", "insert", "update", "delete", "begin", "transaction", "constraint",
	"auth_user", "token_blacklist", "jti", "dial", "connection",
}

// assertGenericServerError checks a 5xx in DRF's shape, {"detail": "..."}, that says
// nothing of the driver, the SQL or where the database is.
func assertGenericServerError(t *testing.T, rec *httptest.ResponseRecorder, secrets []string) {
	t.Helper()
	if rec.Code < 500 || rec.Code > 599 {
		t.Errorf("status = %d, want 5xx; body %s", rec.Code, rec.Body)
		return
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	body := rec.Body.String()
	m := bodyMap(t, rec)
	if detail, ok := m["detail"].(string); !ok || detail == "" || len(m) != 1 {
		t.Errorf("body is not {\"detail\": message}: %s", body)
	}
	lower := strings.ToLower(body)
	for _, w := range driverWords {
		if strings.Contains(lower, w) {
			t.Errorf("body mentions %q: %s", w, body)
		}
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("body shows %q: %s", s, body)
		}
	}
}

// assertUnavailable checks a generic 503 with Retry-After: a database that is away or
// locked is the server's state, not a bug, and the client may retry.
func assertUnavailable(t *testing.T, rec *httptest.ResponseRecorder, secrets []string) {
	t.Helper()
	assertGenericServerError(t, rec, secrets)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Errorf("%d Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
}

func TestDatabaseClosedIsAGenericServerError(t *testing.T) {
	dbURL := DatabaseURL(t)
	s := newServerOn(t, openFailureDB(t, dbURL, models.Options{}))
	s.createUser("alice", "alice-pw")
	access, refresh := s.login("alice", "alice-pw")
	if err := models.Close(s.App.DB); err != nil {
		t.Fatal(err)
	}

	bearer := map[string]string{"Authorization": "Bearer " + access}
	cases := []struct {
		name string
		req  req
	}{
		{"obtain", req{Method: http.MethodPost, Path: "/api/token/", ContentType: "application/json", Body: `{"username": "alice", "password": "alice-pw"}`}},
		{"obtain, wrong password", req{Method: http.MethodPost, Path: "/api/token/", ContentType: "application/json", Body: `{"username": "alice", "password": "wrong"}`}},
		{"refresh", req{Method: http.MethodPost, Path: "/api/token/refresh/", ContentType: "application/json", Body: `{"refresh": "` + refresh + `"}`}},
		{"verify access", req{Method: http.MethodPost, Path: "/api/token/verify/", ContentType: "application/json", Body: `{"token": "` + access + `"}`}},
		{"verify refresh", req{Method: http.MethodPost, Path: "/api/token/verify/", ContentType: "application/json", Body: `{"token": "` + refresh + `"}`}},
		{"blacklist", req{Method: http.MethodPost, Path: "/api/token/blacklist/", ContentType: "application/json", Body: `{"refresh": "` + refresh + `"}`}},
		{"protected", req{Method: http.MethodGet, Path: "/api/protected/", Header: bearer}},
		{"protected, form", req{Method: http.MethodPost, Path: "/api/protected/", Header: bearer, ContentType: "application/x-www-form-urlencoded", Body: "a=b"}},
	}
	secrets := dbSecrets(dbURL)
	for round := 1; round <= 2; round++ { // the first failure leaves the server able to fail the same way again
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				assertUnavailable(t, s.do(c.req), secrets)
			})
		}
	}

	// What needs no database is still served.
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/api/protected/"}), http.StatusUnauthorized,
		`{"detail": "Authentication credentials were not provided."}`)
	assertJSON(t, s.do(req{Method: http.MethodGet, Path: "/api/nowhere/"}), http.StatusNotFound, `{"detail": "Not found."}`)
	if rec := s.postJSON("/api/token/verify/", map[string]string{"token": "not-a-jwt"}); rec.Code != http.StatusUnauthorized {
		t.Errorf("verify of a malformed token: %d %s", rec.Code, rec.Body)
	}
}

// lockBusyTimeout is the server's busy timeout in the lock test: long enough to show it
// waits, short enough to keep the test fast.
const lockBusyTimeout = 150 * time.Millisecond

func TestDatabaseLockedRefreshFailsClosed(t *testing.T) {
	if strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") {
		t.Skip("SQLite's write lock and busy timeout: DATABASE_URL is PostgreSQL")
	}
	dbURL := DatabaseURL(t)
	s := newServerOn(t, openFailureDB(t, dbURL, models.Options{BusyTimeout: lockBusyTimeout}))
	s.createUser("alice", "alice-pw")
	access, refresh := s.login("alice", "alice-pw")

	// Another connection, as another process would, takes the write lock and keeps it past
	// the server's busy timeout.
	other := openFailureDB(t, dbURL, models.Options{})
	otherSQL, err := other.DB()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := otherSQL.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	locked := true
	unlock := func() {
		if locked {
			locked = false
			if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
				t.Fatalf("release the write lock: %v", err)
			}
		}
	}
	defer unlock()

	secrets := dbSecrets(dbURL)
	start := time.Now()
	rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
	if waited := time.Since(start); waited < lockBusyTimeout*9/10 {
		t.Errorf("refresh gave up after %v, before the busy timeout of %v", waited, lockBusyTimeout)
	}
	// Rotation could not blacklist the old token: no new pair may go out.
	assertUnavailable(t, rec, secrets)

	// Every other write fails closed the same way; reads go on beside the writer (WAL).
	assertUnavailable(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": refresh}), secrets)
	assertUnavailable(t, s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "alice-pw"}), secrets)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": refresh}), http.StatusOK, `{}`)
	assertJSON(t, s.getWith("/api/protected/", access), http.StatusOK, `{"message": "Hello, authenticated user!"}`)

	unlock()

	// Nothing of the failed refresh was kept: the token works, exactly once.
	rec = s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh})
	if rec.Code != http.StatusOK {
		t.Fatalf("refresh after the lock was released: %d %s", rec.Code, rec.Body)
	}
	var pair struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &pair)
	if pair.Access == "" || pair.Refresh == "" || pair.Refresh == refresh {
		t.Errorf("rotation: %s", rec.Body)
	}
	// (The rotated token first: with reuse detection, the old token's reuse after
	// REFRESH_TOKEN_REUSE_INTERVAL would revoke it.)
	if rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": pair.Refresh}); rec.Code != http.StatusOK {
		t.Errorf("refresh with the rotated token: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), http.StatusUnauthorized,
		`{"detail": "Token is blacklisted", "code": "token_not_valid"}`)
}
