package tokens

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf8"

	"ginrest/models"
	"ginrest/rest"
)

// What a session records of its client is untrusted input: the User-Agent must come out
// valid UTF-8 (PostgreSQL refuses anything else) and within its column, and be kept whole
// when it already is; the address is an IP's text or "", whatever X-Forwarded-For says.
func FuzzClientFrom(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64)", "192.0.2.1:1234", "203.0.113.9")
	f.Add(strings.Repeat("é", 400), "[2001:db8::1]:443", "10.0.0.1, 2001:db8::2")
	f.Add("\xff\xfe\x00bad", "10.0.0.7:80", "\xc3, ::ffff:1.2.3.4")
	f.Add("", "@", "")
	families := &Families{Proxies: rest.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")}}
	f.Fuzz(func(t *testing.T, userAgent, remoteAddr, forwardedFor string) {
		r := httptest.NewRequest(http.MethodPost, "/api/token/", nil)
		r.Header["User-Agent"] = []string{userAgent}
		r.Header["X-Forwarded-For"] = []string{forwardedFor}
		r.RemoteAddr = remoteAddr
		c := families.clientFrom(rest.NewRequest(r).Context())
		if !utf8.ValidString(c.UserAgent) || len(c.UserAgent) > models.MaxUserAgent {
			t.Fatalf("%q became %q", userAgent, c.UserAgent)
		}
		if utf8.ValidString(userAgent) && len(userAgent) <= models.MaxUserAgent && c.UserAgent != userAgent {
			t.Fatalf("%q, valid and short, became %q", userAgent, c.UserAgent)
		}
		if !strings.HasPrefix(string([]rune(userAgent)), c.UserAgent) {
			t.Fatalf("%q became %q, not a prefix of it", userAgent, c.UserAgent)
		}
		if c.IP != "" {
			if addr, err := netip.ParseAddr(c.IP); err != nil || addr.String() != c.IP || len(c.IP) > models.MaxIPAddress {
				t.Fatalf("recorded address %q from %q / %q", c.IP, remoteAddr, forwardedFor)
			}
		}
	})
}

func TestClientFrom(t *testing.T) {
	families := &Families{Proxies: rest.TrustedProxies{netip.MustParsePrefix("10.0.0.0/8")}}
	if c := families.clientFrom(context.Background()); c != (Client{}) {
		t.Errorf("clientFrom(no request) = %+v", c)
	}
	cases := []struct{ remote, forwarded, want string }{
		{"192.0.2.1:1234", "203.0.113.9", "192.0.2.1"}, // not a trusted proxy: its X-Forwarded-For is ignored
		{"10.0.0.7:80", "203.0.113.9", "203.0.113.9"},  // a trusted proxy
		{"[::ffff:192.0.2.1]:80", "", "192.0.2.1"},
		{"/run/ginrest.sock", "", ""},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/api/token/", nil)
		r.RemoteAddr = c.remote
		r.Header.Set("X-Forwarded-For", c.forwarded)
		r.Header.Set("User-Agent", "UA")
		if got := families.clientFrom(rest.NewRequest(r).Context()); got != (Client{UserAgent: "UA", IP: c.want}) {
			t.Errorf("%s, X-Forwarded-For %q: %+v, want IP %q", c.remote, c.forwarded, got, c.want)
		}
	}
}
