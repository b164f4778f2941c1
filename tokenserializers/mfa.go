package tokenserializers

import (
	"context"
	"errors"
	"net/http"

	"ginrest/mfa"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/tokens"
)

// A login of a user with a confirmed TOTP device takes two requests. The password step
// (TokenObtainPair, TokenObtainSliding) answers 200 with an MFAStep instead of tokens;
// TokenMFA takes its mfa token and a code and finishes the login that step began, down the
// same path as a login without a device (sessions, token versions, the GetToken hook,
// last_login).

// MFAStep is the answer to a right password when a code is needed too. The status is 200,
// not 401: the password was right, and a client tells the two answers apart by
// mfa_required.
type MFAStep struct {
	MFARequired bool   `json:"mfa_required"`
	MFAToken    string `json:"mfa_token"`
}

// mfaLoginClaim says which login the mfa token continues: a pair or a sliding token.
const mfaLoginClaim = "mfa_login"

const (
	loginPair    = "pair"
	loginSliding = "sliding"
)

// secondFactor says whether the user has a confirmed TOTP device or a WebAuthn credential.
func (s *JWT) secondFactor(ctx context.Context, userID int64) (bool, error) {
	if s.MFA != nil {
		if required, err := s.MFA.Required(ctx, userID); err != nil || required {
			return required, err
		}
	}
	if s.WebAuthn != nil {
		return s.WebAuthn.Required(ctx, userID)
	}
	return false, nil
}

// mfaStep is the first step of a login for a user with a confirmed device or a WebAuthn
// credential, nil for anyone else. Its token names the user as a refresh token would, carries their token
// version (a password change between the steps ends the login), and lives
// MFA_TOKEN_LIFETIME.
func (s *JWT) mfaStep(ctx context.Context, user *models.User, login string) (*MFAStep, error) {
	required, err := s.secondFactor(ctx, user.ID)
	if err != nil || !required {
		return nil, err
	}
	t := s.Tokens.New(tokens.MFA)
	claim := DefaultToken(s.Tokens, s.UserIDField, user)
	id, _ := s.Tokens.UserID(claim)
	t.Set(s.Tokens.Config().UserIDClaim, id)
	t.Set(mfaLoginClaim, login)
	s.stampVersion(t, user)
	if _, err := s.Tokens.Encode(t); err != nil {
		return nil, err
	}
	return &MFAStep{MFARequired: true, MFAToken: t.Raw}, nil
}

// TokenMFA is the login's second step: POST /api/token/mfa/ with the mfa token and a
// code from the user's app, or one of their recovery codes.
type TokenMFA struct{ *JWT }

var (
	mfaTokenField     = serializers.CharField{Name: "mfa_token", Label: "Mfa token", Trim: true}
	codeField         = serializers.CharField{Name: "code", Label: "Code", Trim: true, Optional: true}
	recoveryCodeField = serializers.CharField{Name: "recovery_code", Label: "Recovery code", Trim: true, Optional: true}
)

// The messages of a refused second factor.
const (
	MsgCodeInvalid         = "The code is not valid."
	MsgCodeUsed            = "This code has already been used. Wait for the next one."
	MsgRecoveryCodeInvalid = "The recovery code is not valid or has already been used."
	MsgCodeOrRecovery      = "Give either a code or a recovery code, not both."
	MsgMFANotEnabled       = "Two-factor authentication is not enabled for this account."
	// MsgDeviceUnreadable: the device's secret opens with no key (SECRET_KEY changed
	// without SECRET_KEY_FALLBACKS), so no code can be checked.
	MsgDeviceUnreadable = "Codes from this authenticator can no longer be checked. Use a recovery code, or ask an administrator to reset two-factor authentication."
	MsgMFATokenUsed     = "Token has already been used"
)

func (s TokenMFA) Describe() rest.Fields {
	return rest.Fields{mfaTokenField.Describe(), codeField.Describe(), recoveryCodeField.Describe()}
}

