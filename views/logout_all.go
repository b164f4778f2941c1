package views

import (
	"net/http"

	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/tokens"
)

// LogoutAll logs the caller out everywhere: POST /api/token/logout-all/ revokes every token
// issued to the user so far, access tokens included (with TOKEN_VERSION_CHECK; without it
// refresh tokens only). Those tokens then get 401 {"detail": "Token has been revoked.",
// "code": "token_revoked"}; the caller logs in again.
type LogoutAll struct {
	rest.APIView
	revoker *tokens.Revoker
	cookies *Cookies // nil unless AUTH_COOKIE
}

var _ rest.Poster = (*LogoutAll)(nil)

// NewLogoutAll builds the view; cookies nil unless AUTH_COOKIE.
func NewLogoutAll(revoker *tokens.Revoker, cookies *Cookies) *LogoutAll {
	return &LogoutAll{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Description: "Revokes every token of the caller: log out everywhere.",
		Schema: rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{
			http.MethodPost: {Responses: map[int]any{http.StatusOK: struct{}{}}},
		}}}, revoker: revoker, cookies: cookies}
}

func (v *LogoutAll) Post(r *rest.Request) (*rest.Response, error) {
	if err := v.cookies.Check(r); err != nil { // it clears the cookies: another site must not
		return nil, err
	}
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	if err := v.revoker.RevokeAll(r.Context(), user.ID, tokens.ReasonRevoked, nil); err != nil {
		return nil, err
	}
	resp := rest.OK(struct{}{})
	if v.cookies != nil {
		resp.Header = http.Header{}
		v.cookies.clear(resp.Header)
	}
	return resp, nil
}
