package rest

import (
	"net/http"
	"strings"
)

// AllowedHosts are Django's ALLOWED_HOSTS patterns, as settings.AllowedHostPatterns gives
// them: "example.com" matches that host exactly, ".example.com" it and every subdomain,
// "*" any host. Patterns are compared without case; the port is never compared.
type AllowedHosts []string

// Allows is Django's validate_host: whether domain (a Host header's domain, as SplitHost
// gives it) matches one of the patterns.
func (a AllowedHosts) Allows(domain string) bool {
	if domain == "" {
		return false
	}
	for _, pattern := range a {
		pattern = strings.ToLower(pattern)
		switch {
		case pattern == "*" || pattern == domain:
			return true
		case strings.HasPrefix(pattern, ".") && (strings.HasSuffix(domain, pattern) || domain == pattern[1:]):
			return true
		}
	}
	return false
}

// SplitHost is Django's split_domain_port: a Host header's domain, lower-cased and without
// a trailing dot, and its port; both "" when the header is no host name at all. It accepts
// exactly what Django's host_validation_re does,
//
//	^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$
//
// (after lower-casing), scanned by hand: every request runs it, and the regular expression
// cost two allocations each time (FuzzSplitHost holds the two to the same answers).
func SplitHost(host string) (domain, port string) {
	host = strings.ToLower(host) // no allocation when already lower case
	rest := ""
	if strings.HasPrefix(host, "[") {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", ""
		}
		domain, rest = host[:end+1], host[end+1:]
		before, after, ok := strings.Cut(domain[1:end], ":")
		if !ok || after == "" || !onlyBytes(before, "abcdef0123456789") || !onlyBytes(after, "abcdef0123456789.:") {
			return "", ""
		}
	} else {
		domain = host
		if i := strings.IndexByte(host, ':'); i >= 0 {
			domain, rest = host[:i], host[i:]
		}
		if domain == "" || !onlyBytes(domain, "abcdefghijklmnopqrstuvwxyz0123456789.-") {
			return "", ""
		}
	}
	if rest != "" {
		port = rest[1:] // rest starts with ':' after a bracket only if well formed: checked here
		if rest[0] != ':' || port == "" || !onlyBytes(port, "0123456789") {
			return "", ""
		}
	}
	return strings.TrimSuffix(domain, "."), port
}

// onlyBytes: s is made of bytes in set alone.
func onlyBytes(s, set string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(set, s[i]) < 0 {
			return false
		}
	}
	return true
}

// CheckHost is the ALLOWED_HOSTS check of Django's request.get_host, made where requests
// enter so that it comes before any view, and before any absolute URL (pagination links,
// the API root) is built from the Host header: a request for a host not allowed is
// answered 400 in DRF's shape, naming the host. The paths in exempt are served whatever
// their Host: health probes, which orchestrators send to the pod's address.
func CheckHost(allowed AllowedHosts, exempt ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			domain, _ := SplitHost(r.Host)
			if allowed.Allows(domain) || isExempt(r.URL.Path, exempt) {
				next.ServeHTTP(w, r)
				return
			}
			msg := "Invalid HTTP_HOST header: " + PythonQuote(r.Host) + "."
			if domain != "" {
				msg += " You may need to add " + PythonQuote(domain) + " to ALLOWED_HOSTS."
			} else {
				msg += " The domain name provided is not valid according to RFC 1034/1035."
			}
			writeError(w, r, &Error{Status: http.StatusBadRequest, Detail: msg})
		})
	}
}

func isExempt(path string, exempt []string) bool {
	for _, p := range exempt {
		if path == p {
			return true
		}
	}
	return false
}

// ProxySSLHeader is Django's SECURE_PROXY_SSL_HEADER: the header a TLS-terminating proxy
// sets, and the value that means the client's connection was https. The zero value trusts
// no header: the scheme is the connection's.
type ProxySSLHeader struct{ Name, Value string }

// Secure is Django's request.is_secure(): with the header configured and present, its
// first comma-separated value (stripped) must equal Value exactly, whatever the
// connection; otherwise the connection decides. Only configure it behind a proxy that
// always sets or strips the header, as Django warns: a client can send it too.
func (p ProxySSLHeader) Secure(r *http.Request) bool {
	if p.Name != "" {
		if values, ok := r.Header[http.CanonicalHeaderKey(p.Name)]; ok && len(values) > 0 {
			first, _, _ := strings.Cut(values[0], ",")
			return strings.TrimSpace(first) == p.Value
		}
	}
	return r.TLS != nil
}
