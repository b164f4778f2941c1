package tokenserializers

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"ginrest/mfa"
	"ginrest/models"
	"ginrest/passkeys"
	"ginrest/rest"
	"ginrest/serializers"
)

// WebAuthn (docs/mfa.md): registering a credential, the passwordless login with a passkey,
// and a credential as a login's second factor. Each finish takes the state its begin
// answered and the credential as PublicKeyCredential.toJSON() gives it: a JSON object, or
// that object as a string (for a form).

// The messages of a refused WebAuthn ceremony.
const (
	MsgWebAuthnState        = "The state is not valid or has expired. Begin again."
	MsgWebAuthnStateUsed    = "This state has already been used. Begin again."
	MsgWebAuthnMalformed    = "Not a valid WebAuthn credential."
	MsgWebAuthnRefused      = "The credential could not be verified."
	MsgWebAuthnCloned       = "The authenticator's signature counter did not increase: it may have been cloned."
	MsgWebAuthnExists       = "This credential is already registered."
	MsgWebAuthnNoCredential = "No security key or passkey is registered for this account."
	// MaxCredentialNameLength is the name column's width.
	MaxCredentialNameLength = 100
	// DefaultCredentialName names a credential registered without a name.
	DefaultCredentialName = "Passkey"
)

var (
	stateField      = serializers.CharField{Name: "state", Label: "State", Trim: true}
	credentialField = rest.FieldInfo{Name: "credential", Type: "field", Required: true, Label: "Credential",
		HelpText: "The PublicKeyCredential's JSON (its toJSON()): an object, or that object as a string."}
	credentialNameField = serializers.CharField{Name: "name", Label: "Name", Trim: true, Optional: true}
)

// readCredential reads the credential field: its JSON bytes.
func readCredential(obj map[string]any, errs serializers.Errors) []byte {
	v, ok := obj[credentialField.Name]
	switch x := v.(type) {
	case nil:
		if ok {
			errs.Add(credentialField.Name, serializers.MsgNull)
		} else {
			errs.Add(credentialField.Name, serializers.MsgRequired)
		}
	case string:
		return []byte(x)
	case map[string]any:
		b, err := json.Marshal(x)
		if err == nil {
			return b
		}
		errs.Add(credentialField.Name, MsgWebAuthnMalformed)
	default:
		errs.Add(credentialField.Name, MsgWebAuthnMalformed)
	}
	return nil
}

// readCeremony reads a finish's state and credential.
func readCeremony(data any) (obj map[string]any, state string, credential []byte, errs serializers.Errors, err error) {
	obj, err = serializers.Object(data)
	if err != nil {
		return nil, "", nil, nil, err
	}
	errs = serializers.Errors{}
	state, _ = stateField.Read(obj, errs)
	credential = readCredential(obj, errs)
	return obj, state, credential, errs, nil
}

// WebAuthnError is the 400 of a refused ceremony, under the field at fault; refusals of
// the credential itself are coded mfa.CodeRefused, so that the mfa throttle counts them on
// the second factor. Any other error is returned as it is.
func WebAuthnError(err error) error {
	field, msg, counted := credentialField.Name, "", true
	switch {
	case errors.Is(err, passkeys.ErrState):
		field, msg, counted = stateField.Name, MsgWebAuthnState, false
	case errors.Is(err, passkeys.ErrStateUsed):
		field, msg = stateField.Name, MsgWebAuthnStateUsed
	case errors.Is(err, passkeys.ErrMalformed):
		msg = MsgWebAuthnMalformed
	case errors.Is(err, passkeys.ErrRefused):
		msg = MsgWebAuthnRefused
	case errors.Is(err, passkeys.ErrCloned):
		msg = MsgWebAuthnCloned
	case errors.Is(err, passkeys.ErrExists):
		msg, counted = MsgWebAuthnExists, false
	case errors.Is(err, passkeys.ErrNoCredential):
		return rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgWebAuthnNoCredential}})
	default:
		return err
	}
	e := rest.ValidationError(map[string]any{field: []string{msg}})
	if counted {
		e.Code = mfa.CodeRefused // not rendered beside Fields: the throttle's signal only
	}
	return e
}

// Credential is a stored credential as its user sees it: never its public key.
type Credential struct {
	ID             int64    `json:"id"`
	Name           string   `json:"name"`
	CredentialID   string   `json:"credential_id"`
	Transports     []string `json:"transports"`
	AAGUID         string   `json:"aaguid"`
	BackupEligible bool     `json:"backup_eligible"`
	SignCount      int64    `json:"sign_count"`
	Created        string   `json:"created"`
	LastUsed       *string  `json:"last_used"`
}

// CredentialOf is c as its user sees it; times in DRF's format.
func CredentialOf(c *models.WebAuthnCredential) Credential {
	transports := []string{}
	for t := range strings.SplitSeq(c.Transports, ",") {
		if t != "" {
			transports = append(transports, t)
		}
	}
	out := Credential{ID: c.ID, Name: c.Name, CredentialID: c.CredentialID, Transports: transports, AAGUID: c.AAGUID,
		BackupEligible: c.BackupEligible, SignCount: c.SignCount, Created: serializers.FormatDateTime(c.Created)}
	if c.LastUsed != nil {
		s := serializers.FormatDateTime(*c.LastUsed)
		out.LastUsed = &s
	}
	return out
}

