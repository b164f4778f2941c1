package settings

import (
	"fmt"
	"net/textproto"
	"strings"
)

// ProxySSLHeader is SECURE_PROXY_SSL_HEADER: the header a proxy that terminates TLS sets,
// and the value meaning the client's connection was https. Django's is a META name and a
// value, ("HTTP_X_FORWARDED_PROTO", "https"); here it is the header's name and the value.
// The zero value trusts no header.
type ProxySSLHeader struct{ Name, Value string }

// debugAllowedHosts are the hosts Django allows with DEBUG on and ALLOWED_HOSTS empty.
var debugAllowedHosts = []string{".localhost", "127.0.0.1", "[::1]"}

// AllowedHostPatterns are the ALLOWED_HOSTS a request's Host is checked against: the
// setting, or with DEBUG on and the setting empty, Django's local development hosts. With
// DEBUG off and the setting empty there are none, and every request is refused, as in
// Django (runserver refuses to start so).
func (s *Settings) AllowedHostPatterns() []string {
	if len(s.AllowedHosts) == 0 && s.Debug {
		return append([]string(nil), debugAllowedHosts...)
	}
	return append([]string(nil), s.AllowedHosts...)
}

// validateHosts checks ALLOWED_HOSTS and SECURE_PROXY_SSL_HEADER for entries that could
// never match: a URL or a port where a host name goes, a header without its value.
func (s *Settings) validateHosts() []error {
	var errs []error
	for _, h := range s.AllowedHosts {
		switch {
		case strings.TrimSpace(h) == "":
			errs = append(errs, fmt.Errorf("settings: ALLOWED_HOSTS has an empty entry"))
		case strings.Contains(h, "/"):
			errs = append(errs, fmt.Errorf("settings: ALLOWED_HOSTS has %q: give host names (example.com, .example.com, *), not URLs", h))
		case !strings.HasPrefix(h, "[") && strings.Contains(h, ":"):
			errs = append(errs, fmt.Errorf("settings: ALLOWED_HOSTS has %q: give it without the port, which is not compared", h))
		}
	}
	p := s.SecureProxySSLHeader
	if (p.Name == "") != (p.Value == "") {
		errs = append(errs, fmt.Errorf("settings: SECURE_PROXY_SSL_HEADER must have a header and a value, such as X-Forwarded-Proto,https"))
	} else if p.Name != "" && !validHeaderName(p.Name) {
		errs = append(errs, fmt.Errorf("settings: SECURE_PROXY_SSL_HEADER has %q: not a header name", p.Name))
	}
	return errs
}

func validHeaderName(name string) bool {
	for _, c := range []byte(name) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return name != ""
}

// proxySSLHeader reads SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https. Django's META
// spelling of the name (HTTP_X_FORWARDED_PROTO) is accepted too; empty unsets it.
func (e *envReader) proxySSLHeader(name string, dst *ProxySSLHeader) {
	v, ok := e.get(name)
	if !ok {
		return
	}
	if strings.TrimSpace(v) == "" {
		*dst = ProxySSLHeader{}
		return
	}
	header, value, found := strings.Cut(v, ",")
	header, value = strings.TrimSpace(header), strings.TrimSpace(value)
	if !found || header == "" || value == "" || strings.Contains(value, ",") {
		e.fail(name, v, "a header and its value, such as X-Forwarded-Proto,https")
		return
	}
	if meta, ok := strings.CutPrefix(header, "HTTP_"); ok {
		header = strings.ReplaceAll(meta, "_", "-")
	}
	*dst = ProxySSLHeader{Name: textproto.CanonicalMIMEHeaderKey(header), Value: value}
}
