package settings

import (
	"fmt"
	"net/url"
	"strings"
)

// TrustedOrigin is one CSRF_TRUSTED_ORIGINS entry: a scheme and a host (with its port, if
// any), lower-cased; Wildcard when the entry was "scheme://*.host", which then trusts host
// and every subdomain of it, as Django's is_same_domain(".host").
type TrustedOrigin struct {
	Scheme, Host string
	Wildcard     bool
}

// Matches reports whether origin, an Origin header's value, is this trusted origin. Django
// compares an exact entry with the header as a string; browsers send origins lower-case
// and without a default port, so comparing lower-cased parts is the same test.
func (t TrustedOrigin) Matches(scheme, host string) bool {
	if scheme != t.Scheme {
		return false
	}
	if !t.Wildcard {
		return host == t.Host
	}
	return host == t.Host || strings.HasSuffix(host, "."+t.Host)
}

// ParseTrustedOrigins reads CSRF_TRUSTED_ORIGINS entries in Django 4's form: a scheme and
// a host, "https://app.example.com", "http://localhost:3000", or "https://*.example.com"
// for the subdomains of example.com; no path. Django 4.0 made the scheme compulsory
// (its check 4_0.E001), and so is it here: a bare host would trust both schemes.
func ParseTrustedOrigins(entries []string) ([]TrustedOrigin, error) {
	out := make([]TrustedOrigin, 0, len(entries))
	for _, entry := range entries {
		t, ok := parseTrustedOrigin(strings.TrimSpace(entry))
		if !ok {
			return nil, fmt.Errorf("has %q: want origins such as https://app.example.com or https://*.example.com", entry)
		}
		out = append(out, t)
	}
	return out, nil
}

func parseTrustedOrigin(s string) (TrustedOrigin, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return TrustedOrigin{}, false
	}
	t := TrustedOrigin{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}
	if rest, ok := strings.CutPrefix(t.Host, "*."); ok {
		t.Host, t.Wildcard = rest, true
	}
	if t.Host == "" || strings.ContainsAny(t.Host, "*/ ") {
		return TrustedOrigin{}, false
	}
	return t, true
}
