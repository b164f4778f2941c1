package views

import (
	"net/http"

	"ginrest/models"
	"ginrest/passkeys"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/tokenserializers"
)

// WebAuthn (docs/mfa.md): the caller's passkeys and security keys (register, list,
// delete), the passwordless login with a passkey, and a credential as a login's second
// factor. Every ceremony is two requests, begin and finish; the state between them is
// sealed into the begin's answer and comes back with the finish.

// ceremonyResponse is a begin's answer in the document.
var ceremonyResponse = map[int]any{http.StatusOK: passkeys.Ceremony{}}

// WebAuthnRegisterBegin is POST /api/auth/webauthn/register/begin/: the options of
// navigator.credentials.create() for the caller, and the state.
type WebAuthnRegisterBegin struct {
	rest.APIView
	rp *passkeys.RP
}

var _ rest.Poster = (*WebAuthnRegisterBegin)(nil)

// NewWebAuthnRegisterBegin builds the view.
func NewWebAuthnRegisterBegin(rp *passkeys.RP) *WebAuthnRegisterBegin {
	return &WebAuthnRegisterBegin{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Name: "WebAuthn Register Begin", Description: "Starts registering a passkey or security key: the options for navigator.credentials.create(), and the state to send back.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodPost: {NoRequest: true, Responses: ceremonyResponse},
		}}}, rp: rp}
}

func (v *WebAuthnRegisterBegin) Post(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	c, err := v.rp.BeginRegistration(r.Context(), user)
	if err != nil {
		return nil, err
	}
	return rest.OK(c), nil
}

// WebAuthnRegisterFinish is POST /api/auth/webauthn/register/finish/: the state, the
// new credential and its name; 201 with the credential stored.
type WebAuthnRegisterFinish struct {
	rest.APIView
	serializer tokenserializers.WebAuthnRegister
	cookies    *Cookies
}

var (
	_ rest.Poster          = (*WebAuthnRegisterFinish)(nil)
	_ rest.ActionDescriber = (*WebAuthnRegisterFinish)(nil)
)

// NewWebAuthnRegisterFinish builds the view; cookies nil unless AUTH_COOKIE.
func NewWebAuthnRegisterFinish(rp *passkeys.RP, cookies *Cookies) *WebAuthnRegisterFinish {
	return &WebAuthnRegisterFinish{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Name: "WebAuthn Register Finish", Description: "Checks the new credential against the state of its begin and stores it.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodPost: {Created: true, Responses: map[int]any{http.StatusCreated: tokenserializers.Credential{}}},
		}}}, serializer: tokenserializers.WebAuthnRegister{RP: rp}, cookies: cookies}
}

func (v *WebAuthnRegisterFinish) Describe(string) rest.Fields { return v.serializer.Describe() }

func (v *WebAuthnRegisterFinish) Post(r *rest.Request) (*rest.Response, error) {
	if err := v.cookies.Check(r); err != nil { // it adds a way to sign in
		return nil, err
	}
	out, err := validateOwn(r, v.serializer.Validate)
	if err != nil {
		return nil, err
	}
	return rest.Created(out), nil
}

// WebAuthnCredentials is GET /api/auth/webauthn/credentials/: the caller's credentials.
type WebAuthnCredentials struct {
	rest.APIView
	rp *passkeys.RP
}

var _ rest.Getter = (*WebAuthnCredentials)(nil)

// NewWebAuthnCredentials builds the view.
func NewWebAuthnCredentials(rp *passkeys.RP) *WebAuthnCredentials {
	return &WebAuthnCredentials{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Name: "WebAuthn Credentials", Description: "Lists the caller's passkeys and security keys.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: []tokenserializers.Credential{}}},
		}}}, rp: rp}
}

func (v *WebAuthnCredentials) Get(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	rows, err := v.rp.List(r.Context(), user.ID)
	if err != nil {
		return nil, err
	}
	out := make([]tokenserializers.Credential, 0, len(rows))
	for i := range rows {
		out = append(out, tokenserializers.CredentialOf(&rows[i]))
	}
	return rest.OK(out), nil
}

// WebAuthnCredential is DELETE /api/auth/webauthn/credentials/<id>/: another user's
// credential is a 404, as is one that does not exist.
type WebAuthnCredential struct {
	rest.APIView
	rp      *passkeys.RP
	cookies *Cookies
}

