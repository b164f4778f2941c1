package views

import (
	"net/http"

	"ginrest/rest"
	"ginrest/tokenserializers"
)

// The sliding token views, simplejwt's TokenObtainSlidingView and TokenRefreshSlidingView;
// Name and Description are simplejwt's, as OPTIONS reports them.

// NewTokenObtainSliding is a login view too; throttles as for NewTokenObtainPair.
func NewTokenObtainSliding(jwt *tokenserializers.JWT, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.TokenObtainSliding{JWT: jwt}
	v := newTokenView("Token Obtain Sliding",
		"Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	v.Schema.Operations[http.MethodPost] = rest.Operation{
		Description: v.Description + loginMFA,
		Responses:   map[int]any{http.StatusOK: rest.OneOf{tokenserializers.Sliding{}, tokenserializers.MFAStep{}}},
	}
	return v
}

func NewTokenRefreshSliding(jwt *tokenserializers.JWT) rest.View {
	s := tokenserializers.TokenRefreshSliding{JWT: jwt}
	return newTokenView("Token Refresh Sliding",
		"Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.",
		s.Validate, s.Describe())
}
