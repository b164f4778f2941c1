package tests

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"testing"

	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/urls"
)

// authClasses names DEFAULT_AUTHENTICATION_CLASSES, as DRF's settings would.
func authClasses(names ...string) func(*settings.Settings) {
	return func(s *settings.Settings) { s.REST.DefaultAuthenticationClasses = names }
}

// whoAmIProtected is whoAmI behind IsAuthenticated, with the default authenticators.
func whoAmIProtected() urls.Route {
	return urls.Route{Path: "/api/whoami/", Name: "whoami", View: &whoAmI{rest.APIView{Permissions: []rest.Permission{permissions.IsAuthenticated}}}}
}

func basic(userpass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userpass))
}

// DRF's TokenAuthentication, listed in DEFAULT_AUTHENTICATION_CLASSES after simplejwt's:
// each of its refusals in DRF's words, with its challenge when it is first, and the
// stored user on success; JWTs keep working beside it.
func TestTokenAuthentication(t *testing.T) {
	for _, order := range [][]string{{"TokenAuthentication", "JWTAuthentication"}, {"JWTAuthentication", "TokenAuthentication"}} {
		t.Run(order[0]+" first", func(t *testing.T) {
			s := newServer(t, authClasses(order...))
			s.withViews(whoAmIProtected())
			ctx := context.Background()
			alice := s.createUser("alice", "wonderland-42")
			bob := s.createUser("bob", "builder-42")
			aliceToken, created, err := s.App.AuthTokens.GetOrCreate(ctx, alice)
			if err != nil || !created || len(aliceToken.Key) != 40 {
				t.Fatalf("token %+v, created %v, %v", aliceToken, created, err)
			}
			bobToken, _, err := s.App.AuthTokens.GetOrCreate(ctx, bob)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.App.DB.Model(bob).Update("is_active", false).Error; err != nil {
				t.Fatal(err)
			}
			access, _ := s.login("alice", "wonderland-42")
			challenge := "Token"
			if order[0] == "JWTAuthentication" {
				challenge = `Bearer realm="api"`
			}
			stored := fmt.Sprintf(`{"kind":"stored","id":%d,"username":"alice"}`, alice.ID)
			cases := []struct {
				name, header string
				status       int
				body         string
			}{
				{"success", "Token " + aliceToken.Key, 200, stored},
				{"the keyword in any case", "token " + aliceToken.Key, 200, stored},
				{"a JWT beside it", "Bearer " + access, 200, stored},
				{"no key", "Token", 401, `{"detail":"Invalid token header. No credentials provided."}`},
				{"spaces", "Token " + aliceToken.Key + " extra", 401, `{"detail":"Invalid token header. Token string should not contain spaces."}`},
				{"not UTF-8", "Token \xff\xfe", 401, `{"detail":"Invalid token header. Token string should not contain invalid characters."}`},
				{"unknown key", "Token " + otherKey(aliceToken.Key), 401, `{"detail":"Invalid token."}`},
				{"inactive user", "Token " + bobToken.Key, 401, `{"detail":"User inactive or deleted."}`},
				{"no credentials", "", 401, `{"detail":"Authentication credentials were not provided."}`},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := req{Method: "GET", Path: "/api/whoami/"}
					if c.header != "" {
						r.Header = map[string]string{"Authorization": c.header}
					}
					rec := s.do(r)
					assertJSON(t, rec, c.status, c.body)
					if c.status == 401 {
						if got := rec.Header().Get("WWW-Authenticate"); got != challenge {
							t.Errorf("WWW-Authenticate = %q, want %q", got, challenge)
						}
					}
				})
			}
		})
	}
}

// A user's token goes with the user: the database cascades the deletion.
func TestTokenAuthenticationDeletedUser(t *testing.T) {
	s := newServer(t, authClasses("TokenAuthentication"))
	s.withViews(whoAmIProtected())
	alice := s.createUser("alice", "wonderland-42")
	token, _, err := s.App.AuthTokens.GetOrCreate(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	s.deleteUser(alice)
	rec := s.do(req{Method: "GET", Path: "/api/whoami/", Header: map[string]string{"Authorization": "Token " + token.Key}})
	assertJSON(t, rec, 401, `{"detail":"Invalid token."}`)
	var n int64
	s.App.DB.Model(&models.AuthToken{}).Count(&n)
	if n != 0 {
		t.Errorf("%d tokens left after the user's deletion", n)
	}
}

// DRF's BasicAuthentication, first in DEFAULT_AUTHENTICATION_CLASSES: its refusals in
// DRF's words with its challenge, the password checked as a login's.
func TestBasicAuthentication(t *testing.T) {
	s := newServer(t, authClasses("BasicAuthentication", "JWTAuthentication"))
	s.withViews(whoAmIProtected())
	alice := s.createUser("alice", "wonder:land-42")
	s.createUser("bob", "builder-42", func(u *models.User) { u.IsActive = false })
	access, _ := s.login("alice", "wonder:land-42")
	stored := fmt.Sprintf(`{"kind":"stored","id":%d,"username":"alice"}`, alice.ID)
	const invalid = `{"detail":"Invalid username/password."}`
	cases := []struct {
		name, header string
		status       int
		body         string
	}{
		{"success, a colon in the password", basic("alice:wonder:land-42"), 200, stored},
		{"the scheme in any case", "bAsIc " + base64.StdEncoding.EncodeToString([]byte("alice:wonder:land-42")), 200, stored},
		{"a JWT beside it", "Bearer " + access, 200, stored},
		{"no credentials in the header", "Basic", 401, `{"detail":"Invalid basic header. No credentials provided."}`},
		{"spaces", "Basic YWxpY2U6 eA==", 401, `{"detail":"Invalid basic header. Credentials string should not contain spaces."}`},
		{"not base64", "Basic not-base64!", 401, `{"detail":"Invalid basic header. Credentials not correctly base64 encoded."}`},
		{"wrong password", basic("alice:wonderland"), 401, invalid},
		{"unknown user", basic("carol:wonder:land-42"), 401, invalid},
		{"no colon", basic("alice"), 401, invalid},
		// Django's ModelBackend refuses an inactive user as a wrong password: DRF's
		// "User inactive or deleted." is not reached with it.
		{"inactive user", basic("bob:builder-42"), 401, invalid},
		{"no credentials", "", 401, `{"detail":"Authentication credentials were not provided."}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := req{Method: "GET", Path: "/api/whoami/"}
			if c.header != "" {
				r.Header = map[string]string{"Authorization": c.header}
			}
			rec := s.do(r)
			assertJSON(t, rec, c.status, c.body)
			if got := rec.Header().Get("WWW-Authenticate"); c.status == 401 && got != `Basic realm="api"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
		})
	}
	// A password in Latin-1, as DRF decodes what is not UTF-8.
	s.createUser("dora", "café")
	rec := s.do(req{Method: "GET", Path: "/api/whoami/", Header: map[string]string{
		"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("dora:caf\xe9"))}})
	if rec.Code != http.StatusOK {
		t.Errorf("Latin-1 password: %d %s", rec.Code, rec.Body)
	}
}

// otherKey is key with its last character changed: a key that is certainly not key (a
// fixed last character would be key itself one time in sixteen).
func otherKey(key string) string {
	last := byte('0')
	if key[len(key)-1] == last {
		last = '1'
	}
	return key[:len(key)-1] + string(last)
}
