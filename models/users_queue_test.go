package models

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/hashers"
	"ginrest/rest"
)

// queueDB is a fresh migrated SQLite database (apitest's helper would import this package).
func queueDB(t *testing.T) *gorm.DB {
	t.Helper()
	db, err := Open("sqlite:///" + filepath.Join(t.TempDir(), "db.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	if _, err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// inQueue is a PasswordHasher that records, for each call, whether it ran holding one of
// the queue's workers.
type inQueue struct {
	PBKDF2
	q     *hashers.Queue
	mu    sync.Mutex
	calls []string
}

func (h *inQueue) record(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.q.Stats().Running != 1 {
		name += " outside the queue"
	}
	h.calls = append(h.calls, name)
}

func (h *inQueue) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.calls
	h.calls = nil
	return c
}

func (h *inQueue) Make(password string, iterations int) (string, error) {
	h.record("Make")
	return h.PBKDF2.Make(password, iterations)
}

func (h *inQueue) Check(password, encoded string, iterations int) (bool, bool) {
	h.record("Check")
	return h.PBKDF2.Check(password, encoded, iterations)
}

func (h *inQueue) Dummy(password string, iterations int) {
	h.record("Dummy")
	h.PBKDF2.Dummy(password, iterations)
}

// Every hash Users makes runs in its queue, through the configured hasher: create, set,
// log in (right, wrong, unknown user, older hash re-hashed in the same turn).
func TestUsersHashInTheQueue(t *testing.T) {
	ctx := context.Background()
	q := &hashers.Queue{Workers: 1}
	h := &inQueue{q: q}
	u := &Users{DB: queueDB(t), Iterations: 1000, Hasher: h, Hashing: q}
	alice := &User{Username: "alice", IsActive: true}
	if err := u.Create(ctx, alice, "wonderland-42"); err != nil {
		t.Fatal(err)
	}
	if err := u.SetPassword(ctx, alice, "wonderland-43"); err != nil {
		t.Fatal(err)
	}
	want := []string{"Make", "Make"}
	if got := h.take(); !slices.Equal(got, want) {
		t.Fatalf("create, set password: %v, want %v", got, want)
	}
	for _, c := range []struct {
		username, password string
		ok                 bool
		want               []string
	}{
		{"alice", "wonderland-43", true, []string{"Check"}},
		{"alice", "wrong", false, []string{"Check"}},
		{"mallory", "whatever", false, []string{"Dummy"}},
	} {
		user, err := u.Authenticate(ctx, c.username, c.password)
		if err != nil || (user != nil) != c.ok {
			t.Fatalf("Authenticate(%s, %s) = %v, %v", c.username, c.password, user, err)
		}
		if got := h.take(); !slices.Equal(got, c.want) {
			t.Errorf("Authenticate(%s, %s) hashed %v, want %v", c.username, c.password, got, c.want)
		}
	}

	// An older hash is upgraded at login: the check and the new hash in one turn (a login
	// let in is not refused halfway), stored after it.
	u.Iterations = 2000
	user, err := u.Authenticate(ctx, "alice", "wonderland-43")
	if err != nil || user == nil {
		t.Fatalf("Authenticate = %v, %v", user, err)
	}
	if got, want := h.take(), []string{"Check", "Make"}; !slices.Equal(got, want) {
		t.Errorf("upgrade hashed %v, want %v", got, want)
	}
	stored, err := u.ByUsername(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ok, mustUpdate := hashers.Check("wonderland-43", stored.Password, 2000); !ok || mustUpdate {
		t.Errorf("stored hash %q not upgraded to 2000 iterations", stored.Password)
	}
}

// A hash refused by the queue is a 503 with Retry-After in DRF's shape, and no hashing is
// done for it; the refusal keeps its cause.
func TestUsersQueueRefusalIsUnavailable(t *testing.T) {
	ctx := context.Background()
	// Every hash measures 90s on this clock.
	q := &hashers.Queue{Workers: 1, Timeout: time.Second, Now: (&stepClock{step: 90 * time.Second}).Now}
	h := &inQueue{q: q}
	u := &Users{DB: queueDB(t), Iterations: 1000, Hasher: h, Hashing: q}
	if err := u.Create(ctx, &User{Username: "alice", IsActive: true}, "wonderland-42"); err != nil {
		t.Fatal(err)
	}
	h.take()

	// A worker held, and a mean of 90s: the next caller expects to wait 90s.
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = q.Do(ctx, func() { close(held); <-hold }) }() // a free worker: it runs
	<-held
	defer close(hold)

	for name, call := range map[string]func() error{
		"login":        func() error { _, err := u.Authenticate(ctx, "alice", "wonderland-42"); return err },
		"unknown user": func() error { _, err := u.Authenticate(ctx, "mallory", "x"); return err },
		"set password": func() error { return u.SetPassword(ctx, &User{ID: 1}, "new-password-42") },
		"create":       func() error { return u.Create(ctx, &User{Username: "bob"}, "bob-secret-42") },
	} {
		err := call()
		var api *rest.Error
		if !errors.As(err, &api) || api.Status != http.StatusServiceUnavailable {
			t.Fatalf("%s: %v, want a 503", name, err)
		}
		if got := api.Header.Get("Retry-After"); got != "90" {
			t.Errorf("%s: Retry-After %q, want 90", name, got)
		}
		if !errors.Is(err, hashers.ErrBusy) {
			t.Errorf("%s: %v does not keep its cause", name, err)
		}
		if got := h.take(); len(got) != 0 {
			t.Errorf("%s: hashed %v while refused", name, got)
		}
	}
	if _, err := u.ByUsername(ctx, "bob"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused Create stored the user: %v", err)
	}
}

// A login whose request ends while it waits leaves the line with ctx's error.
func TestUsersAuthenticateContextEnds(t *testing.T) {
	q := &hashers.Queue{Workers: 1}
	h := &inQueue{q: q}
	u := &Users{DB: queueDB(t), Iterations: 1000, Hasher: h, Hashing: q}
	hold, held := make(chan struct{}), make(chan struct{})
	go func() { _ = q.Do(context.Background(), func() { close(held); <-hold }) }()
	<-held
	defer close(hold)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := u.Authenticate(ctx, "mallory", "x"); done <- err }()
	for q.Stats().Waiting == 0 {
		time.Sleep(time.Millisecond) // until the login waits in line
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Authenticate = %v, want context.Canceled", err)
	}
	if got := h.take(); len(got) != 0 {
		t.Errorf("hashed %v for a login that left the line", got)
	}
}

// Without a Hashing queue, Users builds one at first use: a worker per CPU Go uses,
// bounded by HashingTimeout (PASSWORD_HASHING_QUEUE_TIMEOUT), the same one every time.
func TestUsersDefaultQueue(t *testing.T) {
	u := &Users{HashingTimeout: 7 * time.Second}
	q := u.queue()
	if q.Timeout != 7*time.Second || q.Workers != runtime.GOMAXPROCS(0) {
		t.Errorf("default queue: timeout %v, %d workers", q.Timeout, q.Workers)
	}
	if u.queue() != q {
		t.Error("a second queue was built")
	}
	mine := &hashers.Queue{}
	u.Hashing = mine
	if u.queue() != mine {
		t.Error("Hashing not used")
	}
}

// stepClock moves on by step at every reading, so a hash timed alone measures exactly step.
type stepClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(c.step)
	return c.t
}
