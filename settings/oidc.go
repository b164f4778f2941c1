package settings

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// OIDC is login with OpenID Connect providers (docs/oidc.md): a mobile app or SPA signs the
// user in at the provider and hands its ID token (or an authorization code) to
// POST /api/auth/<name>/token/, which answers ginrest's own tokens. Off with no provider.
type OIDC struct {
	// Providers are OIDC_PROVIDERS, each read from OIDC_<NAME>_*.
	Providers []OIDCProvider
	// Timeout bounds each call to a provider: discovery, its keys, the code exchange
	// (OIDC_TIMEOUT). A provider that hangs costs a login this long, not a worker forever.
	Timeout time.Duration
	// StateLifetime is how long a browser login may take between its start at
	// /api/auth/<name>/login/ and the provider's redirect to the callback: the life of the
	// state cookie (OIDC_STATE_LIFETIME).
	StateLifetime time.Duration
	// RedirectOrigins are the origins a browser login's next URL may lead to besides this
	// server's own paths (OIDC_REDIRECT_ORIGINS), as CSRF_TRUSTED_ORIGINS are written:
	// https://app.example.com, https://*.example.com. Any other next is refused: no open
	// redirect.
	RedirectOrigins []string
}

// OIDCProvider is one provider, as django-allauth's openid_connect APPS entry.
type OIDCProvider struct {
	// Name is the provider's name in the URL (/api/auth/<name>/token/) and, upper-cased
	// with "-" as "_", in its variables: OIDC_<NAME>_ISSUER and so on.
	Name string
	// Issuer is the issuer URL: discovery is at Issuer + /.well-known/openid-configuration,
	// read at the first login, not at start, so the server starts when the provider is down.
	Issuer string
	// ClientID is the audience an ID token must name; ClientSecret is sent with a code
	// exchange (empty for a public client, which proves itself with PKCE).
	ClientID     string
	ClientSecret string
	// Scopes are those an authorization code is exchanged for (OIDC_<NAME>_SCOPES).
	Scopes []string
	// AllowedDomains are the email domains whose verified addresses are trusted: an
	// identity not yet linked is linked to the user with that email, or makes one with
	// CreateUsers, only when its email is verified and its domain is listed. Empty: only
	// identities already linked log in.
	AllowedDomains []string
	// CreateUsers lets an identity with no user make one (OIDC_<NAME>_CREATE_USERS).
	CreateUsers bool
}

// oidcName is a provider name that is one URL segment and an environment variable part.
var oidcName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,29}$`)

// OIDCEnvPrefix is the prefix of a provider's variables: OIDC_GOOGLE_ for "google".
func OIDCEnvPrefix(name string) string {
	return "OIDC_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_"
}

// Provider is the provider of that name, nil when none is configured.
func (o OIDC) Provider(name string) *OIDCProvider {
	for i := range o.Providers {
		if o.Providers[i].Name == name {
			return &o.Providers[i]
		}
	}
	return nil
}

// oidc reads OIDC_PROVIDERS and each provider's variables.
func (e *envReader) oidc(o *OIDC) {
	var names []string
	e.list("OIDC_PROVIDERS", &names)
	e.duration("OIDC_TIMEOUT", &o.Timeout)
	e.duration("OIDC_STATE_LIFETIME", &o.StateLifetime)
	e.list("OIDC_REDIRECT_ORIGINS", &o.RedirectOrigins)
	if names == nil {
		return
	}
	o.Providers = nil
	for _, name := range names {
		p := OIDCProvider{Name: strings.ToLower(name), Scopes: []string{"openid", "email", "profile"}}
		prefix := OIDCEnvPrefix(p.Name)
		e.string(prefix+"ISSUER", &p.Issuer)
		e.string(prefix+"CLIENT_ID", &p.ClientID)
		e.string(prefix+"CLIENT_SECRET", &p.ClientSecret)
		e.list(prefix+"SCOPES", &p.Scopes)
		e.list(prefix+"ALLOWED_DOMAINS", &p.AllowedDomains)
		e.bool(prefix+"CREATE_USERS", &p.CreateUsers)
		o.Providers = append(o.Providers, p)
	}
}

// validateOIDC refuses a provider that could not work or would not be safe: no issuer or
// client id, an issuer over plain http (its keys could be swapped on the way) except on
// the loopback, a name that is no URL segment, two of one name.
func (s *Settings) validateOIDC() []error {
	var errs []error
	if len(s.OIDC.Providers) > 0 && s.OIDC.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("settings: OIDC_TIMEOUT must be positive"))
	}
	if len(s.OIDC.Providers) > 0 && s.OIDC.StateLifetime <= 0 {
		errs = append(errs, fmt.Errorf("settings: OIDC_STATE_LIFETIME must be positive"))
	}
	if _, err := ParseTrustedOrigins(s.OIDC.RedirectOrigins); err != nil {
		errs = append(errs, fmt.Errorf("settings: OIDC_REDIRECT_ORIGINS %w", err))
	}
	seen := map[string]bool{}
	for _, p := range s.OIDC.Providers {
		if !oidcName.MatchString(p.Name) {
			errs = append(errs, fmt.Errorf("settings: OIDC_PROVIDERS %q is not a provider name (lower-case letters, digits, - and _)", p.Name))
			continue
		}
		if seen[p.Name] {
			errs = append(errs, fmt.Errorf("settings: OIDC_PROVIDERS names %q twice", p.Name))
		}
		seen[p.Name] = true
		prefix := OIDCEnvPrefix(p.Name)
		if u, err := url.Parse(p.Issuer); err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && loopback(u.Hostname())) {
			errs = append(errs, fmt.Errorf("settings: %sISSUER %q must be an https URL (http only on the loopback)", prefix, p.Issuer))
		}
		if p.ClientID == "" {
			errs = append(errs, fmt.Errorf("settings: %sCLIENT_ID must be set", prefix))
		}
		for _, d := range p.AllowedDomains {
			if d == "" || strings.ContainsAny(d, "@/ ") {
				errs = append(errs, fmt.Errorf("settings: %sALLOWED_DOMAINS %q is not a domain", prefix, d))
			}
		}
	}
	return errs
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