// Validate finishes the login the mfa token began: a *Pair, or a *Sliding for a sliding
// login. A wrong code leaves the mfa token usable for another try (the mfa throttle
// counts them); a right one spends both.
func (s TokenMFA) Validate(ctx context.Context, data any) (any, error) {
	obj, err := serializers.Object(data)
	if err != nil {
		return nil, err
	}
	errs := serializers.Errors{}
	raw, _ := mfaTokenField.Read(obj, errs)
	proof := ReadProof(obj, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	t, user, err := s.mfaUser(ctx, raw)
	if err != nil {
		return nil, err
	}
	exp, _ := t.Time("exp") // Parse required it
	if err := s.MFA.VerifyLogin(ctx, user.ID, proof, s.Tokens.JTI(t), exp); err != nil {
		if errors.Is(err, mfa.ErrTokenUsed) {
			return nil, errMFATokenUsed()
		}
		return nil, ProofError(err, proof)
	}
	return s.mfaLogin(ctx, t, user)
}

// mfaUser is the mfa token raw and the active user it names, whose token version it
// still has.
func (s *JWT) mfaUser(ctx context.Context, raw string) (*tokens.Token, *models.User, error) {
	t, err := s.Tokens.Parse(raw, tokens.MFA)
	if err != nil {
		return nil, nil, invalidToken(err)
	}
	claim, _ := s.Tokens.UserID(t)
	user, err := s.Users.ByClaim(ctx, s.UserIDField, claim)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !user.IsActive) {
		return nil, nil, rest.AuthenticationFailed(MsgNoActiveAccountForToken)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := s.checkVersion(ctx, t, user); err != nil {
		return nil, nil, err
	}
	return t, user, nil
}

// errMFATokenUsed refuses an mfa token exchanged already.
func errMFATokenUsed() error {
	return &rest.Error{Status: http.StatusUnauthorized, Detail: MsgMFATokenUsed, Code: "token_not_valid"}
}

// mfaLogin finishes the login the mfa token t began, once the second factor is proven.
func (s *JWT) mfaLogin(ctx context.Context, t *tokens.Token, user *models.User) (any, error) {
	if t.String(mfaLoginClaim) == loginSliding {
		return s.slidingLogin(ctx, user)
	}
	return s.pairLogin(ctx, user)
}

// ReadProof reads the code or the recovery code of a request: exactly one of them.
func ReadProof(obj map[string]any, errs serializers.Errors) mfa.Proof {
	var p mfa.Proof
	p.Code, _ = codeField.Read(obj, errs)
	p.RecoveryCode, _ = recoveryCodeField.Read(obj, errs)
	_, hasCode := obj[codeField.Name]
	_, hasRecovery := obj[recoveryCodeField.Name]
	switch {
	case hasCode && hasRecovery:
		errs.Add(rest.NonFieldErrors, MsgCodeOrRecovery)
	case !hasCode && !hasRecovery:
		errs.Add(codeField.Name, serializers.MsgRequired)
	}
	return p
}

// ProofError is the 400 of a refused code or recovery code, under the field the client
// gave, with mfa.CodeRefused as its code so that the mfa throttle counts it; any other
// error is returned as it is, ErrNoDevice as a non-field error.
func ProofError(err error, p mfa.Proof) error {
	field, msg := codeField.Name, ""
	switch {
	case errors.Is(err, mfa.ErrWrongCode) && p.RecoveryCode != "":
		field, msg = recoveryCodeField.Name, MsgRecoveryCodeInvalid
	case errors.Is(err, mfa.ErrWrongCode):
		msg = MsgCodeInvalid
	case errors.Is(err, mfa.ErrCodeUsed):
		msg = MsgCodeUsed
	case errors.Is(err, mfa.ErrNoDevice):
		return rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgMFANotEnabled}})
	case errors.Is(err, mfa.ErrUnreadable):
		// Not the user's fault, and not a wrong code: no throttle counts it. A 400 on the
		// field, with what the user can do, rather than a 500 that says nothing.
		return rest.ValidationError(map[string]any{codeField.Name: []string{MsgDeviceUnreadable}})
	default:
		return err
	}
	e := rest.ValidationError(map[string]any{field: []string{msg}})
	e.Code = mfa.CodeRefused // not rendered beside Fields: the throttle's signal only
	return e
}
