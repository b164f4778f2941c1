package settings_test

import (
	"strings"
	"testing"

	"ginrest/settings"
)

// Settings that cannot work together are refused at start, naming every variable at fault,
// instead of surfacing as a refused token at a client's first request.
func TestSettingsThatCannotWorkTogether(t *testing.T) {
	cases := []struct {
		name      string
		vars      map[string]string
		variables []string
	}{
		{"user claim is aud", map[string]string{"USER_ID_CLAIM": "aud", "AUDIENCE": "my-api"}, []string{"USER_ID_CLAIM"}},
		{"user claim is iss", map[string]string{"USER_ID_CLAIM": "iss"}, []string{"USER_ID_CLAIM"}},
		{"type claim is exp", map[string]string{"TOKEN_TYPE_CLAIM": "exp"}, []string{"TOKEN_TYPE_CLAIM"}},
		{"jti claim is iat", map[string]string{"JTI_CLAIM": "iat"}, []string{"JTI_CLAIM"}},
		{"user and type claims collide", map[string]string{"USER_ID_CLAIM": "sub", "TOKEN_TYPE_CLAIM": "sub"}, []string{"USER_ID_CLAIM", "TOKEN_TYPE_CLAIM"}},
		{"type and jti claims collide", map[string]string{"TOKEN_TYPE_CLAIM": "jti"}, []string{"TOKEN_TYPE_CLAIM", "JTI_CLAIM"}},
		{"sliding claim is aud", map[string]string{"SLIDING_TOKEN_REFRESH_EXP_CLAIM": "aud"}, []string{"SLIDING_TOKEN_REFRESH_EXP_CLAIM"}},
		{"header type with a space", map[string]string{"AUTH_HEADER_TYPES": "Bearer Token"}, []string{"AUTH_HEADER_TYPES"}},
		{"request deadline inside the hashing queue", map[string]string{"REQUEST_TIMEOUT": "20s"}, []string{"REQUEST_TIMEOUT", "PASSWORD_HASHING_QUEUE_TIMEOUT"}},
		{"no database connection", map[string]string{"DATABASE_MAX_CONNS": "0"}, []string{"DATABASE_MAX_CONNS"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settings.Load(env(c.vars))
			if err == nil {
				t.Fatalf("%v accepted", c.vars)
			}
			for _, v := range c.variables {
				if !strings.Contains(err.Error(), v) {
					t.Errorf("error %q does not name %s", err, v)
				}
			}
		})
	}
	// What simplejwt's users do set still loads.
	for _, vars := range []map[string]string{
		{"USER_ID_CLAIM": "sub", "AUDIENCE": "my-api", "ISSUER": "https://auth.example.com"},
		{"AUTH_HEADER_TYPES": "Bearer,JWT"},
		{"TOKEN_TYPE_CLAIM": "typ", "JTI_CLAIM": "token_id"},
		{"REQUEST_TIMEOUT": "2m", "PASSWORD_HASHING_QUEUE_TIMEOUT": "90s", "DATABASE_MAX_CONNS": "4"},
	} {
		if _, err := settings.Load(env(vars)); err != nil {
			t.Errorf("%v refused: %v", vars, err)
		}
	}
}
