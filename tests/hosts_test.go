package tests

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/apitest"
	"ginrest/models"
	"ginrest/settings"
)

// hostReq sends a request with the given Host header, and a JSON body when body is set.
func hostReq(srv http.Handler, method, target, host, body string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	if body != "" {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	r.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, r)
	return rec
}

// A request for a host ALLOWED_HOSTS does not name is refused with 400 before anything
// else: the right credentials log nobody in, a bad token is not looked at, an unknown path
// is not routed. Django's patterns: exact, ".domain" with its subdomains, "*"; without
// case, port or trailing dot.
func TestAllowedHosts(t *testing.T) {
	srv := apitest.NewServer(t, func(s *settings.Settings) {
		s.AllowedHosts = []string{"api.example.com", ".example.org", "[::1]", "10.0.0.7"}
	})
	srv.CreateUser("alice", "wonderland-42")
	const creds = `{"username":"alice","password":"wonderland-42"}`
	refused := func(host, domain string) string {
		return `{"detail":"Invalid HTTP_HOST header: '` + host + `'. You may need to add '` + domain + `' to ALLOWED_HOSTS."}`
	}
	const notAHost = `. The domain name provided is not valid according to RFC 1034/1035."}`
	cases := []struct {
		host string
		want string // "" for allowed
	}{
		{"api.example.com", ""},
		{"API.Example.COM:8443", ""},
		{"api.example.com.", ""},
		{"example.org", ""},
		{"a.b.example.org:80", ""},
		{"[::1]:8000", ""},
		{"10.0.0.7", ""},
		{"evil.example", refused("evil.example", "evil.example")},
		{"evil.example:8000", refused("evil.example:8000", "evil.example")},
		{"example.com", refused("example.com", "example.com")},
		{"www.api.example.com", refused("www.api.example.com", "www.api.example.com")},
		{"badexample.org", refused("badexample.org", "badexample.org")},
		{"example.org.evil.example", refused("example.org.evil.example", "example.org.evil.example")},
		{"10.0.0.70", refused("10.0.0.70", "10.0.0.70")},
		{"[::2]", refused("[::2]", "[::2]")},
		{"", `{"detail":"Invalid HTTP_HOST header: ''` + notAHost},
		{"api.example.com@evil.example", `{"detail":"Invalid HTTP_HOST header: 'api.example.com@evil.example'` + notAHost},
		{"api.example.com:port", `{"detail":"Invalid HTTP_HOST header: 'api.example.com:port'` + notAHost},
		{"it's.example", `{"detail":"Invalid HTTP_HOST header: \"it's.example\"` + notAHost},
	}
	for _, tc := range cases {
		t.Run(tc.host, func(t *testing.T) {
			login := hostReq(srv, http.MethodPost, "/api/token/", tc.host, creds)
			protected := hostReq(srv, http.MethodGet, "/api/protected/", tc.host, "", "Authorization", "Bearer not-a-token")
			unknown := hostReq(srv, http.MethodGet, "/nowhere/", tc.host, "")
			if tc.want == "" {
				if login.Code != 200 || protected.Code != 401 || unknown.Code != 404 {
					t.Fatalf("allowed host: login %d, protected %d, unknown path %d", login.Code, protected.Code, unknown.Code)
				}
				return
			}
			for _, rec := range []*httptest.ResponseRecorder{login, protected, unknown} {
				assertJSON(t, rec, 400, tc.want)
				if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("X-Request-ID") == "" {
					t.Errorf("the refusal lacks the headers every response has: %v", rec.Header())
				}
			}
		})
	}
	// Only the allowed hosts' logins issued tokens.
	if n := countRows(t, srv, &models.OutstandingToken{}); n != 7 {
		t.Errorf("%d tokens issued, want 7 (one per allowed host)", n)
	}
	// The probes answer whatever the Host: orchestrators call them by the pod's address.
	for _, path := range []string{"/healthz", "/readyz"} {
		if rec := hostReq(srv, http.MethodGet, path, "10.1.2.3:8000", ""); rec.Code != 200 {
			t.Errorf("%s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// Empty ALLOWED_HOSTS means Django's local hosts with DEBUG on, and no host at all with
// DEBUG off; "*" allows any host name, but still no malformed Host.
func TestAllowedHostsDefaults(t *testing.T) {
	debug := apitest.NewServer(t, func(s *settings.Settings) { s.AllowedHosts, s.Debug = nil, true })
	production := apitest.NewServer(t, func(s *settings.Settings) { s.AllowedHosts = nil })
	any := apitest.NewServer(t, func(s *settings.Settings) { s.AllowedHosts = []string{"*"} })
	cases := []struct {
		srv          *apitest.Server
		host         string
		wantAllowed  bool
		name, domain string
	}{
		{debug, "localhost:8000", true, "debug localhost", ""},
		{debug, "app.localhost", true, "debug subdomain of localhost", ""},
		{debug, "127.0.0.1:8000", true, "debug 127.0.0.1", ""},
		{debug, "[::1]:8000", true, "debug [::1]", ""},
		{debug, "example.com", false, "debug example.com", "example.com"},
		{debug, "127.0.0.2", false, "debug 127.0.0.2", "127.0.0.2"},
		{production, "localhost", false, "production localhost", "localhost"},
		{production, "example.com", false, "production example.com", "example.com"},
		{any, "anything.example:1234", true, "star any name", ""},
		{any, "evil.example", true, "star evil.example", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := hostReq(tc.srv, http.MethodGet, "/api/protected/", tc.host, "")
			if tc.wantAllowed {
				if rec.Code != 401 {
					t.Fatalf("%d %s, want the view's 401", rec.Code, rec.Body)
				}
				return
			}
			assertJSON(t, rec, 400, `{"detail":"Invalid HTTP_HOST header: '`+tc.host+`'. You may need to add '`+tc.domain+`' to ALLOWED_HOSTS."}`)
		})
	}
	assertJSON(t, hostReq(any, http.MethodGet, "/api/", "bad host", ""), 400,
		`{"detail":"Invalid HTTP_HOST header: 'bad host'. The domain name provided is not valid according to RFC 1034/1035."}`)
}

// Links say https when the connection is TLS or, with SECURE_PROXY_SSL_HEADER set, when
// the proxy's header says so; never because of a header that is not configured.
func TestSecureProxySSLHeader(t *testing.T) {
	plain := apitest.NewServer(t)
	proxied := apitest.NewServer(t, func(s *settings.Settings) {
		s.SecureProxySSLHeader = settings.ProxySSLHeader{Name: "X-Forwarded-Proto", Value: "https"}
	})
	cases := []struct {
		name   string
		srv    *apitest.Server
		target string
		header []string
		want   string
	}{
		{"plain http", plain, "/api/", nil, "http"},
		{"TLS", plain, "https://example.com/api/", nil, "https"},
		{"an unconfigured header is ignored", plain, "/api/", []string{"X-Forwarded-Proto", "https"}, "http"},
		{"another proxy header is ignored", proxied, "/api/", []string{"X-Forwarded-Ssl", "on"}, "http"},
		{"the configured header", proxied, "/api/", []string{"X-Forwarded-Proto", "https"}, "https"},
		{"its first value", proxied, "/api/", []string{"X-Forwarded-Proto", " https , http"}, "https"},
		{"another value", proxied, "/api/", []string{"X-Forwarded-Proto", "http"}, "http"},
		{"the value is compared exactly", proxied, "/api/", []string{"X-Forwarded-Proto", "HTTPS"}, "http"},
		{"the proxy's word over the connection's", proxied, "https://example.com/api/", []string{"X-Forwarded-Proto", "http"}, "http"},
		{"no header: the connection", proxied, "https://example.com/api/", nil, "https"},
		{"no header, plain http", proxied, "/api/", nil, "http"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := hostReq(tc.srv, http.MethodGet, tc.target, "example.com", "", tc.header...)
			assertJSON(t, rec, 200, `{"notes":"`+tc.want+`://example.com/api/notes/","tags":"`+tc.want+`://example.com/api/tags/"}`)
		})
	}
}
