package settings_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"ginrest/settings"
)

func TestSessionsDefaults(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	ss := s.Sessions
	if !ss.TokenVersionCheck || !ss.RevokeOnPasswordChange || !ss.ReuseDetection || ss.ReuseInterval != 10*time.Second || ss.PruneInterval != 0 {
		t.Errorf("defaults: %+v", ss)
	}
	c := ss.Cookie
	if c.Enabled || c.Name != "refresh_token" || !c.Secure || c.SameSiteMode() != http.SameSiteLaxMode || c.Path != "/api/token/" ||
		c.Domain != "" || c.CSRFName != "csrftoken" {
		t.Errorf("cookie defaults: %+v", c)
	}
}

func TestSessionsFromEnvironment(t *testing.T) {
	s, err := settings.Load(env(map[string]string{
		"TOKEN_VERSION_CHECK": "false", "REVOKE_ON_PASSWORD_CHANGE": "0", "REFRESH_TOKEN_REUSE_DETECTION": "false", "REFRESH_TOKEN_REUSE_INTERVAL": "2m30s",
		"TOKEN_PRUNE_INTERVAL": "1h", "AUTH_COOKIE": "true", "AUTH_COOKIE_NAME": "rt", "AUTH_COOKIE_SECURE": "false",
		"AUTH_COOKIE_SAMESITE": "strict", "AUTH_COOKIE_PATH": "/auth/", "AUTH_COOKIE_DOMAIN": "example.com", "AUTH_COOKIE_CSRF_NAME": "xsrf",
	}))
	if err != nil {
		t.Fatal(err)
	}
	ss := s.Sessions
	c := ss.Cookie
	if ss.TokenVersionCheck || ss.RevokeOnPasswordChange || ss.ReuseDetection || ss.ReuseInterval != 150*time.Second || ss.PruneInterval != time.Hour ||
		!c.Enabled || c.Name != "rt" || c.Secure || c.SameSiteMode() != http.SameSiteStrictMode || c.Path != "/auth/" ||
		c.Domain != "example.com" || c.CSRFName != "xsrf" {
		t.Errorf("overrides not applied: %+v", ss)
	}
}

// Every invalid value is refused with an error naming its variable.
func TestSessionsInvalid(t *testing.T) {
	cases := []struct {
		vars map[string]string
		name string
	}{
		{map[string]string{"TOKEN_VERSION_CHECK": "maybe"}, "TOKEN_VERSION_CHECK"},
		{map[string]string{"REVOKE_ON_PASSWORD_CHANGE": "yes please"}, "REVOKE_ON_PASSWORD_CHANGE"},
		{map[string]string{"REFRESH_TOKEN_REUSE_DETECTION": "2"}, "REFRESH_TOKEN_REUSE_DETECTION"},
		{map[string]string{"REFRESH_TOKEN_REUSE_INTERVAL": "10"}, "REFRESH_TOKEN_REUSE_INTERVAL"},
		{map[string]string{"REFRESH_TOKEN_REUSE_INTERVAL": "-1s"}, "REFRESH_TOKEN_REUSE_INTERVAL"},
		{map[string]string{"TOKEN_PRUNE_INTERVAL": "hourly"}, "TOKEN_PRUNE_INTERVAL"},
		{map[string]string{"TOKEN_PRUNE_INTERVAL": "-1h"}, "TOKEN_PRUNE_INTERVAL"},
		{map[string]string{"TOKEN_PRUNE_INTERVAL": "10ms"}, "TOKEN_PRUNE_INTERVAL"},
		{map[string]string{"AUTH_COOKIE": "on"}, "AUTH_COOKIE"},
		{map[string]string{"AUTH_COOKIE_SECURE": "no"}, "AUTH_COOKIE_SECURE"},
		{map[string]string{"AUTH_COOKIE_NAME": ""}, "AUTH_COOKIE_NAME"},
		{map[string]string{"AUTH_COOKIE_NAME": "refresh token"}, "AUTH_COOKIE_NAME"},
		{map[string]string{"AUTH_COOKIE_NAME": "a;b"}, "AUTH_COOKIE_NAME"},
		{map[string]string{"AUTH_COOKIE_CSRF_NAME": "x=y"}, "AUTH_COOKIE_CSRF_NAME"},
		{map[string]string{"AUTH_COOKIE_CSRF_NAME": "refresh_token"}, "AUTH_COOKIE_CSRF_NAME"},
		{map[string]string{"AUTH_COOKIE_SAMESITE": "Sometimes"}, "AUTH_COOKIE_SAMESITE"},
		{map[string]string{"AUTH_COOKIE_SAMESITE": "None", "AUTH_COOKIE_SECURE": "false"}, "AUTH_COOKIE_SAMESITE"},
		{map[string]string{"AUTH_COOKIE_PATH": "api/token/"}, "AUTH_COOKIE_PATH"},
		{map[string]string{"AUTH_COOKIE_PATH": "/api;evil"}, "AUTH_COOKIE_PATH"},
		{map[string]string{"AUTH_COOKIE_DOMAIN": "example.com; Secure"}, "AUTH_COOKIE_DOMAIN"},
		{map[string]string{"AUTH_COOKIE_INSECURE_OK": "sure"}, "AUTH_COOKIE_INSECURE_OK"},
		{map[string]string{"CSRF_TRUSTED_ORIGINS": "app.example.com"}, "CSRF_TRUSTED_ORIGINS"},
		{map[string]string{"CSRF_TRUSTED_ORIGINS": "https://app.example.com/login"}, "CSRF_TRUSTED_ORIGINS"},
		{map[string]string{"CSRF_TRUSTED_ORIGINS": "https://*"}, "CSRF_TRUSTED_ORIGINS"},
		{map[string]string{"CSRF_TRUSTED_ORIGINS": "https://ok.example.com,*.example.com"}, "CSRF_TRUSTED_ORIGINS"},
	}
	for _, c := range cases {
		t.Run(c.name+"="+strings.Join(sessionValues(c.vars), ","), func(t *testing.T) {
			_, err := settings.Load(env(c.vars))
			if err == nil || !strings.Contains(err.Error(), c.name) {
				t.Errorf("Load(%v) = %v, want an error naming %s", c.vars, err, c.name)
			}
		})
	}
	// SameSite=None is fine with Secure.
	if _, err := settings.Load(env(map[string]string{"AUTH_COOKIE_SAMESITE": "None"})); err != nil {
		t.Errorf("SameSite=None with Secure: %v", err)
	}
}

