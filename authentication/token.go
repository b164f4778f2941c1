package authentication

import (
	"errors"
	"strings"
	"unicode/utf8"

	"ginrest/models"
	"ginrest/rest"
)

// DRF's TokenAuthentication messages.
const (
	MsgTokenNoCredentials = "Invalid token header. No credentials provided."
	MsgTokenSpaces        = "Invalid token header. Token string should not contain spaces."
	MsgTokenBadCharacters = "Invalid token header. Token string should not contain invalid characters."
	MsgInvalidToken       = "Invalid token."
)

// Token is DRF's TokenAuthentication: Authorization: Token <key>, a key of DRF's
// authtoken_token table (models.AuthToken; the drf_create_token command makes one). The
// key is looked up on every request, so deleting it ends it at once; the user is loaded
// as JWT loads it (within USER_CACHE_TTL). What vouched, Request.Auth, is the
// *models.AuthToken.
type Token struct {
	Tokens *models.AuthTokens
	Users  *models.Users
	// Keyword is the scheme and the challenge, DRF's keyword ("Token"; some use "Bearer").
	Keyword string
}

var _ rest.Authenticator = (*Token)(nil)

// NewToken is TokenAuthentication over the tables of users.
func NewToken(tokens *models.AuthTokens, users *models.Users) *Token {
	return &Token{Tokens: tokens, Users: users, Keyword: "Token"}
}

// AuthenticateHeader is DRF's keyword alone: "Token".
func (a *Token) AuthenticateHeader(*rest.Request) string { return a.Keyword }

// Authenticate claims requests whose Authorization scheme is the keyword, in any case.
func (a *Token) Authenticate(r *rest.Request) (rest.User, any, error) {
	auth := words(r.HTTP.Header.Get("Authorization"))
	if len(auth) == 0 || !strings.EqualFold(auth[0], a.Keyword) {
		return nil, nil, nil
	}
	switch {
	case len(auth) == 1:
		return nil, nil, rest.AuthenticationFailed(MsgTokenNoCredentials)
	case len(auth) > 2:
		return nil, nil, rest.AuthenticationFailed(MsgTokenSpaces)
	case !utf8.ValidString(auth[1]):
		return nil, nil, rest.AuthenticationFailed(MsgTokenBadCharacters)
	}
	ctx := r.Context()
	token, err := a.Tokens.ByKey(ctx, auth[1])
	if errors.Is(err, models.ErrNoAuthToken) {
		return nil, nil, rest.AuthenticationFailed(MsgInvalidToken)
	}
	if err != nil {
		return nil, nil, err
	}
	user, err := a.Users.ForRequest(ctx, "id", token.UserID)
	if errors.Is(err, models.ErrNotFound) {
		// The database cascades a user's deletion to their token; a user deleted between
		// the two reads is "deleted".
		return nil, nil, rest.AuthenticationFailed(MsgUserInactiveDeleted)
	}
	if err != nil {
		return nil, nil, err
	}
	if !user.IsActive {
		return nil, nil, rest.AuthenticationFailed(MsgUserInactiveDeleted)
	}
	return user, token, nil
}
