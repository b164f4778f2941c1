package tokenserializers

import (
	"context"
	"errors"
	"net/http"

	"ginrest/audit"
	"ginrest/mfa"
	"ginrest/models"
	"ginrest/passkeys"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/tokens"
)

// JWT is what the token serializers share: the backend, the users, the blacklist (nil
// when the token_blacklist app is off) and simplejwt's settings that change their work.
type JWT struct {
	Tokens                 *tokens.Backend
	Users                  *models.Users
	Blacklist              *tokens.Blacklist
	UserIDField            string
	RotateRefreshTokens    bool
	BlacklistAfterRotation bool
	UpdateLastLogin        bool
	// GetToken makes the refresh token of a login: simplejwt's get_token(user), the one hook
	// for custom claims. Claims set on it flow into every access token derived from it, into
	// the refresh tokens rotation makes from it, and into the token of a sliding login.
	// Nil means DefaultToken: the user's id and nothing else.
	GetToken func(user *models.User) *tokens.Token
	// Versions, when set (TOKEN_VERSION_CHECK), stamps the user's token version on the
	// tokens of a login, and refresh and verify refuse a token whose version is stale.
	Versions *tokens.Versions
	// Families, when set (with the blacklist), keeps each login's refresh tokens in a
	// session, and revokes the session when a rotated token of it comes back.
	Families *tokens.Families
	// Audit logs the revocation of a session whose refresh token came back (reuse
	// detection); nil logs it to slog.Default().
	Audit *audit.Log
	// MFA, when set, makes the login of a user with a confirmed TOTP device a first step
	// (MFAStep) that TokenMFA completes; nil logs everyone in with the password alone.
	MFA *mfa.Devices
	// WebAuthn, when set (WEBAUTHN_RP_ID), makes the login of a user with a WebAuthn
	// credential a first step too, which WebAuthnMFAFinish completes.
	WebAuthn *passkeys.RP
}

// invalidToken is the view's `except TokenError as e: raise InvalidToken(e.args[0])`.
func invalidToken(err error) error {
	if te, ok := tokens.AsError(err); ok {
		return &rest.Error{Status: http.StatusUnauthorized, Detail: te.Message, Code: "token_not_valid"}
	}
	return err
}

// Pair is the body of a successful login.
type Pair struct {
	Refresh string `json:"refresh"`
	Access  string `json:"access"`
}

// TokenObtainPair is simplejwt's TokenObtainPairSerializer.
type TokenObtainPair struct{ *JWT }

var (
	usernameField = serializers.CharField{Name: "username", Label: "Username", Trim: true}
	passwordField = serializers.CharField{Name: "password", Label: "Password"}
)

// MsgNoActiveAccount is refused login's only message, whatever was wrong.
const MsgNoActiveAccount = "No active account found with the given credentials"

func (s TokenObtainPair) Describe() rest.Fields {
	return rest.Fields{usernameField.Describe(), passwordField.Describe()}
}

// Validate logs the user in and issues a refresh and an access token (a *Pair), or, when
// the user has a confirmed TOTP device, the first step of the login (an *MFAStep), which
// TokenMFA completes.
func (s TokenObtainPair) Validate(ctx context.Context, data any) (any, error) {
	user, err := s.authenticate(ctx, data)
	if err != nil {
		return nil, err
	}
	if step, err := s.mfaStep(ctx, user, loginPair); err != nil || step != nil {
		return step, err
	}
	return s.pairLogin(ctx, user)
}

// pairLogin is what a login does once the user has proven who they are: a pair in a new
// session, and last_login with UPDATE_LAST_LOGIN.
func (s *JWT) pairLogin(ctx context.Context, user *models.User) (*Pair, error) {
	pair, err := s.PairFor(ctx, user)
	if err != nil {
		return nil, err
	}
	if s.UpdateLastLogin {
		if err := s.Users.UpdateLastLogin(ctx, user); err != nil {
			return nil, err
		}
	}
	return pair, nil
}

// PairFor issues a refresh and an access token to a user who has proven who they are,
// the refresh token recorded as outstanding, in a new session.
func (s *JWT) PairFor(ctx context.Context, user *models.User) (*Pair, error) {
	refresh := s.tokenFor(user)
	if _, err := s.Tokens.Encode(refresh); err != nil {
		return nil, err
	}
	if err := s.recordLogin(ctx, refresh, user); err != nil {
		return nil, err
	}
	access, err := s.Tokens.Encode(s.Tokens.AccessFrom(refresh))
	if err != nil {
		return nil, err
	}
	return &Pair{Refresh: refresh.Raw, Access: access}, nil
}

