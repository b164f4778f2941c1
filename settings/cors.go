package settings

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// CORS is django-cors-headers' settings, under its names: which other origins' pages may
// call the API from a browser. Nothing is allowed by default, as there.
type CORS struct {
	// AllowedOrigins are origins allowed exactly, compared as strings as django-cors-headers
	// does (CORS_ALLOWED_ORIGINS=https://app.example.com,http://localhost:5173): a scheme and
	// a host with its port, no path; "null" allows the opaque origin of sandboxed pages and
	// files.
	AllowedOrigins []string
	// AllowedOriginRegexes are regular expressions an origin may match instead
	// (CORS_ALLOWED_ORIGIN_REGEXES=^https://\w+\.example\.com$). As django-cors-headers'
	// re.match, each is anchored at the start only: end it with $ to anchor the end.
	AllowedOriginRegexes []string
	// AllowAllOrigins allows every origin (CORS_ALLOW_ALL_ORIGINS): responses say
	// Access-Control-Allow-Origin: *.
	AllowAllOrigins bool
	// AllowCredentials lets browsers send cookies and read the responses of credentialed
	// requests (CORS_ALLOW_CREDENTIALS): Access-Control-Allow-Credentials: true. It is
	// refused with AllowAllOrigins (see validateCORS).
	AllowCredentials bool
	// AllowHeaders are the request headers a preflight may ask for (CORS_ALLOW_HEADERS);
	// the default is django-cors-headers' default_headers.
	AllowHeaders []string
	// AllowMethods are the methods a preflight may ask for (CORS_ALLOW_METHODS); the
	// default is django-cors-headers' default_methods.
	AllowMethods []string
	// ExposeHeaders are the response headers page scripts may read besides the
	// CORS-safelisted ones (CORS_EXPOSE_HEADERS=Retry-After,X-Request-ID).
	ExposeHeaders []string
	// PreflightMaxAge is how many seconds a browser may cache a preflight's answer
	// (CORS_PREFLIGHT_MAX_AGE); 0 sends no Access-Control-Max-Age.
	PreflightMaxAge int
}

// Enabled is whether any origin is allowed: without one the middleware is not mounted,
// and requests are served as if CORS did not exist.
func (c CORS) Enabled() bool {
	return c.AllowAllOrigins || len(c.AllowedOrigins) > 0 || len(c.AllowedOriginRegexes) > 0
}

// OriginPatterns compiles AllowedOriginRegexes with re.match's meaning: anchored at the
// start. Validate calls it, so a bad expression stops the program at start.
func (c CORS) OriginPatterns() ([]*regexp.Regexp, error) {
	patterns := make([]*regexp.Regexp, 0, len(c.AllowedOriginRegexes))
	for _, expr := range c.AllowedOriginRegexes {
		re, err := regexp.Compile(`^(?:` + expr + `)`)
		if err != nil {
			return nil, fmt.Errorf("has %q: %v", expr, err)
		}
		patterns = append(patterns, re)
	}
	return patterns, nil
}

// validateCORS checks the CORS settings as django-cors-headers' system checks do, and
// refuses CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS.
func (s *Settings) validateCORS() []error {
	var errs []error
	c := s.CORS
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("settings: "+format, args...)) }
	if c.AllowAllOrigins && c.AllowCredentials {
		// Browsers refuse Access-Control-Allow-Origin: * on a credentialed request, and
		// django-cors-headers then echoes whatever Origin came: every site on the web could
		// read the answers to requests made with the user's cookies. Name the origins.
		bad("CORS_ALLOW_ALL_ORIGINS cannot be combined with CORS_ALLOW_CREDENTIALS: any site could make credentialed requests; list the origins in CORS_ALLOWED_ORIGINS")
	}
	for _, origin := range c.AllowedOrigins {
		if origin == "null" {
			continue
		}
		u, err := url.Parse(origin)
		switch {
		case err != nil || u.Scheme == "" || u.Host == "":
			bad("CORS_ALLOWED_ORIGINS has %q: missing scheme or host, want an origin such as https://app.example.com", origin)
		case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			bad("CORS_ALLOWED_ORIGINS has %q: an origin has no path, want scheme://host[:port]", origin)
		}
	}
	if _, err := c.OriginPatterns(); err != nil {
		bad("CORS_ALLOWED_ORIGIN_REGEXES %v", err)
	}
	for _, h := range c.AllowHeaders {
		if !validHeaderName(h) {
			bad("CORS_ALLOW_HEADERS has %q: not a header name", h)
		}
	}
	for _, h := range c.ExposeHeaders {
		if !validHeaderName(h) {
			bad("CORS_EXPOSE_HEADERS has %q: not a header name", h)
		}
	}
	for _, m := range c.AllowMethods {
		if !validHeaderName(m) || strings.ToUpper(m) != m {
			bad("CORS_ALLOW_METHODS has %q: want upper-case method names such as GET", m)
		}
	}
	if c.PreflightMaxAge < 0 {
		bad("CORS_PREFLIGHT_MAX_AGE must not be negative")
	}
	return errs
}
