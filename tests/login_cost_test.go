package tests

import (
	"strconv"
	"strings"
	"sync"
	"testing"

	"ginrest/hashers"
	"ginrest/models"
)

// workCounter is a PasswordHasher that adds up the PBKDF2 iterations each login costs:
// the time a login takes, counted instead of timed.
type workCounter struct {
	models.PBKDF2
	mu         sync.Mutex
	iterations int
}

func (w *workCounter) add(n int) {
	w.mu.Lock()
	w.iterations += n
	w.mu.Unlock()
}

func (w *workCounter) Check(password, encoded string, iterations int) (bool, bool) {
	if parts := strings.Split(encoded, "$"); len(parts) == 4 {
		n, _ := strconv.Atoi(parts[1])
		w.add(n)
	}
	return w.PBKDF2.Check(password, encoded, iterations)
}

func (w *workCounter) Dummy(password string, iterations int) {
	w.add(iterations)
	w.PBKDF2.Dummy(password, iterations)
}

func (w *workCounter) take() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := w.iterations
	w.iterations = 0
	return n
}

// Whether the username exists, the account is active or has a usable password, or the
// stored hash is older or of another format, a refused login does the same hashing work
// as a wrong password: its time tells nothing.
func TestFailedLoginsCostTheSame(t *testing.T) {
	s := newServer(t)
	counter := &workCounter{}
	s.App.Users.Hasher = counter
	s.createUser("alice", "wonderland-42")
	s.createUser("bob", "bob-secret-42", func(u *models.User) { u.IsActive = false })
	older := s.createUser("carol", "")
	weaker, err := hashers.Encode("carol-secret-42", "weakersalt", 400) // fewer iterations than configured
	if err != nil {
		t.Fatal(err)
	}
	s.App.DB.Model(older).Update("password", weaker)
	s.createUser("dave", "") // no password: Django's unusable "!" hash
	foreign := s.createUser("erin", "")
	s.App.DB.Model(foreign).Update("password", "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA")
	counter.take()

	want := s.App.Settings.PasswordIterations
	for _, c := range []struct{ name, username, password string }{
		{"wrong password", "alice", "nope"},
		{"unknown user", "mallory", "whatever"},
		{"inactive user, right password", "bob", "bob-secret-42"},
		{"inactive user, wrong password", "bob", "nope"},
		{"older, weaker hash, wrong password", "carol", "nope"},
		{"unusable password (CVE-2024-39329)", "dave", "whatever"},
		{"unusable password, empty-looking guess", "dave", "!"},
		{"hash of a format not installed", "erin", "whatever"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := s.postJSON("/api/token/", map[string]string{"username": c.username, "password": c.password})
			if rec.Code != 401 {
				t.Fatalf("status %d", rec.Code)
			}
			if got := counter.take(); got != want {
				t.Errorf("hashed %d iterations, want %d (one hash at PASSWORD_ITERATIONS)", got, want)
			}
		})
	}
}
