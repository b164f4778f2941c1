package tokenserializers

import (
	"ginrest/models"
	"ginrest/tokens"
)

// TokenFor is the refresh token a login would issue to user — the GetToken hook (or
// DefaultToken), then the user's token version — neither encoded nor recorded anywhere.
// apitest's ForceAuthenticate derives its access tokens from it, so a forced user's token
// carries exactly the claims of a real login's.
func (s *JWT) TokenFor(user *models.User) *tokens.Token { return s.tokenFor(user) }
