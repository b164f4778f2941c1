package urls

import (
	"strings"

	"ginrest/rest"
	"ginrest/views"
)

// Route is one urlpatterns entry. Paths end in a slash, as Django's do; the router
// redirects the slashless form.
type Route struct {
	Path string
	Name string
	View rest.View
	// Off leaves the route out of the table: a feature its settings turn off. Its view is
	// still built (cheaply), so a mistake in it fails at start whatever the settings.
	Off bool
}

// Patterns is the URL table: every route the server has, in order, as urls.py's
// urlpatterns (the health probes, outside the API, are in operations.go). Add your views
// here; a router's routes come in with one Include.
func Patterns(a *App) []Route {
	ss := a.Sessions
	cookies := ss.Cookies // nil unless AUTH_COOKIE: then the token views are as simplejwt's
	routes := []Route{
		// simplejwt's views
		{Path: "/api/token/", Name: "token_obtain_pair", View: cookies.Obtain(views.NewTokenObtainPair(a.JWT, a.LoginThrottles...))},
		{Path: "/api/token/refresh/", Name: "token_refresh", View: cookies.Refresh(views.NewTokenRefresh(a.JWT))},
		{Path: "/api/token/verify/", Name: "token_verify", View: views.NewTokenVerify(a.JWT)},
		{Path: "/api/token/blacklist/", Name: "token_blacklist", View: cookies.Logout(views.NewTokenBlacklist(a.JWT)), Off: a.Blacklist == nil},
		// simplejwt's token-family proposal (pull request 913) names a session a family and
		// ends one here; ginrest's logout already ends the whole session of the token given.
		{Path: "/api/token/family/blacklist/", Name: "token_family_blacklist", View: cookies.Logout(views.NewTokenBlacklist(a.JWT)),
			Off: a.Blacklist == nil || a.Sessions.Families == nil},
		{Path: "/api/token/sliding/", Name: "token_obtain_sliding", View: views.NewTokenObtainSliding(a.JWT, a.LoginThrottles...)},
		{Path: "/api/token/sliding/refresh/", Name: "token_refresh_sliding", View: views.NewTokenRefreshSliding(a.JWT)},
		// Sessions: log out everywhere, the caller's sessions, the password change.
		{Path: "/api/token/logout-all/", Name: "token_logout_all", View: views.NewLogoutAll(ss.Revoker, cookies),
			Off: ss.Versions == nil && ss.Families == nil},
		{Path: "/api/token/sessions/", Name: "token_sessions", View: views.NewSessions(ss.Families), Off: ss.Families == nil},
		{Path: "/api/token/sessions/:id/", Name: "token_session", View: views.NewSession(ss.Families, cookies), Off: ss.Families == nil},
		{Path: "/api/auth/password/", Name: "password_change", View: views.NewPassword(a.passwordChange(), cookies, a.PasswordChangeThrottles...)},
		// The second factor (docs/mfa.md): a login of a user with a confirmed device
		// answers an mfa token, exchanged here with a code for what the login would give.
		{Path: "/api/token/mfa/", Name: "token_obtain_mfa", View: cookies.Obtain(views.NewTokenMFA(a.JWT, a.MFAThrottles...))},
		{Path: "/api/auth/totp/", Name: "totp", View: views.NewTOTP(a.MFA)},
		{Path: "/api/auth/totp/confirm/", Name: "totp_confirm", View: views.NewTOTPConfirm(a.MFA, a.MFAThrottles...)},
		{Path: "/api/auth/totp/disable/", Name: "totp_disable", View: views.NewTOTPDisable(a.MFA, a.MFAThrottles...)},
		{Path: "/api/auth/totp/qr.png", Name: "totp_qr_code", View: views.NewTOTPQRCode(a.MFA)},
		{Path: "/api/auth/totp/recovery-codes/", Name: "totp_recovery_codes", View: views.NewTOTPRecoveryCodes(a.MFA, a.MFAThrottles...)},
		// The public keys, for an asymmetric ALGORITHM (an HS secret is never published).
		// A fixed well-known name (RFC 8615), so no trailing slash.
		{Path: "/.well-known/jwks.json", Name: "jwks", View: views.NewJWKS(a.Tokens), Off: len(a.Tokens.JWKS().Keys) == 0},
		// The project's own views.
		{Path: "/api/protected/", Name: "protected", View: views.NewProtected()},
		// Uploaded files, in DEBUG only (Django's static(MEDIA_URL, document_root=MEDIA_ROOT)),
		// and only where MEDIA_URL is a path of this server.
		{Path: strings.TrimSuffix(a.Settings.Media.URL, "/") + "/*path", Name: "media", View: views.NewMedia(a.Storage, "path"),
			Off: !a.Settings.Debug || !strings.HasPrefix(a.Settings.Media.URL, "/")},
	}
	// OpenID Connect login (docs/oidc.md): a route per provider of OIDC_PROVIDERS, so an
	// unknown name is the router's 404 and the document lists each provider.
	for i, p := range a.OIDC {
		b := a.OIDCBrowsers[i]
		routes = append(routes,
			Route{Path: "/api/auth/" + p.Name + "/token/", Name: "oidc_token_" + p.Name,
				View: cookies.Obtain(views.NewOIDCToken(a.JWT, p, a.SocialAccounts, a.LoginThrottles...))},
			// The browser login: to the provider and back (state, nonce and PKCE in a cookie).
			Route{Path: "/api/auth/" + p.Name + "/login/", Name: "oidc_login_" + p.Name, View: views.NewOIDCBrowserLogin(b, cookies)},
			Route{Path: "/api/auth/" + p.Name + "/callback/", Name: "oidc_callback_" + p.Name,
				View: views.NewOIDCCallback(a.JWT, b, a.SocialAccounts, cookies, a.LoginThrottles...)})
	}
	// The caller's identities at the providers: listed, unlinked.
	routes = append(routes,
		Route{Path: "/api/auth/identities/", Name: "identities", View: views.NewIdentities(a.SocialAccounts, a.OIDC), Off: len(a.OIDC) == 0},
		Route{Path: "/api/auth/identities/:id/", Name: "identity", View: views.NewIdentity(a.SocialAccounts, cookies), Off: len(a.OIDC) == 0})
	// WebAuthn: passkeys and security keys, to sign in or as a second factor (webauthn.go).
	routes = append(routes, a.webauthnRoutes()...)
	// The OpenAPI document at /api/schema/, Swagger UI and Redoc over it (schema.go).
	routes = append(routes, a.schemaRoutes()...)
	// The browsable API's script and style sheet (browsable.go).
	routes = append(routes, a.browsableRoutes()...)
	// The REST framework's router: the viewsets and the API root at /api/ (api.go).
	routes = append(routes, Include(a.apiRouter().URLs())...)
	return on(routes)
}

// on is the routes that are not Off.
func on(routes []Route) []Route {
	kept := routes[:0]
	for _, r := range routes {
		if !r.Off {
			kept = append(kept, r)
		}
	}
	return kept
}
