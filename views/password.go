package views

import (
	"net/http"

	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/tokenserializers"
)

// Password changes the caller's password: POST /api/auth/password/ with old_password and
// new_password. Every session of the user ends (REVOKE_ON_PASSWORD_CHANGE); the answer is
// a new token pair, so the caller stays logged in.
type Password struct {
	rest.APIView
	serializer tokenserializers.PasswordChange
	cookies    *Cookies // nil unless AUTH_COOKIE
}

var (
	_ rest.Poster          = (*Password)(nil)
	_ rest.ActionDescriber = (*Password)(nil)
)

// NewPassword builds the view; cookies nil unless AUTH_COOKIE.
func NewPassword(s tokenserializers.PasswordChange, cookies *Cookies, throttles ...rest.Throttle) *Password {
	return &Password{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated}, Throttles: throttles,
		Name: "Password Change", Description: "Changes the caller's password, ends their other sessions and returns a new token pair.",
		Schema: rest.Schema{Operations: map[string]rest.Operation{http.MethodPost: passwordOperation(cookies)}}},
		serializer: s, cookies: cookies}
}

func (v *Password) Describe(string) rest.Fields { return v.serializer.Describe() }

func (v *Password) Post(r *rest.Request) (*rest.Response, error) {
	if err := v.cookies.Check(r); err != nil { // it sets the cookies: another site must not
		return nil, err
	}
	pair, err := validateOwn(r, v.serializer.Validate)
	if err != nil {
		return nil, err
	}
	resp := rest.OK(pair)
	if v.cookies != nil {
		v.cookies.respond(resp)
	}
	return resp, nil
}

// passwordOperation is what the document says of a password change: a new token pair, or
// in cookie mode the access token alone (the refresh token goes to the cookie) and the
// CSRF check's 403.
func passwordOperation(cookies *Cookies) rest.Operation {
	if cookies != nil {
		return rest.Operation{Responses: map[int]any{http.StatusOK: Access{}}, Errors: []int{http.StatusForbidden}}
	}
	return rest.Operation{Responses: map[int]any{http.StatusOK: tokenserializers.Pair{}}}
}
