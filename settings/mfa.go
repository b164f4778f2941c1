package settings

import (
	"fmt"
	"strings"
	"time"
)

// MFA is the second factor on login: TOTP devices (RFC 6238) and the short-lived token
// that carries a login from its password step to its code step.
type MFA struct {
	// Issuer is the name an authenticator app shows beside the account (MFA_ISSUER): the
	// issuer of the otpauth:// URI.
	Issuer string
	// TokenLifetime is how long the mfa token of a login's first step can be exchanged
	// for tokens (MFA_TOKEN_LIFETIME): long enough to open an app and type six digits,
	// short enough that a stolen one is soon worthless.
	TokenLifetime time.Duration
	// RecoveryCodes is how many single-use recovery codes a confirmed device comes with
	// (MFA_RECOVERY_CODES).
	RecoveryCodes int
}

// validateMFA refuses an issuer an authenticator app would misread and lifetimes and
// counts that cannot work.
func (s *Settings) validateMFA() []error {
	var errs []error
	m := s.MFA
	// The otpauth:// label is "issuer:account": a colon in the issuer would move the split.
	if m.Issuer == "" || strings.Contains(m.Issuer, ":") {
		errs = append(errs, fmt.Errorf("settings: MFA_ISSUER %q must be set and have no colon", m.Issuer))
	}
	if m.TokenLifetime <= 0 {
		errs = append(errs, fmt.Errorf("settings: MFA_TOKEN_LIFETIME must be positive"))
	}
	if m.RecoveryCodes < 0 || m.RecoveryCodes > 100 {
		errs = append(errs, fmt.Errorf("settings: MFA_RECOVERY_CODES must be between 0 and 100"))
	}
	return errs
}