// WebAuthnRegister finishes registering a credential for the signed-in user.
type WebAuthnRegister struct{ RP *passkeys.RP }

func (s WebAuthnRegister) Describe() rest.Fields {
	name := credentialNameField.Describe()
	name.MaxLength = MaxCredentialNameLength
	name.HelpText = "The user's label for it; \"" + DefaultCredentialName + "\" when absent."
	return rest.Fields{stateField.Describe(), credentialField, name}
}

// Validate checks the authenticator's attestation and stores the credential.
func (s WebAuthnRegister) Validate(ctx context.Context, user *models.User, data any) (*Credential, error) {
	obj, state, credential, errs, err := readCeremony(data)
	if err != nil {
		return nil, err
	}
	name, ok := credentialNameField.Read(obj, errs)
	if !ok {
		name = DefaultCredentialName
	}
	if len([]rune(name)) > MaxCredentialNameLength {
		errs.Add(credentialNameField.Name, "Ensure this field has no more than 100 characters.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	row, err := s.RP.FinishRegistration(ctx, user, state, credential, name)
	if err != nil {
		return nil, WebAuthnError(err)
	}
	out := CredentialOf(row)
	return &out, nil
}

// WebAuthnLogin is the passwordless login with a passkey: its assertion logs its user in,
// as a password and a second factor would (user verification is required, so the passkey
// is both), and the answer is the login's pair.
type WebAuthnLogin struct {
	*JWT
	RP *passkeys.RP
}

func (s WebAuthnLogin) Describe() rest.Fields {
	return rest.Fields{stateField.Describe(), credentialField}
}

// Validate checks the assertion and logs its user in: a *Pair. A credential refused, or
// one whose user is inactive, is simplejwt's 401, which the login throttle counts.
func (s WebAuthnLogin) Validate(ctx context.Context, data any) (any, error) {
	_, state, credential, errs, err := readCeremony(data)
	if err != nil {
		return nil, err
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	userID, err := s.RP.FinishLogin(ctx, state, credential)
	if errors.Is(err, passkeys.ErrRefused) || errors.Is(err, passkeys.ErrCloned) {
		return nil, rest.AuthenticationFailed(MsgNoActiveAccount)
	}
	if err != nil {
		return nil, WebAuthnError(err)
	}
	user, err := s.Users.ByID(ctx, userID)
	if errors.Is(err, models.ErrNotFound) || (err == nil && !user.IsActive) {
		return nil, rest.AuthenticationFailed(MsgNoActiveAccount)
	}
	if err != nil {
		return nil, err
	}
	return s.pairLogin(ctx, user)
}

// WebAuthnMFABegin is the second factor's begin: the mfa token of a login's first step,
// answered with an assertion's options for that user's credentials.
type WebAuthnMFABegin struct {
	*JWT
	RP *passkeys.RP
}

func (s WebAuthnMFABegin) Describe() rest.Fields { return rest.Fields{mfaTokenField.Describe()} }

// Validate is the ceremony of the user the mfa token names.
func (s WebAuthnMFABegin) Validate(ctx context.Context, data any) (*passkeys.Ceremony, error) {
	raw, err := readOne(data, mfaTokenField)
	if err != nil {
		return nil, err
	}
	t, user, err := s.mfaUser(ctx, raw)
	if err != nil {
		return nil, err
	}
	c, err := s.RP.BeginMFA(ctx, user, s.Tokens.JTI(t))
	if err != nil {
		return nil, WebAuthnError(err)
	}
	return c, nil
}

// WebAuthnMFAFinish is the second factor's finish: the mfa token, the state of its begin
// and the assertion, for what the login would have given.
type WebAuthnMFAFinish struct {
	*JWT
	RP *passkeys.RP
}

func (s WebAuthnMFAFinish) Describe() rest.Fields {
	return rest.Fields{mfaTokenField.Describe(), stateField.Describe(), credentialField}
}

// Validate checks the assertion and finishes the login: a *Pair, or a *Sliding. A refused
// assertion leaves the mfa token usable (the mfa throttle counts it); a right one spends
// the token and the state.
func (s WebAuthnMFAFinish) Validate(ctx context.Context, data any) (any, error) {
	obj, state, credential, errs, err := readCeremony(data)
	if err != nil {
		return nil, err
	}
	raw, _ := mfaTokenField.Read(obj, errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	t, user, err := s.mfaUser(ctx, raw)
	if err != nil {
		return nil, err
	}
	exp, _ := t.Time("exp") // Parse required it
	if err := s.RP.FinishMFA(ctx, user, state, credential, s.Tokens.JTI(t), exp); err != nil {
		if errors.Is(err, mfa.ErrTokenUsed) {
			return nil, errMFATokenUsed()
		}
		return nil, WebAuthnError(err)
	}
	return s.mfaLogin(ctx, t, user)
}
