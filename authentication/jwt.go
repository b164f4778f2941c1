package authentication

import (
	"context"
	"errors"
	"net/http"

	"ginrest/models"
	"ginrest/rest"
	"ginrest/settings"
	"ginrest/tokens"
)

// JWT is simplejwt's JWTAuthentication: a pipeline of small steps, header → raw token →
// validated token → user, each a method a project can wrap.
type JWT struct {
	Tokens *tokens.Backend
	Users  *models.Users
	// HeaderName is the HTTP header read (AUTH_HEADER_NAME, as a header name).
	HeaderName string
	// HeaderTypes are the accepted first words (AUTH_HEADER_TYPES); the first one is the
	// WWW-Authenticate challenge.
	HeaderTypes []string
	// TokenTypes are the token types accepted (AUTH_TOKEN_CLASSES).
	TokenTypes []tokens.Type
	// Blacklist, when set, refuses blacklisted tokens of the types that can be blacklisted
	// (a sliding token), as simplejwt's BlacklistMixin does; access tokens are never looked up.
	Blacklist *tokens.Blacklist
	// AllowInactive lets inactive users authenticate with their tokens
	// (CHECK_USER_IS_ACTIVE=false); the zero value checks, as simplejwt does by default.
	AllowInactive bool
	// Versions, when set (TOKEN_VERSION_CHECK), refuses a token issued before its user's
	// tokens were revoked (log out everywhere, a password change). The version is loaded
	// with the user, so it costs no query; like the user, it may be USER_CACHE_TTL old,
	// except that a token newer than the cached copy makes User read the user again.
	Versions *tokens.Versions
	// UserIDField is the auth_user column the user claim names (USER_ID_FIELD).
	UserIDField string
	// Realm is the realm of the challenge, "api" as simplejwt's.
	Realm string

	challenge string
	headerKey string // HeaderName in net/http's canonical form, computed once
}

var _ rest.Authenticator = (*JWT)(nil)

// NewJWT builds the authenticator from settings.
func NewJWT(s *settings.Settings, backend *tokens.Backend, users *models.Users) *JWT {
	a := &JWT{
		Tokens: backend, Users: users, HeaderName: s.JWT.HeaderName(), HeaderTypes: s.JWT.AuthHeaderTypes,
		UserIDField: s.JWT.UserIDField, Realm: "api", AllowInactive: !s.JWT.CheckUserIsActive,
	}
	for _, class := range s.JWT.TokenClasses() {
		if t, ok := tokens.TypeOfClass(class); ok { // Validate refuses any other name
			a.TokenTypes = append(a.TokenTypes, t)
		}
	}
	a.Versions = tokens.VersionsFor(s, users)
	a.challenge = a.HeaderTypes[0] + ` realm="` + a.Realm + `"`
	a.headerKey = http.CanonicalHeaderKey(a.HeaderName)
	return a
}

// AuthenticateHeader is the challenge sent with a 401.
func (a *JWT) AuthenticateHeader(*rest.Request) string { return a.challenge }

// Authenticate claims requests whose Authorization header carries one of its types.
func (a *JWT) Authenticate(r *rest.Request) (rest.User, any, error) {
	token, err := a.Token(r)
	if token == nil || err != nil {
		return nil, nil, err
	}
	user, err := a.User(r, token)
	if err != nil {
		return nil, nil, err
	}
	return user, token, nil
}

// Token is the request's validated token: nil and no error when the request carries no
// credentials of this authenticator's kind.
func (a *JWT) Token(r *rest.Request) (*tokens.Token, error) {
	key := a.headerKey
	if key == "" { // a JWT built as a literal rather than by NewJWT
		key = http.CanonicalHeaderKey(a.HeaderName)
	}
	values := r.HTTP.Header[key]
	if len(values) == 0 {
		return nil, nil
	}
	raw, ok, err := RawToken(values[0], a.HeaderTypes)
	if err != nil || !ok {
		return nil, err
	}
	return a.ValidatedToken(r.Context(), raw)
}

// tokenMessage is one entry of simplejwt's "messages".
type tokenMessage struct {
	TokenClass string `json:"token_class"`
	TokenType  string `json:"token_type"`
	Message    string `json:"message"`
}

// ValidatedToken tries each accepted token type and reports why each refused.
func (a *JWT) ValidatedToken(ctx context.Context, raw string) (*tokens.Token, error) {
	var messages []tokenMessage // made on the first refusal: a valid token needs none
	for _, t := range a.TokenTypes {
		token, err := a.Tokens.Parse(raw, t)
		if err == nil && a.Blacklist != nil && t.Blacklistable() {
			err = a.Blacklist.Check(ctx, token)
		}
		if err == nil {
			return token, nil
		}
		te, ok := tokens.AsError(err)
		if !ok {
			return nil, err
		}
		if messages == nil {
			messages = make([]tokenMessage, 0, len(a.TokenTypes))
		}
		messages = append(messages, tokenMessage{TokenClass: t.Class, TokenType: t.Name, Message: te.Message})
	}
	if messages == nil { // no accepted type at all: rendered "messages": [], not null
		messages = []tokenMessage{}
	}
	return nil, &rest.Error{Status: http.StatusUnauthorized, Detail: "Given token not valid for any token type", Code: "token_not_valid", Messages: messages}
}

// User loads the token's user: it must exist and, unless AllowInactive, be active.
func (a *JWT) User(r *rest.Request, token *tokens.Token) (*models.User, error) {
	claim, ok := a.Tokens.UserID(token)
	if !ok {
		return nil, InvalidToken("Token contained no recognizable user identification")
	}
	user, err := a.Users.ForRequest(r.Context(), a.UserIDField, claim)
	if err == nil && a.Versions != nil && a.Versions.Newer(token, user) {
		// The cached copy of the user predates the token: another instance bumped the
		// version and issued it since. Read the user again rather than refuse the token.
		user, err = a.Users.ReloadForRequest(r.Context(), a.UserIDField, claim)
	}
	if errors.Is(err, models.ErrNotFound) {
		return nil, &rest.Error{Status: http.StatusUnauthorized, Detail: "User not found", Code: "user_not_found"}
	}
	if err != nil {
		return nil, err
	}
	if !user.IsActive && !a.AllowInactive {
		return nil, &rest.Error{Status: http.StatusUnauthorized, Detail: "User is inactive", Code: "user_inactive"}
	}
	if a.Versions != nil {
		if err := a.Versions.Check(r.Context(), token, user); err != nil {
			return nil, err
		}
	}
	return user, nil
}

// InvalidToken is simplejwt's InvalidToken with a plain message: 401, code token_not_valid.
func InvalidToken(detail string) *rest.Error {
	return &rest.Error{Status: http.StatusUnauthorized, Detail: detail, Code: "token_not_valid"}
}
