package authentication

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"ginrest/models"
	"ginrest/rest"
)

// DRF's BasicAuthentication messages.
const (
	MsgBasicNoCredentials  = "Invalid basic header. No credentials provided."
	MsgBasicSpaces         = "Invalid basic header. Credentials string should not contain spaces."
	MsgBasicBadBase64      = "Invalid basic header. Credentials not correctly base64 encoded."
	MsgInvalidCredentials  = "Invalid username/password."
	MsgUserInactiveDeleted = "User inactive or deleted."
)

// Basic is DRF's BasicAuthentication: Authorization: Basic base64(username:password),
// checked as a login is (models.Users.Authenticate: the hashing queue, and the same cost
// for an unknown user as for a wrong password). Every request hashes the password, at
// PASSWORD_ITERATIONS: fit for scripts and tests, costly for a busy client, which should
// trade the password for a token once. Failed attempts are not login-throttled; give the
// views that accept it a throttle.
type Basic struct {
	Users *models.Users
	// Realm is the challenge's realm, DRF's www_authenticate_realm ("api").
	Realm string
}

var _ rest.Authenticator = (*Basic)(nil)

// NewBasic is BasicAuthentication over users, with DRF's realm.
func NewBasic(users *models.Users) *Basic { return &Basic{Users: users, Realm: "api"} }

// AuthenticateHeader is DRF's 'Basic realm="api"'.
func (a *Basic) AuthenticateHeader(*rest.Request) string { return `Basic realm="` + a.Realm + `"` }

// Authenticate claims requests whose Authorization scheme is Basic, in any case.
func (a *Basic) Authenticate(r *rest.Request) (rest.User, any, error) {
	auth := words(r.HTTP.Header.Get("Authorization"))
	if len(auth) == 0 || !strings.EqualFold(auth[0], "basic") {
		return nil, nil, nil
	}
	switch {
	case len(auth) == 1:
		return nil, nil, rest.AuthenticationFailed(MsgBasicNoCredentials)
	case len(auth) > 2:
		return nil, nil, rest.AuthenticationFailed(MsgBasicSpaces)
	}
	raw, err := base64.StdEncoding.DecodeString(auth[1])
	if err != nil {
		return nil, nil, rest.AuthenticationFailed(MsgBasicBadBase64)
	}
	// DRF decodes UTF-8, and failing that Latin-1, where each byte is its code point.
	decoded := string(raw)
	if !utf8.Valid(raw) {
		runes := make([]rune, len(raw))
		for i, b := range raw {
			runes[i] = rune(b)
		}
		decoded = string(runes)
	}
	username, password, _ := strings.Cut(decoded, ":")
	user, err := a.Users.Authenticate(r.Context(), username, password)
	if err != nil {
		return nil, nil, err // a 503 from the hashing queue, a database error
	}
	if user == nil {
		// Django's ModelBackend also refuses an inactive user here, so "User inactive or
		// deleted." is never reached with it, in DRF as here.
		return nil, nil, rest.AuthenticationFailed(MsgInvalidCredentials)
	}
	if !user.IsActive {
		return nil, nil, rest.AuthenticationFailed(MsgUserInactiveDeleted)
	}
	return user, nil, nil
}