// tokenFor is get_token(user): the GetToken hook, or DefaultToken; then the user's token
// version, which the hook cannot change.
func (s *JWT) tokenFor(user *models.User) *tokens.Token {
	var t *tokens.Token
	if s.GetToken != nil {
		t = s.GetToken(user)
	} else {
		t = DefaultToken(s.Tokens, s.UserIDField, user)
	}
	s.stampVersion(t, user)
	return t
}

// DefaultToken is RefreshToken.for_user: a refresh token naming the user by USER_ID_FIELD.
func DefaultToken(backend *tokens.Backend, userIDField string, user *models.User) *tokens.Token {
	if userIDField == "username" {
		return backend.ForUser(user.Username)
	}
	return backend.ForUser(user.ID)
}

// Refreshed is the body of a successful refresh; Refresh is set when tokens rotate.
type Refreshed struct {
	Access  string `json:"access"`
	Refresh string `json:"refresh,omitempty"`
}

// TokenRefresh is simplejwt's TokenRefreshSerializer, which also refuses a token whose user
// was deleted or deactivated (simplejwt 5.4, CVE-2024-22513).
type TokenRefresh struct{ *JWT }

var (
	refreshField = serializers.CharField{Name: "refresh", Label: "Refresh", Trim: true}
	accessField  = serializers.CharField{Name: "access", Label: "Access", ReadOnly: true}
)

// MsgNoActiveAccountForToken is the refusal of a refresh token whose user cannot log in.
const MsgNoActiveAccountForToken = "No active account found for the given token."

func (s TokenRefresh) Describe() rest.Fields {
	return rest.Fields{refreshField.Describe(), accessField.Describe()}
}

