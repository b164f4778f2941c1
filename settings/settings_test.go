package settings_test

import (
	"strings"
	"testing"
	"time"

	"ginrest/settings"
)

func env(vars map[string]string) settings.LookupFunc {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestDefaultsAreDRFAndSimpleJWTs(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatalf("defaults do not load: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"DEBUG", s.Debug, true},
		{"DATABASE_URL", s.DatabaseURL, "sqlite:///db.sqlite3"},
		{"PASSWORD_ITERATIONS", s.PasswordIterations, 1_000_000},
		{"ACCESS_TOKEN_LIFETIME", s.JWT.AccessTokenLifetime, 5 * time.Minute},
		{"REFRESH_TOKEN_LIFETIME", s.JWT.RefreshTokenLifetime, 24 * time.Hour},
		{"ALGORITHM", s.JWT.Algorithm, "HS256"},
		{"SIGNING_KEY", s.JWTSigningKey(), settings.DevelopmentSecretKey},
		{"AUTH_HEADER_TYPES", strings.Join(s.JWT.AuthHeaderTypes, ","), "Bearer"},
		{"AUTH_HEADER_NAME", s.JWT.HeaderName(), "AUTHORIZATION"},
		{"USER_ID_FIELD", s.JWT.UserIDField, "id"},
		{"USER_ID_CLAIM", s.JWT.UserIDClaim, "user_id"},
		{"TOKEN_TYPE_CLAIM", s.JWT.TokenTypeClaim, "token_type"},
		{"JTI_CLAIM", s.JWT.JTIClaim, "jti"},
		{"LEEWAY", s.JWT.Leeway, time.Duration(0)},
		{"UPDATE_LAST_LOGIN", s.JWT.UpdateLastLogin, false},
		{"DEFAULT_AUTHENTICATION_CLASSES", strings.Join(s.REST.DefaultAuthenticationClasses, ","), "JWTAuthentication"},
		{"DEFAULT_PERMISSION_CLASSES", strings.Join(s.REST.DefaultPermissionClasses, ","), "AllowAny"},
		{"THROTTLE_RATES", s.ThrottleRates["login"], "10/min"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestEnvironmentOverrides(t *testing.T) {
	s, err := settings.Load(env(map[string]string{
		"DEBUG":                      "false",
		"SECRET_KEY":                 strings.Repeat("k", 40),
		"DATABASE_URL":               "postgres://u@h/db",
		"ACCESS_TOKEN_LIFETIME":      "15m",
		"REFRESH_TOKEN_LIFETIME":     "72h",
		"ROTATE_REFRESH_TOKENS":      "false",
		"BLACKLIST_AFTER_ROTATION":   "false",
		"UPDATE_LAST_LOGIN":          "true",
		"ALGORITHM":                  "HS512",
		"SIGNING_KEY":                strings.Repeat("s", 64),
		"AUTH_HEADER_TYPES":          "Bearer, JWT",
		"LEEWAY":                     "30s",
		"THROTTLE_RATES":             "login=5/min, anon=100/day",
		"DEFAULT_PERMISSION_CLASSES": "IsAuthenticated",
		"PASSWORD_ITERATIONS":        "600000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Debug || s.DatabaseURL != "postgres://u@h/db" || s.JWT.AccessTokenLifetime != 15*time.Minute ||
		s.JWT.RefreshTokenLifetime != 72*time.Hour || s.JWT.RotateRefreshTokens || s.JWT.BlacklistAfterRotation ||
		!s.JWT.UpdateLastLogin || s.JWT.Algorithm != "HS512" || s.JWTSigningKey() != strings.Repeat("s", 64) ||
		strings.Join(s.JWT.AuthHeaderTypes, "|") != "Bearer|JWT" || s.JWT.Leeway != 30*time.Second ||
		s.ThrottleRates["anon"] != "100/day" || s.ThrottleRates["login"] != "5/min" ||
		s.REST.DefaultPermissionClasses[0] != "IsAuthenticated" || s.PasswordIterations != 600000 {
		t.Errorf("overrides not applied: %+v", s)
	}
}

// Every invalid value stops the program with a message naming the variable.
func TestInvalidValuesNameTheVariable(t *testing.T) {
	prod := func(extra map[string]string) map[string]string {
		m := map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 40)}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name     string
		vars     map[string]string
		variable string
	}{
		{"duration", map[string]string{"ACCESS_TOKEN_LIFETIME": "5 minutes"}, "ACCESS_TOKEN_LIFETIME"},
		{"negative lifetime", map[string]string{"REFRESH_TOKEN_LIFETIME": "-1h"}, "REFRESH_TOKEN_LIFETIME"},
		{"boolean", map[string]string{"ROTATE_REFRESH_TOKENS": "yes please"}, "ROTATE_REFRESH_TOKENS"},
		{"debug boolean", map[string]string{"DEBUG": "maybe"}, "DEBUG"},
		{"iterations", map[string]string{"PASSWORD_ITERATIONS": "many"}, "PASSWORD_ITERATIONS"},
		{"zero iterations", map[string]string{"PASSWORD_ITERATIONS": "0"}, "PASSWORD_ITERATIONS"},
		{"rate", map[string]string{"THROTTLE_RATES": "login=10/fortnight"}, "THROTTLE_RATES"},
		{"rate pair", map[string]string{"THROTTLE_RATES": "login"}, "THROTTLE_RATES"},
		{"algorithm", map[string]string{"ALGORITHM": "none"}, "ALGORITHM"},
		{"short hmac key", map[string]string{"ALGORITHM": "HS512", "SIGNING_KEY": strings.Repeat("s", 40)}, "SIGNING_KEY"},
		{"database", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL"},
		{"header types", map[string]string{"AUTH_HEADER_TYPES": " , "}, "AUTH_HEADER_TYPES"},
		{"user id field", map[string]string{"USER_ID_FIELD": "email"}, "USER_ID_FIELD"},
		{"production without key", map[string]string{"DEBUG": "false"}, "SECRET_KEY"},
		{"production with dev key", map[string]string{"DEBUG": "false", "SECRET_KEY": settings.DevelopmentSecretKey}, "SECRET_KEY"},
		{"production with short key", map[string]string{"DEBUG": "false", "SECRET_KEY": "short-key"}, "SECRET_KEY"},
		{"production with dev signing key", prod(map[string]string{"SIGNING_KEY": settings.DevelopmentSecretKey}), "SIGNING_KEY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settings.Load(env(c.vars))
			if err == nil {
				t.Fatalf("%v loaded", c.vars)
			}
			if !strings.Contains(err.Error(), c.variable) {
				t.Errorf("error %q does not name %s", err, c.variable)
			}
		})
	}
}

// DEBUG is for development: the development key is accepted there, so `go run .` works.
func TestDebugAcceptsTheDevelopmentKey(t *testing.T) {
	if _, err := settings.Load(env(map[string]string{"DEBUG": "true"})); err != nil {
		t.Fatal(err)
	}
}

func TestParseRate(t *testing.T) {
	cases := []struct {
		rate   string
		n      int
		period time.Duration
		ok     bool
	}{
		{"10/min", 10, time.Minute, true},
		{"100/day", 100, 24 * time.Hour, true},
		{"5/s", 5, time.Second, true},
		{"3/hour", 3, time.Hour, true},
		{"0/min", 0, 0, false},
		{"x/min", 0, 0, false},
		{"10/", 0, 0, false},
		{"10", 0, 0, false},
		{"10/week", 0, 0, false},
	}
	for _, c := range cases {
		n, period, err := settings.ParseRate(c.rate)
		if (err == nil) != c.ok || n != c.n || period != c.period {
			t.Errorf("ParseRate(%q) = %d, %v, %v", c.rate, n, period, err)
		}
	}
}

func TestWebAuthnSettings(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		on      bool
		wantErr string
	}{
		{"off in production", map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 60)}, false, ""},
		{"localhost in DEBUG", map[string]string{}, true, ""},
		{"set", map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 60), "WEBAUTHN_RP_ID": "example.com",
			"WEBAUTHN_RP_ORIGINS": "https://example.com,https://app.example.com"}, true, ""},
		{"origin not under the RP ID", map[string]string{"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_RP_ORIGINS": "https://example.org"}, true, "WEBAUTHN_RP_ORIGINS"},
		{"plain http", map[string]string{"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_RP_ORIGINS": "http://example.com"}, true, "needs https"},
		{"no origins", map[string]string{"WEBAUTHN_RP_ID": "example.com"}, true, "at least one origin"},
		{"an IP", map[string]string{"WEBAUTHN_RP_ID": "127.0.0.1", "WEBAUTHN_RP_ORIGINS": "https://127.0.0.1"}, true, "WEBAUTHN_RP_ID"},
		{"origins without an RP ID", map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 60), "WEBAUTHN_RP_ORIGINS": "https://example.com"}, false, "needs WEBAUTHN_RP_ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := settings.Load(func(name string) (string, bool) { v, ok := tt.env[name]; return v, ok })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, on := s.WebAuthnRP(); on != tt.on {
				t.Errorf("on = %v", on)
			}
		})
	}
}
