package urls

import (
	"ginrest/passkeys"
	"ginrest/seal"
	"ginrest/views"
)

// setUpWebAuthn builds the relying party of WEBAUTHN_RP_ID (localhost in DEBUG), nil when
// WebAuthn is off; logins of users with a credential then take the mfa step.
func (a *App) setUpWebAuthn() error {
	w, on := a.Settings.WebAuthnRP()
	if !on {
		return nil
	}
	states, err := seal.New(passkeys.StateInfo, a.Settings.SecretKey, a.Settings.SecretKeyFallbacks...)
	if err != nil {
		return err
	}
	rp, err := passkeys.New(w, a.DB, states, a.Tokens.Now)
	if err != nil {
		return err
	}
	a.WebAuthn = rp
	a.JWT.WebAuthn = rp
	return nil
}

// webauthnRoutes are WebAuthn's (docs/mfa.md), Off when it is.
func (a *App) webauthnRoutes() []Route {
	cookies := a.Sessions.Cookies
	rp, off := a.WebAuthn, a.WebAuthn == nil
	return []Route{
		{Path: "/api/auth/webauthn/register/begin/", Name: "webauthn_register_begin", View: views.NewWebAuthnRegisterBegin(rp), Off: off},
		{Path: "/api/auth/webauthn/register/finish/", Name: "webauthn_register_finish", View: views.NewWebAuthnRegisterFinish(rp, cookies), Off: off},
		{Path: "/api/auth/webauthn/credentials/", Name: "webauthn_credentials", View: views.NewWebAuthnCredentials(rp), Off: off},
		{Path: "/api/auth/webauthn/credentials/:id/", Name: "webauthn_credential", View: views.NewWebAuthnCredential(rp, cookies), Off: off},
		{Path: "/api/auth/webauthn/login/begin/", Name: "webauthn_login_begin", View: views.NewWebAuthnLoginBegin(rp), Off: off},
		{Path: "/api/auth/webauthn/login/finish/", Name: "webauthn_login_finish",
			View: cookies.Obtain(views.NewWebAuthnLoginFinish(a.JWT, rp, a.LoginThrottles...)), Off: off},
		{Path: "/api/token/mfa/webauthn/begin/", Name: "token_mfa_webauthn_begin", View: views.NewWebAuthnMFABegin(a.JWT, rp, a.MFAThrottles...), Off: off},
		{Path: "/api/token/mfa/webauthn/finish/", Name: "token_mfa_webauthn_finish",
			View: cookies.Obtain(views.NewWebAuthnMFAFinish(a.JWT, rp, a.MFAThrottles...)), Off: off},
	}
}
