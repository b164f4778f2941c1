package views

import (
	"ginrest/rest"
	"ginrest/serializers"
)

// The sliding token views, simplejwt's TokenObtainSlidingView and TokenRefreshSlidingView;
// Name and Description are simplejwt's, as OPTIONS reports them.

// NewTokenObtainSliding is a login view too; throttles as for NewTokenObtainPair.
func NewTokenObtainSliding(jwt *serializers.JWT, throttles ...rest.Throttle) rest.View {
	s := serializers.TokenObtainSliding{JWT: jwt}
	v := newTokenView("Token Obtain Sliding",
		"Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	return v
}

func NewTokenRefreshSliding(jwt *serializers.JWT) rest.View {
	s := serializers.TokenRefreshSliding{JWT: jwt}
	return newTokenView("Token Refresh Sliding",
		"Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.",
		s.Validate, s.Describe())
}