// REFRESH_TOKEN_REUSE_INTERVAL=0 is valid: no grace period, with reuse detection still on.
func TestReuseIntervalZeroIsValid(t *testing.T) {
	s, err := settings.Load(env(map[string]string{"REFRESH_TOKEN_REUSE_INTERVAL": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if s.Sessions.ReuseInterval != 0 || !s.Sessions.ReuseDetection {
		t.Errorf("REFRESH_TOKEN_REUSE_INTERVAL=0: %+v", s.Sessions)
	}
}

func sessionValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Cookie mode with Secure off is refused in production (DEBUG off), naming the variable,
// unless AUTH_COOKIE_INSECURE_OK says plain HTTP is meant; with DEBUG on, or with cookie
// mode off, it is accepted.
func TestAuthCookieInsecure(t *testing.T) {
	prod := map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 50)}
	with := func(vars map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range prod {
			m[k] = v
		}
		for k, v := range vars {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		vars    map[string]string
		refused bool
	}{
		{map[string]string{"AUTH_COOKIE": "true", "AUTH_COOKIE_SECURE": "false"}, true},
		{map[string]string{"AUTH_COOKIE": "true", "AUTH_COOKIE_SECURE": "false", "AUTH_COOKIE_INSECURE_OK": "false"}, true},
		{map[string]string{"AUTH_COOKIE": "true", "AUTH_COOKIE_SECURE": "false", "AUTH_COOKIE_INSECURE_OK": "true"}, false},
		{map[string]string{"AUTH_COOKIE": "true", "AUTH_COOKIE_SECURE": "false", "DEBUG": "true"}, false},
		{map[string]string{"AUTH_COOKIE": "false", "AUTH_COOKIE_SECURE": "false"}, false},
		{map[string]string{"AUTH_COOKIE": "true"}, false},
	} {
		_, err := settings.Load(env(with(c.vars)))
		if c.refused && (err == nil || !strings.Contains(err.Error(), "AUTH_COOKIE_SECURE") || !strings.Contains(err.Error(), "AUTH_COOKIE_INSECURE_OK")) {
			t.Errorf("Load(%v) = %v, want a refusal naming AUTH_COOKIE_SECURE and AUTH_COOKIE_INSECURE_OK", c.vars, err)
		}
		if !c.refused && err != nil {
			t.Errorf("Load(%v) = %v, want it accepted", c.vars, err)
		}
	}
}

// CSRF_TRUSTED_ORIGINS in Django's form: exact origins and *. wildcards, lower-cased.
func TestCSRFTrustedOrigins(t *testing.T) {
	s, err := settings.Load(env(map[string]string{"CSRF_TRUSTED_ORIGINS": "https://App.Example.com, http://localhost:3000,https://*.example.org"}))
	if err != nil {
		t.Fatal(err)
	}
	origins, err := settings.ParseTrustedOrigins(s.Sessions.Cookie.TrustedOrigins)
	if err != nil {
		t.Fatal(err)
	}
	want := []settings.TrustedOrigin{{Scheme: "https", Host: "app.example.com"}, {Scheme: "http", Host: "localhost:3000"},
		{Scheme: "https", Host: "example.org", Wildcard: true}}
	if fmt.Sprint(origins) != fmt.Sprint(want) {
		t.Errorf("origins %v, want %v", origins, want)
	}
	for _, c := range []struct {
		scheme, host string
		want         bool
	}{
		{"https", "app.example.com", true},
		{"http", "app.example.com", false},
		{"https", "evil.example.com", false},
		{"http", "localhost:3000", true},
		{"http", "localhost", false},
		{"https", "example.org", true},
		{"https", "a.b.example.org", true},
		{"https", "evilexample.org", false},
		{"http", "a.example.org", false},
	} {
		got := false
		for _, o := range origins {
			got = got || o.Matches(c.scheme, c.host)
		}
		if got != c.want {
			t.Errorf("%s://%s trusted = %v, want %v", c.scheme, c.host, got, c.want)
		}
	}
}
