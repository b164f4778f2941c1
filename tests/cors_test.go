package tests

import (
	"strings"
	"testing"

	"ginrest/settings"
	"ginrest/urls"
)

// corsSettings allow two front ends by name and the subdomains of example.org by regex.
func corsSettings(s *settings.Settings) {
	s.CORS.AllowedOrigins = []string{"http://localhost:5173", "https://app.example.com"}
	s.CORS.AllowedOriginRegexes = []string{`https://\w+\.example\.org$`}
	s.CORS.ExposeHeaders = []string{"X-Request-ID", "Retry-After"}
}

// A browser's preflight is answered before authentication and throttles, for allowed
// origins with the CORS headers, for others without (the browser then refuses); actual
// requests from allowed origins get Access-Control-Allow-Origin and the exposed headers.
func TestCORS(t *testing.T) {
	preflight := func(origin, method, headers string) map[string]string {
		h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method}
		if headers != "" {
			h["Access-Control-Request-Headers"] = headers
		}
		return h
	}
	cases := []struct {
		name    string
		change  func(*settings.Settings)
		req     req
		status  int
		headers map[string]string // "" means absent
	}{
		{"preflight to a protected view, no token", corsSettings,
			req{Method: "OPTIONS", Path: "/api/notes/", Header: preflight("http://localhost:5173", "POST", "authorization,content-type")},
			200, map[string]string{
				"Access-Control-Allow-Origin":  "http://localhost:5173",
				"Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "authorization,content-type",
				"Access-Control-Max-Age": "86400", "Access-Control-Allow-Credentials": "", "WWW-Authenticate": ""}},
		{"preflight from a regex origin", corsSettings,
			req{Method: "OPTIONS", Path: "/api/protected/", Header: preflight("https://shop.example.org", "GET", "")},
			200, map[string]string{"Access-Control-Allow-Origin": "https://shop.example.org"}},
		{"preflight: the regex is anchored at the start", corsSettings,
			req{Method: "OPTIONS", Path: "/api/protected/", Header: preflight("https://evil.com/https://a.example.org", "GET", "")},
			200, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"preflight: the regex's $ holds", corsSettings,
			req{Method: "OPTIONS", Path: "/api/protected/", Header: preflight("https://a.example.org.evil.com", "GET", "")},
			200, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"preflight from an origin not allowed", corsSettings,
			req{Method: "OPTIONS", Path: "/api/notes/", Header: preflight("https://evil.example", "POST", "authorization")},
			200, map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Methods": ""}},
		{"preflight asking a header not allowed", corsSettings,
			req{Method: "OPTIONS", Path: "/api/notes/", Header: preflight("http://localhost:5173", "POST", "x-secret")},
			200, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"preflight with credentials allowed", func(s *settings.Settings) { corsSettings(s); s.CORS.AllowCredentials = true },
			req{Method: "OPTIONS", Path: "/api/token/refresh/", Header: preflight("https://app.example.com", "POST", "content-type")},
			200, map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true"}},
		{"preflight, max age 0 sends none", func(s *settings.Settings) { corsSettings(s); s.CORS.PreflightMaxAge = 0 },
			req{Method: "OPTIONS", Path: "/api/protected/", Header: preflight("http://localhost:5173", "GET", "")},
			200, map[string]string{"Access-Control-Allow-Origin": "http://localhost:5173", "Access-Control-Max-Age": ""}},
		{"actual request from an allowed origin", corsSettings,
			req{Method: "GET", Path: "/api/protected/", Header: map[string]string{"Origin": "http://localhost:5173"}},
			401, map[string]string{"Access-Control-Allow-Origin": "http://localhost:5173",
				"Access-Control-Expose-Headers": "X-Request-Id, Retry-After", "Vary": "Origin, Accept",
				"WWW-Authenticate": `Bearer realm="api"`, "Access-Control-Allow-Credentials": ""}},
		{"actual request with credentials allowed", func(s *settings.Settings) { corsSettings(s); s.CORS.AllowCredentials = true },
			req{Method: "GET", Path: "/api/protected/", Header: map[string]string{"Origin": "https://app.example.com"}},
			401, map[string]string{"Access-Control-Allow-Origin": "https://app.example.com", "Access-Control-Allow-Credentials": "true"}},
		{"actual request from an origin not allowed", corsSettings,
			req{Method: "GET", Path: "/api/protected/", Header: map[string]string{"Origin": "https://evil.example"}},
			401, map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Expose-Headers": "", "Vary": "Origin, Accept"}},
		{"all origins: *", func(s *settings.Settings) { s.CORS.AllowAllOrigins = true },
			req{Method: "GET", Path: "/api/protected/", Header: map[string]string{"Origin": "https://anywhere.example"}},
			401, map[string]string{"Access-Control-Allow-Origin": "*"}},
		{"an unknown path still gets the CORS headers", corsSettings,
			req{Method: "GET", Path: "/api/nowhere/", Header: map[string]string{"Origin": "http://localhost:5173"}},
			404, map[string]string{"Access-Control-Allow-Origin": "http://localhost:5173", "Vary": "Origin, Accept"}},
		{"a host not allowed is refused before CORS", corsSettings,
			req{Method: "OPTIONS", Path: "/api/notes/", Header: map[string]string{"Host": "evil.example", "Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET"}},
			400, map[string]string{"Access-Control-Allow-Origin": ""}},
		{"no CORS settings: a preflight reaches the view", nil,
			req{Method: "OPTIONS", Path: "/api/notes/", Header: preflight("http://localhost:5173", "POST", "")},
			401, map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Accept"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var change []func(*settings.Settings)
			if c.change != nil {
				change = append(change, c.change)
			}
			s := newServer(t, change...)
			if host := c.req.Header["Host"]; host != "" {
				// httptest.NewRequest takes the host from the URL.
				c.req.Path = "http://" + host + c.req.Path
			}
			rec := s.do(c.req)
			if rec.Code != c.status {
				t.Errorf("status = %d, want %d; body %s", rec.Code, c.status, rec.Body)
			}
			if c.status == 200 && rec.Body.Len() != 0 {
				t.Errorf("preflight body = %q, want none", rec.Body)
			}
			for name, want := range c.headers {
				if got := strings.Join(rec.Header().Values(name), ", "); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

// A request without an Origin is served as without CORS: same status, body and headers,
// but for Vary, which names Origin so that no cache gives it to a cross-origin page.
func TestCORSLeavesOtherRequestsAlone(t *testing.T) {
	plain := newServer(t)
	withCORS := newServer(t, corsSettings)
	for _, path := range []string{"/api/protected/", "/api/", "/api/nowhere/"} {
		a := plain.do(req{Method: "GET", Path: path})
		b := withCORS.do(req{Method: "GET", Path: path})
		if a.Code != b.Code || a.Body.String() != b.Body.String() {
			t.Errorf("GET %s: %d %s with CORS, %d %s without", path, b.Code, b.Body, a.Code, a.Body)
		}
		for name := range b.Header() {
			if strings.HasPrefix(name, "Access-Control-") {
				t.Errorf("GET %s: %s set on a request without Origin", path, name)
			}
		}
		if got := strings.Join(b.Header().Values("Vary"), ", "); got != "Origin, Accept" {
			t.Errorf("GET %s: Vary = %q", path, got)
		}
		b.Header().Del("Vary")
		a.Header().Del("Vary")
		for _, h := range []string{"X-Request-Id"} {
			a.Header().Del(h)
			b.Header().Del(h)
		}
		if len(a.Header()) != len(b.Header()) {
			t.Errorf("GET %s: headers %v with CORS, %v without", path, b.Header(), a.Header())
		}
	}
}

// CORS settings that cannot work stop the app, naming the variable.
func TestCORSSettingsRefused(t *testing.T) {
	cases := []struct {
		name   string
		change func(*settings.Settings)
		want   string
	}{
		{"all origins with credentials", func(s *settings.Settings) { s.CORS.AllowAllOrigins, s.CORS.AllowCredentials = true, true },
			"CORS_ALLOW_ALL_ORIGINS cannot be combined with CORS_ALLOW_CREDENTIALS"},
		{"a bad regex", func(s *settings.Settings) { s.CORS.AllowedOriginRegexes = []string{`^https://(\w+\.example\.com$`} },
			`CORS_ALLOWED_ORIGIN_REGEXES has "^https://(\\w+\\.example\\.com$"`},
		{"an origin without scheme", func(s *settings.Settings) { s.CORS.AllowedOrigins = []string{"localhost:5173"} },
			`CORS_ALLOWED_ORIGINS has "localhost:5173"`},
		{"an origin with a path", func(s *settings.Settings) { s.CORS.AllowedOrigins = []string{"https://app.example.com/"} },
			`CORS_ALLOWED_ORIGINS has "https://app.example.com/": an origin has no path`},
		{"a negative max age", func(s *settings.Settings) { s.CORS.PreflightMaxAge = -1 }, "CORS_PREFLIGHT_MAX_AGE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := testSettings()
			c.change(st)
			_, err := urls.NewApp(st, testDB(t), urls.Options{Logger: discardLogger()})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("NewApp error = %v, want one containing %q", err, c.want)
			}
		})
	}
}

// The README's one line for a front end in development reads as the settings expect.
func TestCORSFromEnvironment(t *testing.T) {
	env := map[string]string{"CORS_ALLOWED_ORIGINS": "http://localhost:5173,http://localhost:3000", "CORS_PREFLIGHT_MAX_AGE": "600",
		"CORS_EXPOSE_HEADERS": "Retry-After", "CORS_ALLOW_CREDENTIALS": "true"}
	s, err := settings.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	c := s.CORS
	if strings.Join(c.AllowedOrigins, " ") != "http://localhost:5173 http://localhost:3000" || c.PreflightMaxAge != 600 ||
		!c.AllowCredentials || len(c.ExposeHeaders) != 1 || !c.Enabled() {
		t.Errorf("CORS = %+v", c)
	}
	if strings.Join(c.AllowHeaders, ",") != "accept,authorization,content-type,user-agent,x-csrftoken,x-requested-with" {
		t.Errorf("CORS_ALLOW_HEADERS default = %v", c.AllowHeaders)
	}
}