var _ rest.Deleter = (*WebAuthnCredential)(nil)

// NewWebAuthnCredential builds the view; cookies nil unless AUTH_COOKIE.
func NewWebAuthnCredential(rp *passkeys.RP, cookies *Cookies) *WebAuthnCredential {
	return &WebAuthnCredential{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Name: "WebAuthn Credential", Description: "Removes one of the caller's passkeys or security keys.",
		Schema: rest.Schema{Tags: []string{"auth"}, Operations: map[string]rest.Operation{
			http.MethodDelete: {Detail: true},
		}}}, rp: rp, cookies: cookies}
}

func (v *WebAuthnCredential) Delete(r *rest.Request) (*rest.Response, error) {
	return deleteOwn(r, v.cookies, passkeys.ErrNoCredential, v.rp.Delete)
}

// WebAuthnLoginBegin is POST /api/auth/webauthn/login/begin/: the options of
// navigator.credentials.get() for a passkey of any user, and the state.
type WebAuthnLoginBegin struct {
	rest.APIView
	rp *passkeys.RP
}

var _ rest.Poster = (*WebAuthnLoginBegin)(nil)

// NewWebAuthnLoginBegin builds the view.
func NewWebAuthnLoginBegin(rp *passkeys.RP) *WebAuthnLoginBegin {
	return &WebAuthnLoginBegin{APIView: rest.APIView{Authenticators: []rest.Authenticator{}, Permissions: []rest.Permission{}, NoStore: true,
		Name: "WebAuthn Login Begin", Description: "Starts a passwordless login with a passkey: the options for navigator.credentials.get(), and the state to send back.",
		Schema: rest.Schema{Tags: []string{"token"}, Operations: map[string]rest.Operation{
			http.MethodPost: {NoRequest: true, Responses: ceremonyResponse},
		}}}, rp: rp}
}

func (v *WebAuthnLoginBegin) Post(r *rest.Request) (*rest.Response, error) {
	c, err := v.rp.BeginLogin(r.Context())
	if err != nil {
		return nil, err
	}
	return rest.OK(c), nil
}

// NewWebAuthnLoginFinish is POST /api/auth/webauthn/login/finish/: the passkey's
// assertion for the pair (tokenserializers.WebAuthnLogin); throttles as for
// NewTokenObtainPair (urls passes the login throttle).
func NewWebAuthnLoginFinish(jwt *tokenserializers.JWT, rp *passkeys.RP, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.WebAuthnLogin{JWT: jwt, RP: rp}
	v := newTokenView("WebAuthn Login Finish",
		"Takes the state of a passwordless login's begin and the passkey's assertion, and returns a pair as a login does.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	v.Schema.Operations[http.MethodPost] = rest.Operation{Responses: map[int]any{http.StatusOK: tokenserializers.Pair{}}}
	return v
}

// NewWebAuthnMFABegin is POST /api/token/mfa/webauthn/begin/: the mfa token of a login's
// first step, for the options of navigator.credentials.get() with that user's
// credentials; throttles as for NewTokenMFA.
func NewWebAuthnMFABegin(jwt *tokenserializers.JWT, rp *passkeys.RP, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.WebAuthnMFABegin{JWT: jwt, RP: rp}
	v := newTokenView("WebAuthn MFA Begin",
		"Takes the mfa token of a login's first step and answers the options of an assertion with one of the user's security keys or passkeys.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	return v
}

// NewWebAuthnMFAFinish is POST /api/token/mfa/webauthn/finish/: the mfa token, the state
// and the assertion, for what the login would have given; throttles as for NewTokenMFA.
func NewWebAuthnMFAFinish(jwt *tokenserializers.JWT, rp *passkeys.RP, throttles ...rest.Throttle) rest.View {
	s := tokenserializers.WebAuthnMFAFinish{JWT: jwt, RP: rp}
	v := newTokenView("WebAuthn MFA Finish",
		"Takes the mfa token of a login's first step, the state of its WebAuthn begin and the assertion, and returns what the login would have.",
		s.Validate, s.Describe())
	v.Throttles = throttles
	v.Schema.Operations[http.MethodPost] = rest.Operation{
		Responses: map[int]any{http.StatusOK: rest.OneOf{tokenserializers.Pair{}, tokenserializers.Sliding{}}},
	}
	return v
}
