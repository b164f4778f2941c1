package apitest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ginrest/apitest"
	"ginrest/authentication"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/tokens"
	"ginrest/urls"
)

const notAuthenticated = `{"detail":"Authentication credentials were not provided."}`

// whoAmI names the request's user and how it was authenticated.
type whoAmI struct{ rest.APIView }

var _ rest.Getter = (*whoAmI)(nil)

func (*whoAmI) Get(r *rest.Request) (*rest.Response, error) {
	switch u := r.User.(type) {
	case *authentication.TokenUser:
		return rest.OK(map[string]any{"kind": "token", "id": u.ID, "username": u.Username}), nil
	case *models.User:
		return rest.OK(map[string]any{"kind": "stored", "id": u.ID, "username": u.Username}), nil
	}
	return nil, rest.NotAuthenticated()
}

// withWhoAmI serves /whoami/ beside the URL table.
func withWhoAmI(srv *apitest.Server) *apitest.Server {
	srv.Handler = srv.App.Mount(append(srv.App.Routes, urls.Route{Path: "/whoami/", Name: "whoami", View: &whoAmI{}}))
	return srv
}

// ForceAuthenticate authenticates as that user, in every configuration of the app's token
// authentication, and records nothing.
func TestForceAuthenticate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*settings.Settings)
		kind   string
	}{
		{"default", func(*settings.Settings) {}, "stored"},
		{"JWTStatelessUserAuthentication", func(s *settings.Settings) {
			s.REST.DefaultAuthenticationClasses = []string{"JWTStatelessUserAuthentication"}
		}, "token"},
		{"AUTH_TOKEN_CLASSES=SlidingToken", func(s *settings.Settings) { s.JWT.AuthTokenClasses = []string{"SlidingToken"} }, "stored"},
		{"AUTH_HEADER_TYPES=JWT and another header", func(s *settings.Settings) {
			s.JWT.AuthHeaderTypes = []string{"JWT"}
			s.JWT.AuthHeaderName = "HTTP_X_ACCESS_TOKEN"
		}, "stored"},
		{"USER_ID_FIELD=username", func(s *settings.Settings) { s.JWT.UserIDField = "username" }, "stored"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := withWhoAmI(apitest.NewServer(t, c.change))
			srv.CreateUser("bob", "builder-42")
			alice := srv.CreateUser("alice", "wonderland-42")
			client := apitest.NewClient(t, srv)
			client.Get("/whoami/").AssertJSON(401, notAuthenticated)

			client.ForceAuthenticate(alice)
			want := `{"kind": "` + c.kind + `", "id": 2, "username": "alice"}`
			client.Get("/whoami/").AssertJSON(200, want)
			// A token is made for each request: it never expires under the test.
			srv.Clock.Advance(48 * time.Hour)
			client.Get("/whoami/").AssertJSON(200, want)
			var outstanding, sessions int64
			srv.App.DB.Model(&models.OutstandingToken{}).Count(&outstanding)
			srv.App.DB.Model(&models.Session{}).Count(&sessions)
			if outstanding != 0 || sessions != 0 {
				t.Errorf("ForceAuthenticate recorded %d tokens and %d sessions", outstanding, sessions)
			}

			client.ForceAuthenticate(nil)
			client.Get("/whoami/").AssertJSON(401, notAuthenticated)
		})
	}
}

// The forced token is a real one: the app still refuses a user it would refuse, and a
// stale copy of the user gets a current token version.
func TestForceAuthenticateGoesThroughAuthentication(t *testing.T) {
	srv := apitest.NewServer(t, func(s *settings.Settings) { s.UserCacheTTL = 0 })
	alice := srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	c.ForceAuthenticate(alice)
	c.Get("/api/protected/").AssertJSON(200, `{"message": "Hello, authenticated user!"}`)

	// Log out everywhere bumps the stored token version; alice's struct is now stale.
	if err := srv.App.Sessions.Revoker.RevokeAll(context.Background(), alice.ID, tokens.ReasonRevoked, nil); err != nil {
		t.Fatal(err)
	}
	c.Get("/api/protected/").AssertJSON(200, `{"message": "Hello, authenticated user!"}`)

	srv.App.DB.Model(alice).Update("is_active", false)
	c.Get("/api/protected/").AssertJSON(401, `{"detail":"User is inactive","code":"user_inactive"}`)

	srv.App.DB.Delete(alice)
	c.Get("/api/protected/").AssertJSON(401, `{"detail":"User not found","code":"user_not_found"}`)
}

// Credentials carry a token from a real login; Logout drops them and the forced user.
func TestCredentialsAndLogoutWithTheApp(t *testing.T) {
	srv := apitest.NewServer(t)
	alice := srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	var pair struct{ Access, Refresh string }
	c.Post("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}).JSON(&pair)
	c.Credentials("Authorization", "Bearer "+pair.Access)
	c.Get("/api/protected/").AssertJSON(200, `{"message": "Hello, authenticated user!"}`)
	// Form bodies reach the app's parsers.
	c.Post("/api/token/verify/", map[string]string{"token": pair.Access}, apitest.Form).AssertJSON(200, `{}`)
	c.Logout()
	c.Get("/api/protected/").AssertJSON(401, notAuthenticated)

	c.ForceAuthenticate(alice)
	c.Logout()
	c.Get("/api/protected/").AssertJSON(401, notAuthenticated)
}

// The client keeps the app's cookies, so cookie mode's refresh works as in a browser.
func TestCookiesWithTheApp(t *testing.T) {
	srv := apitest.NewServer(t, func(s *settings.Settings) { s.Sessions.Cookie.Enabled = true })
	srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	login := c.Post("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"})
	if login.Status != http.StatusOK || c.Cookie("refresh_token") == nil || c.Cookie("csrftoken") == nil {
		t.Fatalf("login in cookie mode: %d %s; cookies %v", login.Status, login, c.Cookies())
	}
	refresh := c.Post("/api/token/refresh/", map[string]string{}, apitest.Header("X-CSRFToken", c.Cookie("csrftoken").Value))
	if refresh.Status != http.StatusOK || refresh.Data()["access"] == nil {
		t.Fatalf("refresh from the cookie: %d %s", refresh.Status, refresh)
	}
	c.Logout()
	c.Post("/api/token/refresh/", map[string]string{}).AssertJSON(400, `{"refresh":["This field is required."]}`)
}
