package tests

import (
	"encoding/json"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
)

// A NUL character in any character field is refused, as DRF's CharField does, before the
// value is used: the correct password with a NUL appended logs nobody in.
func TestNullCharactersAreRefused(t *testing.T) {
	srv := apitest.NewServer(t, func(s *settings.Settings) { s.JWT.UpdateLastLogin = true })
	u := srv.CreateUser("alice", "wonderland-42")
	c := srv.Client()
	_, refresh := obtainPair(t, c, "alice", "wonderland-42")
	outstanding := countRows(t, srv, &models.OutstandingToken{})
	lastLogin := reload(t, srv, u).LastLogin

	const msg = `["Null characters are not allowed."]`
	cases := []struct {
		name, path, body, want string
	}{
		{"password", "/api/token/", `{"username":"alice","password":"wonderland-42\u0000"}`, `{"password":` + msg + `}`},
		{"password NUL only", "/api/token/", `{"username":"alice","password":"\u0000"}`, `{"password":` + msg + `}`},
		{"username", "/api/token/", `{"username":"alice\u0000","password":"wonderland-42"}`, `{"username":` + msg + `}`},
		{"both", "/api/token/", `{"username":"\u0000alice","password":"wonderland-42\u0000"}`, `{"username":` + msg + `,"password":` + msg + `}`},
		{"refresh", "/api/token/refresh/", `{"refresh":` + jsonString(t, refresh+"\x00") + `}`, `{"refresh":` + msg + `}`},
		{"verify", "/api/token/verify/", `{"token":` + jsonString(t, refresh+"\x00") + `}`, `{"token":` + msg + `}`},
		{"blacklist", "/api/token/blacklist/", `{"refresh":` + jsonString(t, refresh+"\x00") + `}`, `{"refresh":` + msg + `}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			apitest.NewClient(t, srv).Post(tc.path, tc.body, apitest.Raw("application/json")).AssertJSON(400, tc.want)
		})
	}
	if got := countRows(t, srv, &models.OutstandingToken{}); got != outstanding {
		t.Errorf("outstanding tokens: %d, want %d (a token was issued)", got, outstanding)
	}
	if got := countRows(t, srv, &models.BlacklistedToken{}); got != 0 {
		t.Errorf("blacklisted tokens: %d, want 0", got)
	}
	if got := reload(t, srv, u).LastLogin; !got.Equal(*lastLogin) {
		t.Errorf("last_login changed from %v to %v", lastLogin, got)
	}
	// The refresh token sent with a NUL is still good without it: nothing was rotated.
	c.Post("/api/token/verify/", map[string]string{"token": refresh}).AssertJSON(200, `{}`)
}

func countRows(t testing.TB, srv *apitest.Server, model any) int64 {
	t.Helper()
	var n int64
	if err := srv.App.DB.Model(model).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonString(t testing.TB, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
