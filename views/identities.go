package views

import (
	"net/http"

	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/socialaccount"
)

// Identities lists the caller's identities at OpenID Connect providers:
// GET /api/auth/identities/ (docs/oidc.md), allauth's connections page as JSON.
type Identities struct {
	rest.APIView
	accounts  *socialaccount.Accounts
	providers []*socialaccount.Provider
}

var _ rest.Getter = (*Identities)(nil)

// NewIdentities builds the view; providers name the identities' issuers.
func NewIdentities(accounts *socialaccount.Accounts, providers []*socialaccount.Provider) *Identities {
	return &Identities{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Description: "Lists the caller's identities at OpenID Connect providers.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: []socialaccount.Link{}}},
		}}}, accounts: accounts, providers: providers}
}

func (v *Identities) Get(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	links, err := v.accounts.Links(r.Context(), user.ID, v.providers)
	if err != nil {
		return nil, err
	}
	return rest.OK(links), nil
}

// Identity unlinks one of the caller's identities: DELETE /api/auth/identities/<id>/,
// refused (400) when it is the only way the caller signs in. Another user's identity is a
// 404, as is one that does not exist.
type Identity struct {
	rest.APIView
	accounts *socialaccount.Accounts
	cookies  *Cookies // nil unless AUTH_COOKIE
}

var _ rest.Deleter = (*Identity)(nil)

// NewIdentity builds the view; cookies nil unless AUTH_COOKIE.
func NewIdentity(accounts *socialaccount.Accounts, cookies *Cookies) *Identity {
	return &Identity{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Description: "Unlinks one of the caller's identities at OpenID Connect providers, unless it is the only way they sign in.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodDelete: {Detail: true, Errors: []int{http.StatusBadRequest}},
		}}}, accounts: accounts, cookies: cookies}
}

func (v *Identity) Delete(r *rest.Request) (*rest.Response, error) {
	return deleteOwn(r, v.cookies, socialaccount.ErrNoLink, v.accounts.Unlink)
}