// Validate issues a new access token, and with rotation a new refresh token while
// blacklisting the old one.
func (s TokenRefresh) Validate(ctx context.Context, data any) (*Refreshed, error) {
	raw, err := readOne(data, refreshField)
	if err != nil {
		return nil, err
	}
	refresh, err := s.Tokens.Parse(raw, tokens.Refresh)
	if err != nil {
		return nil, invalidToken(err)
	}
	// simplejwt looks the token up in the blacklist first. When the rotation blacklists it
	// (BLACKLIST_AFTER_ROTATION), the rotation's own statement refuses a blacklisted token
	// in the transaction that blacklists it, so the lookup is left to the refusals that it
	// would have come before: it is not made for every refresh, and every answer is the same.
	checkFirst := s.Blacklist != nil && !(s.RotateRefreshTokens && s.BlacklistAfterRotation)
	if checkFirst {
		if err := s.Blacklist.Check(ctx, refresh); err != nil {
			return nil, s.refused(ctx, refresh, err)
		}
	}
	// A rotation that writes guards its commit on the user (JWT.rotate), so the user can
	// come from the request-user cache, which saves a query on every refresh. A copy that
	// refuses the token, or that the guard finds out of date, is read again from the
	// database, which then decides, as it does without a cache.
	guarded := s.rotationGuarded()
	source := fromDatabase
	if guarded {
		source = fromCache
	}
	user, err := s.user(ctx, refresh, checkFirst, source)
	if err != nil {
		return nil, err
	}
	access, err := s.Tokens.Encode(s.Tokens.AccessFrom(refresh))
	if err != nil {
		return nil, err
	}
	out := &Refreshed{Access: access}
	if !s.RotateRefreshTokens {
		return out, nil
	}
	next := &tokens.Token{Type: tokens.Refresh, Claims: make(map[string]any, len(refresh.Claims))}
	for k, v := range refresh.Claims {
		next.Claims[k] = v
	}
	s.Tokens.Renew(next)
	if s.Families != nil {
		s.Families.Continue(refresh, next) // next's jti names refresh's session
	}
	if out.Refresh, err = s.Tokens.Encode(next); err != nil {
		return nil, err
	}
	var guard *models.User
	if guarded {
		guard = user
	}
	err = s.rotate(ctx, refresh, next, user, guard)
	if errors.Is(err, models.ErrUserChanged) {
		if user, err = s.user(ctx, refresh, checkFirst, reloadCache); err != nil {
			return nil, err
		}
		err = s.rotate(ctx, refresh, next, user, nil)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Where a refresh reads its user from.
type userSource int

const (
	fromDatabase userSource = iota
	fromCache               // the request-user cache's copy, if it lets the token pass
	reloadCache             // the database, replacing the cache's copy
)

// user is the user a refresh token names, if the token may be refreshed for it: the user
// exists, is active and is at the token's version. A copy from the cache that refuses the
// token is read again from the database (replacing the cache's), which decides.
func (s TokenRefresh) user(ctx context.Context, refresh *tokens.Token, checkFirst bool, source userSource) (*models.User, error) {
	claim, _ := s.Tokens.UserID(refresh)
	var user *models.User
	var err error
	if source == fromCache {
		user, err = s.Users.ForRequest(ctx, s.UserIDField, claim)
		if err == nil && user.IsActive && (s.Versions == nil || s.Versions.Accepts(refresh, user)) {
			return user, nil
		}
		if err != nil && !errors.Is(err, models.ErrNotFound) {
			return nil, err
		}
		source = reloadCache
	}
	if source == reloadCache {
		user, err = s.Users.ReloadForRequest(ctx, s.UserIDField, claim)
	} else {
		user, err = s.Users.ByClaim(ctx, s.UserIDField, claim)
	}
	if errors.Is(err, models.ErrNotFound) || (err == nil && !user.IsActive) {
		return nil, s.blacklistedFirst(ctx, refresh, checkFirst, rest.AuthenticationFailed(MsgNoActiveAccountForToken))
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkVersion(ctx, refresh, user); err != nil {
		return nil, s.blacklistedFirst(ctx, refresh, checkFirst, err)
	}
	return user, nil
}

// blacklistedFirst is the refusal of a refresh token for its user, err, unless the token
// is blacklisted, which simplejwt says first; checked says the lookup was made already.
func (s TokenRefresh) blacklistedFirst(ctx context.Context, refresh *tokens.Token, checked bool, err error) error {
	if checked || s.Blacklist == nil {
		return err
	}
	if berr := s.Blacklist.Check(ctx, refresh); berr != nil {
		return s.refused(ctx, refresh, berr)
	}
	return err
}

// TokenVerify is simplejwt's TokenVerifySerializer: any type of token, signature, times and
// id, and not blacklisted.
type TokenVerify struct{ *JWT }

var tokenField = serializers.CharField{Name: "token", Label: "Token", Trim: true}

func (s TokenVerify) Describe() rest.Fields { return rest.Fields{tokenField.Describe()} }

// MsgBlacklisted is the verify endpoint's 400 for a blacklisted token.
const MsgBlacklisted = tokens.MsgBlacklisted

func (s TokenVerify) Validate(ctx context.Context, data any) (struct{}, error) {
	raw, err := readOne(data, tokenField)
	if err != nil {
		return struct{}{}, err
	}
	token, err := s.Tokens.ParseUntyped(raw)
	if err != nil {
		return struct{}{}, invalidToken(err)
	}
	if token.Type == tokens.MFA {
		// Verify tells a client whether it holds a credential; an mfa token is half a
		// login, and a client told "valid" might take itself for logged in.
		return struct{}{}, invalidToken(&tokens.Error{Message: tokens.MsgWrongType})
	}
	if s.Blacklist != nil {
		// An access token is never outstanding: neither simplejwt (its AccessToken has no
		// BlacklistMixin) nor ginrest records one, so no blacklist row can name it, in any
		// process, and its lookup is answered without the database. Other tokens are looked
		// up, as simplejwt does. The version check reads the user as an authenticated
		// request does, from the cache: so verifying an access token costs no query.
		if token.Type != tokens.Access {
			if err := s.Blacklist.Check(ctx, token); err != nil {
				if _, ok := tokens.AsError(err); ok {
					return struct{}{}, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgBlacklisted}})
				}
				return struct{}{}, err
			}
		}
		if err := s.checkVersionOf(ctx, token, true); err != nil {
			return struct{}{}, err
		}
	}
	return struct{}{}, nil
}

// TokenBlacklist is simplejwt's TokenBlacklistSerializer: logout.
type TokenBlacklist struct{ *JWT }

func (s TokenBlacklist) Describe() rest.Fields { return rest.Fields{refreshField.Describe()} }

func (s TokenBlacklist) Validate(ctx context.Context, data any) (struct{}, error) {
	raw, err := readOne(data, refreshField)
	if err != nil {
		return struct{}{}, err
	}
	refresh, err := s.Tokens.Parse(raw, tokens.Refresh)
	if err != nil {
		return struct{}{}, invalidToken(err)
	}
	// Add refuses a token already blacklisted, in the same statement that blacklists it.
	if err := s.logout(ctx, refresh); err != nil {
		return struct{}{}, s.refused(ctx, refresh, err)
	}
	return struct{}{}, nil
}

func readOne(data any, f serializers.CharField) (string, error) {
	obj, err := serializers.Object(data)
	if err != nil {
		return "", err
	}
	errs := serializers.Errors{}
	v, _ := f.Read(obj, errs)
	return v, errs.Err()
}
