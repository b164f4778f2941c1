package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"ginrest/authentication"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/urls"
)

// whoAmI tells who the request's user is, and what kind of user it is.
type whoAmI struct{ rest.APIView }

var _ rest.Getter = (*whoAmI)(nil)

func (*whoAmI) Get(r *rest.Request) (*rest.Response, error) {
	switch u := r.User.(type) {
	case *authentication.TokenUser:
		return rest.OK(map[string]any{"kind": "token", "id": u.ID, "username": u.Username, "jti": u.Token.String("jti")}), nil
	case *models.User:
		return rest.OK(map[string]any{"kind": "stored", "id": u.ID, "username": u.Username}), nil
	}
	return nil, rest.PermissionDenied("")
}

// withViews mounts the URL table plus extra routes.
func (s *server) withViews(extra ...urls.Route) {
	s.Handler = s.App.Mount(append(s.App.Routes, extra...))
}

// deleteUser removes a user and the tokens recorded for them.
func (s *server) deleteUser(u *models.User) {
	s.t.Helper()
	for _, q := range []string{
		`DELETE FROM token_blacklist_blacklistedtoken`, `DELETE FROM token_blacklist_outstandingtoken`,
	} {
		if err := s.App.DB.Exec(q).Error; err != nil {
			s.t.Fatal(err)
		}
	}
	if err := s.App.DB.Delete(u).Error; err != nil {
		s.t.Fatal(err)
	}
}

// closeDB closes the server's database: any query from now on fails.
func (s *server) closeDB() {
	s.t.Helper()
	if err := models.Close(s.App.DB); err != nil {
		s.t.Fatal(err)
	}
}

// One view selects the stateless authenticator; the others keep the default JWT.
func TestStatelessAuthenticationPerView(t *testing.T) {
	s := newServer(t)
	u := s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	s.withViews(urls.Route{Path: "/api/whoami/", Name: "whoami", View: &whoAmI{rest.APIView{
		Authenticators: []rest.Authenticator{s.App.JWTStatelessAuthentication()},
		Permissions:    []rest.Permission{permissions.IsAuthenticated},
	}}})
	want := fmt.Sprintf(`{"kind":"token","id":%d,"username":"alice","jti":%q}`, u.ID, claimsOf(t, access)["jti"])

	s.deleteUser(u)
	assertJSON(t, s.getWith("/api/protected/", access), 401, `{"detail":"User not found","code":"user_not_found"}`)
	assertJSON(t, s.getWith("/api/whoami/", access), 200, want)

	s.closeDB()
	if rec := s.getWith("/api/protected/", access); rec.Code == http.StatusOK {
		t.Errorf("the database-backed view answered 200 with the database closed")
	}
	assertJSON(t, s.getWith("/api/whoami/", access), 200, want)
	// The stateless view still refuses what it must, with the same challenge.
	rec := s.do(req{Method: http.MethodGet, Path: "/api/whoami/"})
	assertJSON(t, rec, 401, `{"detail":"Authentication credentials were not provided."}`)
	if got := rec.Header().Get("WWW-Authenticate"); got != bearerChallenge {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	assertJSON(t, s.getWith("/api/whoami/", access+"x"), 401,
		`{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"Token is invalid or expired"}]}`)
}

// DEFAULT_AUTHENTICATION_CLASSES=JWTStatelessUserAuthentication makes every view that sets
// no authenticators stateless.
func TestStatelessAuthenticationByDefault(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) {
		s.REST.DefaultAuthenticationClasses = []string{"JWTStatelessUserAuthentication"}
	})
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	s.withViews(urls.Route{Path: "/api/whoami/", Name: "whoami", View: &whoAmI{}})
	s.closeDB()
	assertJSON(t, s.getWith("/api/protected/", access), 200, `{"message":"Hello, authenticated user!"}`)
	if got := bodyMap(t, s.getWith("/api/whoami/", access))["kind"]; got != "token" {
		t.Errorf("default authenticator made a %v user, want a token user", got)
	}
	now := s.Clock.Now().Unix()
	noUser := sign(t, `{"alg":"HS256","typ":"JWT"}`,
		fmt.Sprintf(`{"token_type":"access","exp":%d,"iat":%d,"jti":"7cf1b202d8fb46a79b7f500e707f38ae"}`, now+300, now), testKey)
	assertJSON(t, s.getWith("/api/protected/", noUser), 401,
		`{"detail":"Token contained no recognizable user identification","code":"token_not_valid"}`)
}

// A token user is never staff: the token does not say what the user table says now.
func TestTokenUserIsNotAdmin(t *testing.T) {
	s := newServer(t, func(s *settings.Settings) {
		s.REST.DefaultAuthenticationClasses = []string{"JWTStatelessUserAuthentication"}
	})
	s.createUser("root", "root-secret-42", func(u *models.User) { u.IsStaff, u.IsSuperuser = true, true })
	access, _ := s.login("root", "root-secret-42")
	s.withViews(urls.Route{Path: "/api/staff/", Name: "staff", View: &whoAmI{rest.APIView{
		Permissions: []rest.Permission{permissions.IsAdminUser},
	}}})
	assertJSON(t, s.getWith("/api/staff/", access), 403, `{"detail":"You do not have permission to perform this action."}`)
}

func TestUnknownAuthenticationClassIsRefused(t *testing.T) {
	s := testSettings()
	s.REST.DefaultAuthenticationClasses = []string{"JWTStatelessAuthentication"}
	_, err := urls.NewApp(s, testDB(t), urls.Options{Logger: discardLogger()})
	if err == nil || !strings.Contains(err.Error(), "DEFAULT_AUTHENTICATION_CLASSES") {
		t.Errorf("NewApp error = %v, want one naming DEFAULT_AUTHENTICATION_CLASSES", err)
	}
}

// CHECK_USER_IS_ACTIVE=false lets an inactive user's tokens authenticate; login and
// refresh still refuse the user.
func TestCheckUserIsActive(t *testing.T) {
	for _, check := range []bool{true, false} {
		t.Run(fmt.Sprintf("CHECK_USER_IS_ACTIVE=%t", check), func(t *testing.T) {
			s := newServer(t, func(s *settings.Settings) { s.JWT.CheckUserIsActive = check })
			u := s.createUser("alice", "wonderland-42")
			access, refresh := s.login("alice", "wonderland-42")
			if err := s.App.DB.Model(u).Update("is_active", false).Error; err != nil {
				t.Fatal(err)
			}
			rec := s.getWith("/api/protected/", access)
			if check {
				assertJSON(t, rec, 401, `{"detail":"User is inactive","code":"user_inactive"}`)
			} else {
				assertJSON(t, rec, 200, `{"message":"Hello, authenticated user!"}`)
			}
			assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": refresh}), 401,
				`{"detail":"No active account found for the given token."}`)
			assertJSON(t, s.postJSON("/api/token/", map[string]string{"username": "alice", "password": "wonderland-42"}), 401,
				`{"detail":"No active account found with the given credentials"}`)
		})
	}
}
