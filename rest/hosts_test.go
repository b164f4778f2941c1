package rest_test

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"ginrest/rest"
)

// TestSplitHost checks Django's split_domain_port and validate_host.
func TestSplitHost(t *testing.T) {
	allowed := rest.AllowedHosts{"Example.COM", ".example.org", "[::1]"}
	tests := []struct {
		host, domain, port string
		allowed            bool
	}{
		{"example.com", "example.com", "", true},
		{"EXAMPLE.com:8000", "example.com", "8000", true},
		{"example.com.", "example.com", "", true},
		{"example.com.:443", "example.com", "443", true},
		{"example.org", "example.org", "", true},
		{"x.y.example.org", "x.y.example.org", "", true},
		{"[::1]:80", "[::1]", "80", true},
		{"[::1", "", "", false},
		{"[::ffff:127.0.0.1]", "[::ffff:127.0.0.1]", "", false},
		{"notexample.org", "notexample.org", "", false},
		{"example.com:", "", "", false},
		{"example.com:80:80", "", "", false},
		{"user@example.com", "", "", false},
		{"exa mple.com", "", "", false},
		{"ex\u00e1mple.com", "", "", false},
		{"", "", "", false},
	}
	for _, tt := range tests {
		domain, port := rest.SplitHost(tt.host)
		if domain != tt.domain || port != tt.port {
			t.Errorf("SplitHost(%q) = %q, %q; want %q, %q", tt.host, domain, port, tt.domain, tt.port)
		}
		if got := allowed.Allows(domain); got != tt.allowed {
			t.Errorf("Allows(%q) = %v, want %v", domain, got, tt.allowed)
		}
	}
	if !(rest.AllowedHosts{"*"}).Allows("anything") || (rest.AllowedHosts{"*"}).Allows("") || (rest.AllowedHosts{""}).Allows("x") {
		t.Error(`"*" must allow any host name and nothing else; "" nothing`)
	}
}

func TestProxySSLHeader(t *testing.T) {
	p := rest.ProxySSLHeader{Name: "X-Forwarded-Proto", Value: "https"}
	tests := []struct {
		target string
		values []string
		want   bool
	}{
		{"/", nil, false},
		{"https://example.com/", nil, true},
		{"/", []string{"https"}, true},
		{"/", []string{"https,http"}, true},
		{"/", []string{"http", "https"}, false}, // the first header line's first value
		{"/", []string{""}, false},
		{"https://example.com/", []string{"http"}, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", tt.target, nil)
		for _, v := range tt.values {
			r.Header.Add("X-Forwarded-Proto", v)
		}
		if got := p.Secure(r); got != tt.want {
			t.Errorf("%s with %q: Secure = %v, want %v", tt.target, tt.values, got, tt.want)
		}
		if got := (rest.ProxySSLHeader{}).Secure(r); got != (r.TLS != nil) {
			t.Errorf("the zero value trusted a header: %v", got)
		}
	}
}

// djangoHostPattern is Django's host_validation_re, the reference SplitHost is held to.
var djangoHostPattern = regexp.MustCompile(`^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$`)

// SplitHost scans by hand what Django matches with a regular expression: the two must
// agree on every Host header.
func FuzzSplitHost(f *testing.F) {
	for _, seed := range []string{"example.com", "Example.COM.:8000", "[::1]:80", "[::ffff:127.0.0.1]", "[:]", "[]", "a:",
		":80", "a:b", "[::1]x", "[::1]:", "exa mple.com", "ÉXAMPLE.com", "\xff", "[0:0:0:0:0:0:0:1]:443", "..", "-"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, host string) {
		domain, port := rest.SplitHost(host)
		wantDomain, wantPort := "", ""
		if m := djangoHostPattern.FindStringSubmatch(strings.ToLower(host)); m != nil {
			wantDomain, wantPort = strings.TrimSuffix(m[1], "."), m[2]
		}
		if domain != wantDomain || port != wantPort {
			t.Errorf("SplitHost(%q) = %q, %q; Django's pattern gives %q, %q", host, domain, port, wantDomain, wantPort)
		}
	})
}
