// Package views holds the demo API's views: simplejwt's token views and a protected view.
// A view is a struct that embeds rest.APIView and answers the methods it implements.
package views

import (
	"context"
	"net/http"

	"ginrest/rest"
	"ginrest/tokenserializers"
)

// tokenView is simplejwt's TokenViewBase: it authenticates no one and allows anyone (the
// credentials are in the body), yet answers bad ones with a Bearer challenge.
type tokenView[T any] struct {
	rest.APIView
	validate func(ctx context.Context, data any) (T, error)
	fields   rest.Fields
}

func newTokenView[T any](name, description string, validate func(context.Context, any) (T, error), fields rest.Fields) *tokenView[T] {
	// What validate returns is the body: its type describes it in the document. A
	// validate that returns an interface (one body or another) says nothing by its type,
	// and its constructor declares the alternatives (rest.OneOf).
	var out T
	op := rest.Operation{}
	if any(out) != nil {
		op.Responses = map[int]any{http.StatusOK: out}
	}
	return &tokenView[T]{
		APIView: rest.APIView{
			Authenticators:  []rest.Authenticator{},
			Permissions:     []rest.Permission{},
			Name:            name,
			Description:     description,
			WWWAuthenticate: `Bearer realm="api"`,
			NoStore:         true, // tokens, or the refusal of one: RFC 6749 §5.1
			Schema:          rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{http.MethodPost: op}},
		},
		validate: validate,
		fields:   fields,
	}
}

func (v *tokenView[T]) Post(r *rest.Request) (*rest.Response, error) {
	data, err := r.Data()
	if err != nil {
		return nil, err
	}
	out, err := v.validate(r.Context(), data)
	if err != nil {
		return nil, err
	}
	return rest.OK(out), nil
}

// Describe lists the serializer's fields for OPTIONS.
func (v *tokenView[T]) Describe(string) rest.Fields { return v.fields }

// The token views: the Name and Description are simplejwt's class names and docstrings,
// which OPTIONS reports.

// NewTokenObtainPair is the login view; throttles, when given, replace the settings
// default (urls passes App.LoginThrottles, which count failed logins).
func NewTokenObtainPair(jwt *tokenserializers.JWT, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.TokenObtainPair{JWT: jwt}
	v := newTokenView("Token Obtain Pair",
		"Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	op := v.Schema.Operations[http.MethodPost]
	op.Summary = "Log in: a refresh and an access token"
	op.Description = v.Description + loginMFA
	op.Responses = map[int]any{http.StatusOK: rest.OneOf{tokenserializers.Pair{}, tokenserializers.MFAStep{}}}
	op.Examples = map[int]any{0: map[string]string{"username": "demo", "password": "SV5LNBVDY3RKXBAM"}}
	v.Schema.Operations[http.MethodPost] = op
	return v
}

// loginMFA is what the document adds to a login's description: its answer for a user with
// a confirmed TOTP device (docs/mfa.md).
const loginMFA = "\n\nFor a user with a confirmed TOTP device, the answer is `{\"mfa_required\": true, \"mfa_token\": ...}` " +
	"instead: send the mfa token with a code to /api/token/mfa/."

func NewTokenRefresh(jwt *tokenserializers.JWT) rest.View {
	s := tokenserializers.TokenRefresh{JWT: jwt}
	v := newTokenView("Token Refresh",
		"Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.",
		s.Validate, s.Describe())
	if jwt.RotateRefreshTokens {
		// ROTATE_REFRESH_TOKENS: a new refresh token comes with every access token, which
		// Refreshed's omitempty would leave optional.
		v.Schema.Operations[http.MethodPost] = rest.Operation{Responses: map[int]any{http.StatusOK: tokenserializers.Pair{}}}
	}
	return v
}

func NewTokenVerify(jwt *tokenserializers.JWT) rest.View {
	s := tokenserializers.TokenVerify{JWT: jwt}
	v := newTokenView("Token Verify",
		"Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
		s.Validate, s.Describe())
	// Its answer, {} or a refusal, holds no token or credential, which is what RFC 6749
	// §5.1 keeps from caches; simplejwt sends no cache headers at all. Verify is the token
	// view called on every request by services that check tokens remotely, and two more
	// headers cost it 1 kB and a larger header map to copy, per answer.
	v.NoStore = false
	return v
}

func NewTokenBlacklist(jwt *tokenserializers.JWT) rest.View {
	s := tokenserializers.TokenBlacklist{JWT: jwt}
	return newTokenView("Token Blacklist",
		"Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.",
		s.Validate, s.Describe())
}

var _ rest.Poster = (*tokenView[struct{}])(nil)
var _ rest.ActionDescriber = (*tokenView[struct{}])(nil)

// NewTokenMFA is the login's second step (tokenserializers.TokenMFA); throttles, when
// given, replace the settings default (urls passes App.MFAThrottles, which count wrong
// codes).
func NewTokenMFA(jwt *tokenserializers.JWT, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.TokenMFA{JWT: jwt}
	v := newTokenView("Token MFA",
		"Takes the mfa token of a login's first step and a code from the user's\nauthenticator app, or a recovery code, and returns what the login would have.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	// What the login of the mfa token's step would have given: a pair from /api/token/,
	// a sliding token from /api/token/sliding/.
	v.Schema.Operations[http.MethodPost] = rest.Operation{
		Responses: map[int]any{http.StatusOK: rest.OneOf{tokenserializers.Pair{}, tokenserializers.Sliding{}}},
	}
	return v
}
