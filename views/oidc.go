package views

import (
	"net/http"

	"ginrest/rest"
	"ginrest/socialaccount"
	"ginrest/tokenserializers"
)

// NewOIDCToken is POST /api/auth/<provider>/token/: an ID token (or an authorization code)
// of the provider in, ginrest's tokens out, as a login (tokenserializers.OIDCLogin).
// throttles, when given, replace the settings default (urls passes App.LoginThrottles).
func NewOIDCToken(jwt *tokenserializers.JWT, p *socialaccount.Provider, accounts *socialaccount.Accounts, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.OIDCLogin{JWT: jwt, Provider: p, Accounts: accounts}
	v := newTokenView("OIDC Token",
		"Takes an ID token of the "+p.Name+" OpenID Connect provider, or an authorization code to exchange\nfor one, and returns an access and refresh JSON web token pair for its user.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	v.Schema.Tags = []string{"auth"}
	v.Schema.Operations[http.MethodPost] = rest.Operation{
		Summary:     "Log in with " + p.Name + ": a refresh and an access token",
		Description: v.Description + loginMFA + "\n\nA 503 means the provider could not be reached; try again later.",
		Responses:   map[int]any{http.StatusOK: rest.OneOf{tokenserializers.Pair{}, tokenserializers.MFAStep{}}},
		Errors:      []int{http.StatusServiceUnavailable},
	}
	return v
}
