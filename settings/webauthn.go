package settings

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// WebAuthn is the relying party of passkeys and security keys (WebAuthn Level 3): which
// site the credentials belong to and which origins may use them. Off unless WEBAUTHN_RP_ID
// is set, except in DEBUG, where it is localhost and http://localhost:8000 (runserver's),
// so that `go run .` works in a browser.
type WebAuthn struct {
	// RPID is the relying party's ID (WEBAUTHN_RP_ID): a registrable domain, the origins'
	// host or a parent of it ("example.com" for https://app.example.com). A credential is
	// bound to it for good: changing it orphans every credential registered.
	RPID string
	// RPName is the name an authenticator shows beside the account (WEBAUTHN_RP_NAME).
	RPName string
	// RPOrigins are the origins whose pages may run the ceremonies (WEBAUTHN_RP_ORIGINS,
	// comma-separated): https, or http on localhost.
	RPOrigins []string
	// StateLifetime is how long a ceremony's state (its challenge) lasts, from begin to
	// finish (WEBAUTHN_STATE_LIFETIME).
	StateLifetime time.Duration
}

// DebugWebAuthnOrigin is the origin of the relying party in DEBUG when none is set.
const DebugWebAuthnOrigin = "http://localhost:8000"

// WebAuthnRP is the relying party in use, and whether WebAuthn is on: the settings' when
// WEBAUTHN_RP_ID is set; localhost in DEBUG; off otherwise.
func (s *Settings) WebAuthnRP() (WebAuthn, bool) {
	w := s.WebAuthn
	if w.RPID != "" {
		return w, true
	}
	if !s.Debug {
		return w, false
	}
	w.RPID = "localhost"
	if len(w.RPOrigins) == 0 {
		w.RPOrigins = []string{DebugWebAuthnOrigin}
	}
	return w, true
}

// validateWebAuthn refuses a relying party browsers would refuse: origins that are not
// secure contexts, or whose host is not the RP ID or under it.
func (s *Settings) validateWebAuthn() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: "+name+" "+format, args...))
	}
	if s.WebAuthn.StateLifetime <= 0 {
		bad("WEBAUTHN_STATE_LIFETIME", "must be positive")
	}
	if s.WebAuthn.RPID == "" && len(s.WebAuthn.RPOrigins) > 0 && !s.Debug {
		bad("WEBAUTHN_RP_ORIGINS", "needs WEBAUTHN_RP_ID")
	}
	w, on := s.WebAuthnRP()
	if !on {
		return errs
	}
	if w.RPName == "" {
		bad("WEBAUTHN_RP_NAME", "must be set")
	}
	id := strings.ToLower(w.RPID)
	if id != w.RPID || strings.ContainsAny(id, ":/ ") || net.ParseIP(id) != nil {
		bad("WEBAUTHN_RP_ID", "%q must be a lower-case domain name, without scheme, port or path", w.RPID)
	}
	if len(w.RPOrigins) == 0 {
		bad("WEBAUTHN_RP_ORIGINS", "must name at least one origin, such as https://%s", w.RPID)
	}
	for _, o := range w.RPOrigins {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			bad("WEBAUTHN_RP_ORIGINS", "has %q: want origins such as https://app.example.com", o)
			continue
		}
		host := u.Hostname()
		// Browsers run WebAuthn in secure contexts only: https, or http on localhost.
		if u.Scheme != "https" && !(u.Scheme == "http" && (host == "localhost" || strings.HasSuffix(host, ".localhost"))) {
			bad("WEBAUTHN_RP_ORIGINS", "has %q: WebAuthn needs https (or http on localhost)", o)
		}
		if host != id && !strings.HasSuffix(host, "."+id) {
			bad("WEBAUTHN_RP_ORIGINS", "has %q, whose host is neither WEBAUTHN_RP_ID %q nor under it", o, w.RPID)
		}
	}
	return errs
}
