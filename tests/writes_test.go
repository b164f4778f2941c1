package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/settings"
)

// writeWorkers is how many clients write at once: well past the CPU count, as a burst is.
const writeWorkers = 48

// session is what one client does, every step a write: log in, create a note, refresh
// twice (rotation: each refresh blacklists one token and records another), log out.
// It returns the first unexpected answer, or "".
func (s *server) writeSession(username, password string, n int) string {
	rec := s.postJSON("/api/token/", map[string]string{"username": username, "password": password})
	if rec.Code != http.StatusOK {
		return fmt.Sprintf("login: %d %s", rec.Code, rec.Body)
	}
	var pair struct{ Access, Refresh string }
	if err := jsonInto(rec.Body.Bytes(), &pair); err != nil {
		return "login: " + err.Error()
	}
	note := s.do(req{Method: http.MethodPost, Path: "/api/notes/", ContentType: "application/json",
		Body:   fmt.Sprintf(`{"title": "note %d", "body": "written at once"}`, n),
		Header: map[string]string{"Authorization": "Bearer " + pair.Access}})
	if note.Code != http.StatusCreated {
		return fmt.Sprintf("create a note: %d %s", note.Code, note.Body)
	}
	for range 2 {
		rec = s.postJSON("/api/token/refresh/", map[string]string{"refresh": pair.Refresh})
		if rec.Code != http.StatusOK {
			return fmt.Sprintf("refresh: %d %s", rec.Code, rec.Body)
		}
		if err := jsonInto(rec.Body.Bytes(), &pair); err != nil {
			return "refresh: " + err.Error()
		}
	}
	rec = s.postJSON("/api/token/blacklist/", map[string]string{"refresh": pair.Refresh})
	if rec.Code != http.StatusOK {
		return fmt.Sprintf("logout: %d %s", rec.Code, rec.Body)
	}
	return ""
}

// runWriteSessions runs writeWorkers sessions at once over the users and returns every
// unexpected answer.
func (s *server) runWriteSessions(users int) []string {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i := range writeWorkers {
		wg.Go(func() {
			if msg := s.writeSession(fmt.Sprintf("writer%d", i%users), "writer-pw", i); msg != "" {
				mu.Lock()
				failures = append(failures, msg)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return failures
}

// Many clients writing at once through the real router — logins, note creation,
// refreshes with rotation, logouts — all get their answer: no "database is locked", no
// 5xx, and every write is there afterwards. On SQLite the writes queue in Go for the one
// writer connection (models.OpenWith) instead of fighting over the file lock.
//
// The busy timeout is 1ms, so a write that met another connection of this process holding
// the lock would fail at once: only writes that queue in Go all pass.
func TestConcurrentWritesAllSucceed(t *testing.T) {
	const users = 8
	s := newServerOn(t, openWith(t, models.Options{BusyTimeout: time.Millisecond}), writeLoad)
	for i := range users {
		s.createUser(fmt.Sprintf("writer%d", i), "writer-pw")
	}
	if failures := s.runWriteSessions(users); len(failures) > 0 {
		t.Fatalf("%d of %d sessions failed; first: %s", len(failures), writeWorkers, failures[0])
	}
	s.assertWritesKept(t, users)
}

// assertWritesKept: every session's note and tokens are in the database.
func (s *server) assertWritesKept(t *testing.T, users int) {
	t.Helper()
	var notes, outstanding, blacklisted int64
	db := s.App.DB
	count := func(model any, n *int64) {
		if err := db.Model(model).Count(n).Error; err != nil {
			t.Fatal(err)
		}
	}
	count(&models.Note{}, &notes)
	count(&models.OutstandingToken{}, &outstanding)
	count(&models.BlacklistedToken{}, &blacklisted)
	// Each session: 1 note; 3 refresh tokens recorded (login, two rotations), all 3 blacklisted
	// (two by rotation, one by logout).
	if notes != writeWorkers || outstanding != 3*writeWorkers || blacklisted != 3*writeWorkers {
		t.Errorf("after %d sessions: %d notes, %d outstanding, %d blacklisted tokens; want %d, %d, %d",
			writeWorkers, notes, outstanding, blacklisted, writeWorkers, 3*writeWorkers, 3*writeWorkers)
	}
}

// With fewer database connections than requests (DATABASE_MAX_CONNS=2 against 48 clients),
// requests queue for a connection within their deadline: no 5xx, no "too many clients".
func TestConnectionCapQueuesRequests(t *testing.T) {
	db := openWith(t, models.Options{MaxConns: 2})
	s := newServerOn(t, db, writeLoad)
	for i := range 4 {
		s.createUser(fmt.Sprintf("writer%d", i), "writer-pw")
	}
	for name, stats := range models.PoolStats(db) {
		if name != "write" || models.IsPostgres(db) {
			if stats.MaxOpenConnections != 2 {
				t.Errorf("%s pool: MaxOpenConnections = %d, want 2", name, stats.MaxOpenConnections)
			}
		}
	}
	if failures := s.runWriteSessions(4); len(failures) > 0 {
		t.Fatalf("%d of %d sessions failed; first: %s", len(failures), writeWorkers, failures[0])
	}
	s.assertWritesKept(t, 4)
}

// writeLoad: every request reaches the database (no user cache), and the login throttle,
// which would refuse a burst from one address, is relaxed.
func writeLoad(st *settings.Settings) {
	st.UserCacheTTL = 0
	st.ThrottleRates = map[string]string{"login": "100000/min"}
}

// openWith opens a fresh, migrated database of the test's own with options.
func openWith(t *testing.T, opts models.Options) *gorm.DB {
	t.Helper()
	db, err := models.OpenWith(DatabaseURL(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { models.Close(db) })
	if _, err := models.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// jsonInto decodes a JSON body without failing the test: for goroutines.
func jsonInto(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("not JSON: %v: %q", err, strings.TrimSpace(string(data)))
	}
	return nil
}
