package authentication

import (
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/tokens"
)

// JWTStateless is simplejwt's JWTStatelessUserAuthentication: JWT's header and token
// steps, then a TokenUser made from the token's claims instead of a user loaded from the
// database. A request it authenticates with an access token costs no query, so a service
// that does not own the users (or cannot reach their table) can still authenticate; the
// price is that a user deleted or deactivated keeps access until the token expires.
type JWTStateless struct{ *JWT }

var _ rest.Authenticator = JWTStateless{}

// NewJWTStateless builds the authenticator from settings: JWT's, without a user store.
func NewJWTStateless(s *settings.Settings, backend *tokens.Backend) JWTStateless {
	return JWTStateless{NewJWT(s, backend, nil)}
}

// Authenticate claims requests whose Authorization header carries one of its types.
func (a JWTStateless) Authenticate(r *rest.Request) (rest.User, any, error) {
	token, err := a.Token(r)
	if token == nil || err != nil {
		return nil, nil, err
	}
	user, err := a.User(token)
	if err != nil {
		return nil, nil, err
	}
	return user, token, nil
}

// User is the token's user as the token describes it; the token must name one.
func (a JWTStateless) User(token *tokens.Token) (*TokenUser, error) {
	id, ok := a.Tokens.UserID(token)
	if !ok {
		return nil, InvalidToken("Token contained no recognizable user identification")
	}
	return &TokenUser{ID: id, Username: token.String("username"), Token: token}, nil
}
