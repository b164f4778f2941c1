package tokenserializers

import (
	"context"

	"ginrest/rest"
	"ginrest/serializers"
	"ginrest/socialaccount"
)

// OIDCLogin is the login of a mobile app or SPA that signed the user in at an OpenID
// Connect provider: POST /api/auth/<provider>/token/ with the provider's id_token, or with
// the authorization code (and its code_verifier and redirect_uri) to exchange for one. It
// ends as a password login does: the mfa step for a user with a confirmed TOTP device,
// else a pair in a new session, through the same path (docs/oidc.md).
type OIDCLogin struct {
	*JWT
	Provider *socialaccount.Provider
	Accounts *socialaccount.Accounts
}

var (
	idTokenField      = serializers.CharField{Name: "id_token", Label: "Id token", Trim: true, Optional: true}
	oidcCodeField     = serializers.CharField{Name: "code", Label: "Code", Trim: true, Optional: true}
	codeVerifierField = serializers.CharField{Name: "code_verifier", Label: "Code verifier", Trim: true, Optional: true}
	redirectURIField  = serializers.CharField{Name: "redirect_uri", Label: "Redirect uri", Trim: true, Optional: true}
	nonceField        = serializers.CharField{Name: "nonce", Label: "Nonce", Trim: true, Optional: true}
)

// MsgIDTokenOrCode is the refusal of a body with neither or both ways in.
const MsgIDTokenOrCode = "Give either an id_token or a code, not both."

func (s OIDCLogin) Describe() rest.Fields {
	return rest.Fields{idTokenField.Describe(), oidcCodeField.Describe(), codeVerifierField.Describe(), redirectURIField.Describe(), nonceField.Describe()}
}

// Validate verifies the identity, finds its user and logs them in: a *Pair or an *MFAStep.
func (s OIDCLogin) Validate(ctx context.Context, data any) (any, error) {
	obj, err := serializers.Object(data)
	if err != nil {
		return nil, err
	}
	errs := serializers.Errors{}
	idToken, _ := idTokenField.Read(obj, errs)
	code, _ := oidcCodeField.Read(obj, errs)
	verifier, _ := codeVerifierField.Read(obj, errs)
	redirect, _ := redirectURIField.Read(obj, errs)
	nonce, _ := nonceField.Read(obj, errs)
	if (idToken == "") == (code == "") {
		errs.Add(rest.NonFieldErrors, MsgIDTokenOrCode)
	}
	if code != "" && redirect == "" {
		errs.Add(redirectURIField.Name, serializers.MsgRequired)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var id *socialaccount.Identity
	if code != "" {
		id, err = s.Provider.Exchange(ctx, code, verifier, redirect, nonce)
	} else {
		id, err = s.Provider.Verify(ctx, idToken, nonce)
	}
	if err != nil {
		return nil, err
	}
	return s.LogIn(ctx, id)
}

// LogIn logs in the user of a verified identity: a *Pair or an *MFAStep. The browser
// login's callback ends here too.
func (s OIDCLogin) LogIn(ctx context.Context, id *socialaccount.Identity) (any, error) {
	user, err := s.Accounts.UserFor(ctx, s.Provider, id)
	if err != nil {
		return nil, err
	}
	if !user.IsActive {
		return nil, rest.AuthenticationFailed(MsgNoActiveAccount)
	}
	if step, err := s.mfaStep(ctx, user, loginPair); err != nil || step != nil {
		return step, err
	}
	return s.pairLogin(ctx, user)
}
