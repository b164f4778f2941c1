package authentication_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"ginrest/authentication"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/tokens"
)

var now = time.Unix(1_700_000_000, 0)

type fixture struct {
	backend *tokens.Backend
	users   *models.Users
	ids     map[string]int64
}

// newFixture is a token backend with a fixed clock and a SQLite database holding alice
// (active), bob (inactive) and root (staff).
func newFixture(t *testing.T) *fixture {
	t.Helper()
	backend, err := tokens.NewBackend(tokens.Config{
		Algorithm: "HS256", SigningKey: []byte("authentication-test-signing-key-0123456789"),
		AccessLifetime: 5 * time.Minute, RefreshLifetime: 24 * time.Hour,
		TokenTypeClaim: "token_type", JTIClaim: "jti", UserIDClaim: "user_id",
		Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := models.Open("sqlite:///" + filepath.Join(t.TempDir(), "auth.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		models.Close(db)
	})
	ctx := context.Background()
	if _, err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	users := &models.Users{DB: db, Iterations: 1}
	ids := map[string]int64{}
	for _, u := range []*models.User{
		{Username: "alice", IsActive: true},
		{Username: "bob", IsActive: false},
		{Username: "root", IsActive: true, IsStaff: true},
	} {
		if err := users.Create(ctx, u, ""); err != nil {
			t.Fatal(err)
		}
		ids[u.Username] = u.ID
	}
	return &fixture{backend: backend, users: users, ids: ids}
}

// token encodes a fresh token of a type for a user claim (nil: no user claim).
func (f *fixture) token(t *testing.T, typ tokens.Type, userID any, mod func(*tokens.Token)) string {
	t.Helper()
	tok := f.backend.New(typ)
	if userID != nil {
		tok.Set("user_id", userID)
	}
	if mod != nil {
		mod(tok)
	}
	raw, err := f.backend.Encode(tok)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Me answers GET with the authenticated user's name.
type Me struct{ rest.APIView }

func (*Me) Get(r *rest.Request) (*rest.Response, error) {
	u, ok := r.User.(*models.User)
	if !ok {
		return rest.OK("not a *models.User"), nil
	}
	if _, ok := r.Auth.(*tokens.Token); !ok {
		return rest.OK("Auth is not a *tokens.Token"), nil
	}
	return rest.OK(u.Username), nil
}

const (
	bodyNotProvided = `{"detail":"Authentication credentials were not provided."}`
	bodyBadHeader   = `{"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"}`
)

func notValid(message string) string {
	return `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[` +
		`{"token_class":"AccessToken","token_type":"access","message":"` + message + `"}]}`
}

// TestJWT runs simplejwt's JWTAuthentication pipeline (header → raw token → validated token
// → user) behind a view that needs IsAuthenticated, with the reference server's answers.
func TestJWT(t *testing.T) {
	f := newFixture(t)
	alice := f.ids["alice"]
	tests := []struct {
		name     string
		header   http.Header
		wantCode int
		wantBody string
	}{
		{"a valid access token", bearer(f.token(t, tokens.Access, alice, nil)), 200, `"alice"`},
		{"the user claim as a string", bearer(f.token(t, tokens.Access, strconv.FormatInt(alice, 10), nil)), 200, `"alice"`},
		{"multiple spaces", http.Header{"Authorization": {"Bearer    " + f.token(t, tokens.Access, alice, nil)}}, 200, `"alice"`},
		{"no header", nil, 401, bodyNotProvided},
		{"empty header", http.Header{"Authorization": {""}}, 401, bodyNotProvided},
		{"another scheme", http.Header{"Authorization": {"Token " + f.token(t, tokens.Access, alice, nil)}}, 401, bodyNotProvided},
		{"lowercase bearer", http.Header{"Authorization": {"bearer " + f.token(t, tokens.Access, alice, nil)}}, 401, bodyNotProvided},
		{"Bearer alone", http.Header{"Authorization": {"Bearer"}}, 401, bodyBadHeader},
		{"three parts", http.Header{"Authorization": {"Bearer a b"}}, 401, bodyBadHeader},
		{"garbage", bearer("garbage"), 401, notValid(tokens.MsgInvalid)},
		{"a refresh token", bearer(f.token(t, tokens.Refresh, alice, nil)), 401, notValid(tokens.MsgWrongType)},
		{"expired", bearer(f.token(t, tokens.Access, alice, func(tok *tokens.Token) { tok.Set("exp", now.Unix()) })), 401, notValid(tokens.MsgInvalid)},
		{"no jti", bearer(f.token(t, tokens.Access, alice, func(tok *tokens.Token) { delete(tok.Claims, "jti") })), 401, notValid(tokens.MsgNoID)},
		{"no user claim", bearer(f.token(t, tokens.Access, nil, nil)), 401,
			`{"detail":"Token contained no recognizable user identification","code":"token_not_valid"}`},
		{"a user that does not exist", bearer(f.token(t, tokens.Access, 999, nil)), 401, `{"detail":"User not found","code":"user_not_found"}`},
		{"a non-numeric user claim names no one", bearer(f.token(t, tokens.Access, "abc", nil)), 401, `{"detail":"User not found","code":"user_not_found"}`},
		{"an inactive user", bearer(f.token(t, tokens.Access, f.ids["bob"], nil)), 401, `{"detail":"User is inactive","code":"user_inactive"}`},
	}
	jwt := authentication.NewJWT(settings.Default(), f.backend, f.users)
	view := &Me{APIView: rest.APIView{Authenticators: []rest.Authenticator{jwt}, Permissions: []rest.Permission{permissions.IsAuthenticated}}}
	h := rest.NewHandler(view, rest.Defaults{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := serve(h, tt.header)
			if rec.Code != tt.wantCode || rec.Body.String() != tt.wantBody {
				t.Errorf("got %d %s\nwant %d %s", rec.Code, rec.Body, tt.wantCode, tt.wantBody)
			}
			wantWWW := ""
			if tt.wantCode == 401 {
				wantWWW = `Bearer realm="api"`
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != wantWWW {
				t.Errorf("WWW-Authenticate = %q, want %q", got, wantWWW)
			}
		})
	}
	t.Run("staff is IsAdminUser", func(t *testing.T) {
		admin := &Me{APIView: rest.APIView{Authenticators: []rest.Authenticator{jwt}, Permissions: []rest.Permission{permissions.IsAdminUser}}}
		h := rest.NewHandler(admin, rest.Defaults{})
		if rec := serve(h, bearer(f.token(t, tokens.Access, f.ids["root"], nil))); rec.Code != 200 || rec.Body.String() != `"root"` {
			t.Errorf("root: %d %s", rec.Code, rec.Body)
		}
		if rec := serve(h, bearer(f.token(t, tokens.Access, alice, nil))); rec.Code != 403 {
			t.Errorf("alice: %d %s, want 403", rec.Code, rec.Body)
		}
	})
}

// TestJWTSettings checks AUTH_HEADER_TYPES, AUTH_HEADER_NAME and AUTH_TOKEN_CLASSES.
func TestJWTSettings(t *testing.T) {
	f := newFixture(t)
	access := f.token(t, tokens.Access, f.ids["alice"], nil)
	refresh := f.token(t, tokens.Refresh, f.ids["alice"], nil)

	t.Run("header types: any is accepted, the first is the challenge", func(t *testing.T) {
		s := settings.Default()
		s.JWT.AuthHeaderTypes = []string{"JWT", "Bearer"}
		jwt := authentication.NewJWT(s, f.backend, f.users)
		h := rest.NewHandler(&Me{APIView: rest.APIView{Authenticators: []rest.Authenticator{jwt}, Permissions: []rest.Permission{permissions.IsAuthenticated}}}, rest.Defaults{})
		for _, scheme := range []string{"JWT", "Bearer"} {
			if rec := serve(h, http.Header{"Authorization": {scheme + " " + access}}); rec.Code != 200 {
				t.Errorf("%s: %d %s", scheme, rec.Code, rec.Body)
			}
		}
		rec := serve(h, nil)
		if got := rec.Header().Get("WWW-Authenticate"); rec.Code != 401 || got != `JWT realm="api"` {
			t.Errorf("anonymous: %d, WWW-Authenticate %q", rec.Code, got)
		}
	})
	t.Run("header name", func(t *testing.T) {
		s := settings.Default()
		s.JWT.AuthHeaderName = "HTTP_X_API_AUTH"
		jwt := authentication.NewJWT(s, f.backend, f.users)
		h := rest.NewHandler(&Me{APIView: rest.APIView{Authenticators: []rest.Authenticator{jwt}, Permissions: []rest.Permission{permissions.IsAuthenticated}}}, rest.Defaults{})
		if rec := serve(h, http.Header{"X-Api-Auth": {"Bearer " + access}}); rec.Code != 200 {
			t.Errorf("X-Api-Auth: %d %s", rec.Code, rec.Body)
		}
		if rec := serve(h, bearer(access)); rec.Code != 401 || rec.Body.String() != bodyNotProvided {
			t.Errorf("Authorization is no longer read: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("token types: each is tried, each refusal reported", func(t *testing.T) {
		jwt := authentication.NewJWT(settings.Default(), f.backend, f.users)
		jwt.TokenTypes = []tokens.Type{tokens.Access, tokens.Sliding}
		_, err := jwt.ValidatedToken(context.Background(), refresh)
		e, ok := err.(*rest.Error)
		if !ok {
			t.Fatalf("ValidatedToken error = %#v", err)
		}
		body, _ := e.MarshalJSON()
		want := `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[` +
			`{"token_class":"AccessToken","token_type":"access","message":"Token has wrong type"},` +
			`{"token_class":"SlidingToken","token_type":"sliding","message":"Token has wrong type"}]}`
		if e.Status != 401 || string(body) != want {
			t.Errorf("got %d %s\nwant 401 %s", e.Status, body, want)
		}
		jwt.TokenTypes = []tokens.Type{tokens.Access, tokens.Refresh}
		tok, err := jwt.ValidatedToken(context.Background(), refresh)
		if err != nil || tok.Type != tokens.Refresh {
			t.Errorf("with Refresh accepted: %v, %v", tok, err)
		}
	})
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

func serve(h http.Handler, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/api/protected/", nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
