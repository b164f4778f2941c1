package socialaccount

import (
	"encoding/json"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
)

// Identity is who a verified ID token says the user is.
type Identity struct {
	Issuer, Subject string
	Email           string
	// EmailVerified is the email_verified claim; some providers send it as a string.
	EmailVerified     bool
	PreferredUsername string
	GivenName         string
	FamilyName        string
	// Claims are all the token's claims, as JSON: the link's extra_data.
	Claims json.RawMessage
}

func identityOf(tok *oidc.IDToken) (*Identity, error) {
	var c struct {
		Email             string `json:"email"`
		EmailVerified     any    `json:"email_verified"`
		PreferredUsername string `json:"preferred_username"`
		GivenName         string `json:"given_name"`
		FamilyName        string `json:"family_name"`
	}
	var raw json.RawMessage
	if err := tok.Claims(&raw); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, invalid(MsgIDTokenInvalid)
	}
	verified := c.EmailVerified == true || c.EmailVerified == "true"
	return &Identity{Issuer: tok.Issuer, Subject: tok.Subject, Email: strings.TrimSpace(c.Email), EmailVerified: verified,
		PreferredUsername: c.PreferredUsername, GivenName: c.GivenName, FamilyName: c.FamilyName, Claims: raw}, nil
}

// Domain is the email's domain, lower-cased; empty for no email.
func (i *Identity) Domain() string {
	at := strings.LastIndexByte(i.Email, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(i.Email[at+1:])
}
