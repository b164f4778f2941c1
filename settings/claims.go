package settings

import "fmt"

// registeredClaims are the claims the token backend writes or checks itself: the times,
// and aud and iss, which AUDIENCE and ISSUER put into every token it encodes. A claim
// setting naming one of them would be overwritten, or would make every token invalid.
var registeredClaims = []string{"exp", "iat", "nbf", "aud", "iss"}

// validateClaimNames refuses USER_ID_CLAIM, TOKEN_TYPE_CLAIM and JTI_CLAIM that name the
// same claim as each other or as a registered one: the server would write one value over
// another and then refuse the tokens it issued, at the client's first request.
func (j SimpleJWT) validateClaimNames() []error {
	var errs []error
	settings := []struct{ name, claim string }{
		{"USER_ID_CLAIM", j.UserIDClaim}, {"TOKEN_TYPE_CLAIM", j.TokenTypeClaim}, {"JTI_CLAIM", j.JTIClaim},
	}
	if j.CheckRevokeToken {
		settings = append(settings, struct{ name, claim string }{"REVOKE_TOKEN_CLAIM", j.RevokeTokenClaim})
	}
	for i, s := range settings {
		if s.claim == "" {
			continue // "must be set" is reported by Validate
		}
		for _, r := range registeredClaims {
			if s.claim == r {
				errs = append(errs, fmt.Errorf("settings: %s %q is a registered claim the backend writes itself (%v)", s.name, s.claim, registeredClaims))
			}
		}
		for _, other := range settings[:i] {
			if s.claim == other.claim {
				errs = append(errs, fmt.Errorf("settings: %s and %s both name the claim %q", other.name, s.name, s.claim))
			}
		}
	}
	return errs
}
