package apitest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"gorm.io/gorm"

	"ginrest/models"
	"ginrest/settings"
	"ginrest/tokens"
	"ginrest/urls"
)

// SecretKey is the SECRET_KEY of Settings: public, so a test can sign a token by hand.
const SecretKey = "apitest-secret-key-for-tests-only-0123456789abcdef"

// Settings are production-like settings for tests (DEBUG off, so production's checks run),
// with SecretKey, a cheap password hash, and the hosts tests send requests to in
// ALLOWED_HOSTS: httptest's example.com, Django's testserver and the loopback addresses
// of an httptest.Server.
func Settings() *settings.Settings {
	s := settings.Default()
	s.Debug = false
	s.SecretKey = SecretKey
	s.PasswordIterations = 1000
	s.AllowedHosts = []string{"example.com", "testserver", "127.0.0.1", "localhost", "[::1]"}
	return s
}

// Server is the app under test: the real router over a database of the test's own, with a
// Clock. It is an http.Handler, not a listening server; requests reach it through a
// Client. Replace Handler to serve extra routes (Handler = App.Mount(...)).
type Server struct {
	App     *urls.App
	Handler http.Handler
	Clock   *Clock
	t       testing.TB
}

// NewServer builds the app over a fresh database (DB) from Settings changed by the given
// functions, in order; its clock starts at the current second.
func NewServer(t testing.TB, change ...func(*settings.Settings)) *Server {
	t.Helper()
	return NewServerOn(t, DB(t), change...)
}

// NewServerOn is NewServer on a database the test opened: to run two apps (two instances,
// an old and a new configuration) on one database.
func NewServerOn(t testing.TB, db *gorm.DB, change ...func(*settings.Settings)) *Server {
	t.Helper()
	s := Settings()
	s.Media.Root = t.TempDir() // uploads of the test's own, gone with it
	for _, f := range change {
		f(s)
	}
	clock := NewClock(time.Now().Truncate(time.Second))
	// Logs go to the test's output: shown when it fails or runs with -v.
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	app, err := urls.NewApp(s, db, urls.Options{Now: clock.Now, Logger: logger})
	if err != nil {
		t.Fatalf("urls.NewApp: %v", err)
	}
	return &Server{App: app, Handler: app.Handler(), Clock: clock, t: t}
}

// ServeHTTP serves a request with Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.Handler.ServeHTTP(w, r) }

// Client is a client of this server for the server's test; a subtest makes its own with
// NewClient(t, srv).
func (s *Server) Client() *Client { return NewClient(s.t, s) }

// CreateUser stores an active user with a password; change adjusts the user before it is
// saved (u.IsStaff = true, ...). An empty password is unusable, as Django's.
func (s *Server) CreateUser(username, password string, change ...func(*models.User)) *models.User {
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

// Authenticate is the credentials of a request made as user: the header a real client
// sends, with a token the app's own backend signs now, with the claims a login would give
// (the GetToken hook, the user's token version), of the first class AUTH_TOKEN_CLASSES
// accepts. Nothing is recorded. The user is reloaded first, so a stale copy still gets a
// current token version; a user not (or no longer) stored gets a token for its ID, which
// the app refuses as it would any token of a deleted user.
func (s *Server) Authenticate(ctx context.Context, user *models.User) (http.Header, error) {
	stored, err := s.App.Users.ByID(ctx, user.ID)
	switch {
	case err == nil:
		user = stored
	case !errors.Is(err, models.ErrNotFound):
		return nil, err
	}
	auth := s.App.JWTAuthentication()
	base := s.App.JWT.TokenFor(user)
	token := s.App.Tokens.AccessFrom(base)
	if len(auth.TokenTypes) > 0 && auth.TokenTypes[0] == tokens.Sliding {
		token = s.App.Tokens.SlidingFrom(base)
	}
	raw, err := s.App.Tokens.Encode(token)
	if err != nil {
		return nil, fmt.Errorf("sign a token for %q: %w", user.Username, err)
	}
	h := http.Header{}
	h.Set(auth.HeaderName, auth.HeaderTypes[0]+" "+raw)
	return h, nil
}
