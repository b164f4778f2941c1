package settings

import (
	"fmt"
	"slices"
	"strings"
)

// AuthTokenClassNames are the values AUTH_TOKEN_CLASSES accepts: simplejwt's token classes
// that authenticate a request.
var AuthTokenClassNames = []string{"AccessToken", "SlidingToken"}

// tokenClassPrefix is the module path of simplejwt's token classes: a list copied from a
// Django settings file ("rest_framework_simplejwt.tokens.AccessToken") names the same class.
const tokenClassPrefix = "rest_framework_simplejwt.tokens."

// TokenClasses is AUTH_TOKEN_CLASSES with simplejwt's module path taken off each name.
func (j SimpleJWT) TokenClasses() []string {
	names := make([]string, len(j.AuthTokenClasses))
	for i, name := range j.AuthTokenClasses {
		names[i] = strings.TrimPrefix(name, tokenClassPrefix)
	}
	return names
}

// validateSliding checks AUTH_TOKEN_CLASSES and the sliding token settings.
func (j SimpleJWT) validateSliding() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	if len(j.AuthTokenClasses) == 0 {
		bad("AUTH_TOKEN_CLASSES", "must name at least one token class (%s)", strings.Join(AuthTokenClassNames, ", "))
	}
	for _, name := range j.TokenClasses() {
		if !slices.Contains(AuthTokenClassNames, name) {
			bad("AUTH_TOKEN_CLASSES", "has %q, not a token class that authenticates (%s)", name, strings.Join(AuthTokenClassNames, ", "))
		}
	}
	if j.SlidingTokenLifetime <= 0 {
		bad("SLIDING_TOKEN_LIFETIME", "must be positive")
	}
	if j.SlidingTokenRefreshLifetime <= 0 {
		bad("SLIDING_TOKEN_REFRESH_LIFETIME", "must be positive")
	}
	// The claim is written beside the others: it must not replace one of them.
	switch claim := j.SlidingTokenRefreshExpClaim; claim {
	case "":
		bad("SLIDING_TOKEN_REFRESH_EXP_CLAIM", "must be set")
	case "exp", "iat", "nbf", "jti", "aud", "iss", j.TokenTypeClaim, j.JTIClaim, j.UserIDClaim:
		bad("SLIDING_TOKEN_REFRESH_EXP_CLAIM", "%q is already another claim", claim)
	}
	return errs
}
