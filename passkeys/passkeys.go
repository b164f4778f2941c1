// Package passkeys is WebAuthn for ginrest: registering passkeys and security keys, and
// checking their assertions, for a passwordless login or as a login's second factor
// (docs/mfa.md). The ceremonies' state between begin and finish travels with the client,
// sealed under SECRET_KEY, so that any process of the service can finish what another
// began; what must be shared (a state already finished, a credential's signature counter)
// is in the database. Views and serializers decide what the errors here are told as.
package passkeys

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/mfa"
	"ginrest/models"
	"ginrest/seal"
	"ginrest/settings"
)

// StateInfo is the HKDF info of the key that seals the ceremonies' state: a key of its
// own, so that no other sealed value (a TOTP secret, an OIDC state) opens as one.
const StateInfo = "ginrest.webauthn.state.v1"

// The kinds of ceremony; a state is sealed with its kind as additional data, so that the
// state of one cannot finish another.
const (
	kindRegister = "register"
	kindLogin    = "login"
	kindMFA      = "mfa"
)

// What a ceremony can find; the serializers turn them into DRF's errors.
var (
	// ErrState: the state is not one this service sealed for this ceremony and user, was
	// changed, or has expired.
	ErrState = errors.New("passkeys: the state is not valid or has expired")
	// ErrStateUsed: the state already finished a ceremony (a replay).
	ErrStateUsed = errors.New("passkeys: the state has already been used")
	// ErrMalformed: the credential is not WebAuthn's JSON (PublicKeyCredential.toJSON()).
	ErrMalformed = errors.New("passkeys: the credential is malformed")
	// ErrRefused: the credential did not verify (challenge, origin, RP ID, signature,
	// flags), or is not one of the user's.
	ErrRefused = errors.New("passkeys: the credential was refused")
	// ErrCloned: the authenticator's signature counter did not move forward.
	ErrCloned = errors.New("passkeys: the signature counter did not increase")
	// ErrExists: the credential is registered already.
	ErrExists = errors.New("passkeys: the credential is already registered")
	// ErrNoCredential: the user has no credential to assert with.
	ErrNoCredential = errors.New("passkeys: no credential")
)

// RP is the relying party: its settings, its credentials and its sealed states. Safe for
// concurrent use.
type RP struct {
	WebAuthn *webauthn.WebAuthn
	DB       *gorm.DB
	Sealer   *seal.Sealer
	// Lifetime is how long a state lasts from begin (WEBAUTHN_STATE_LIFETIME).
	Lifetime time.Duration
	// Now is the clock states expire by; nil means time.Now. The app passes its own.
	Now func() time.Time
}

// New builds the relying party of w (settings.WebAuthnRP's) over db.
func New(w settings.WebAuthn, db *gorm.DB, sealer *seal.Sealer, now func() time.Time) (*RP, error) {
	wa, err := webauthn.New(&webauthn.Config{
		RPID: w.RPID, RPDisplayName: w.RPName, RPOrigins: w.RPOrigins,
		// No attestation asked: ginrest keeps no list of authenticator models to judge
		// one by, and asking makes browsers show one more prompt.
		AttestationPreference: protocol.PreferNoAttestation,
	})
	if err != nil {
		return nil, err
	}
	return &RP{WebAuthn: wa, DB: db, Sealer: sealer, Lifetime: w.StateLifetime, Now: now}, nil
}

func (rp *RP) now() time.Time {
	if rp.Now != nil {
		return rp.Now()
	}
	return time.Now()
}

// Ceremony is what begin answers: the options for navigator.credentials.create() or
// .get() (their JSON form, for PublicKeyCredential.parseCreationOptionsFromJSON and
// parseRequestOptionsFromJSON), and the state to send back with the result.
type Ceremony struct {
	PublicKey json.RawMessage `json:"publicKey"`
	State     string          `json:"state"`
}

// state is what a ceremony keeps between begin and finish.
type state struct {
	// ID names the state when it is spent: one state, one finish.
	ID   string `json:"id"`
	Kind string `json:"kind"`
	// UserID is the user of a registration or second factor; 0 for a passwordless login.
	UserID int64 `json:"uid,omitempty"`
	// Bind is what else the state belongs to: the mfa token's jti of a second factor.
	Bind    string               `json:"bind,omitempty"`
	Expires int64                `json:"exp"`
	Session webauthn.SessionData `json:"session"`
}

func (rp *RP) seal(kind string, userID int64, bind string, session *webauthn.SessionData) (string, time.Time, error) {
	id := make([]byte, 16)
	_, _ = rand.Read(id) // crypto/rand.Read never fails on supported platforms
	exp := rp.now().Add(rp.Lifetime)
	plain, err := json.Marshal(state{ID: base64.RawURLEncoding.EncodeToString(id), Kind: kind, UserID: userID, Bind: bind,
		Expires: exp.Unix(), Session: *session})
	if err != nil {
		return "", time.Time{}, err
	}
	return rp.Sealer.Seal(plain, []byte(kind)), exp, nil
}

// open opens a state of kind for userID and bind, refusing an expired one by the app's
// clock. The session's own expiry (set by the library on time.Now) is cleared: the state's
// is the one that counts.
func (rp *RP) open(sealed, kind string, userID int64, bind string) (*state, error) {
	plain, _, err := rp.Sealer.Open(sealed, []byte(kind))
	if err != nil {
		return nil, ErrState
	}
	var st state
	if err := json.Unmarshal(plain, &st); err != nil || st.Kind != kind || st.UserID != userID || st.Bind != bind {
		return nil, ErrState
	}
	if !rp.now().Before(time.Unix(st.Expires, 0)) {
		return nil, ErrState
	}
	st.Session.Expires = time.Time{}
	return &st, nil
}

// ceremony is the answer to a begin.
func (rp *RP) ceremony(options any, kind string, userID int64, bind string, session *webauthn.SessionData) (*Ceremony, error) {
	raw, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	sealed, _, err := rp.seal(kind, userID, bind, session)
	if err != nil {
		return nil, err
	}
	return &Ceremony{PublicKey: raw, State: sealed}, nil
}

// UserHandle is the user handle of a user's credentials: their id, 8 bytes big-endian.
// No name, no e-mail (WebAuthn §14.6.1); a deleted user's credentials go with them, so a
// reused id finds none.
func UserHandle(userID int64) []byte {
	return binary.BigEndian.AppendUint64(nil, uint64(userID))
}

// user is a models.User as the library sees one.
type user struct {
	id          int64
	name        string
	displayName string
	credentials []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return UserHandle(u.id) }
func (u *user) WebAuthnName() string                       { return u.name }
func (u *user) WebAuthnDisplayName() string                { return u.displayName }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.credentials }

// libraryCredential is a stored credential as the library checks an assertion with it.
func libraryCredential(c *models.WebAuthnCredential) webauthn.Credential {
	id, _ := base64.RawURLEncoding.DecodeString(c.CredentialID)
	var aaguid []byte
	if u, err := uuid.Parse(c.AAGUID); err == nil {
		aaguid = u[:]
	}
	var transports []protocol.AuthenticatorTransport
	for t := range strings.SplitSeq(c.Transports, ",") {
		if t != "" {
			transports = append(transports, protocol.AuthenticatorTransport(t))
		}
	}
	return webauthn.Credential{ID: id, PublicKey: c.PublicKey, AttestationFormat: c.AttestationFormat, Transport: transports,
		Flags:         webauthn.CredentialFlags{BackupEligible: c.BackupEligible},
		Authenticator: webauthn.Authenticator{AAGUID: aaguid, SignCount: uint32(c.SignCount)}}
}

// rows are the user's stored credentials.
func (rp *RP) rows(ctx context.Context, userID int64) ([]models.WebAuthnCredential, error) {
	var rows []models.WebAuthnCredential
	err := rp.DB.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&rows).Error
	return rows, err
}

func (rp *RP) userOf(ctx context.Context, u *models.User) (*user, error) {
	rows, err := rp.rows(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	display := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if display == "" {
		display = u.Username
	}
	out := &user{id: u.ID, name: u.Username, displayName: display}
	for i := range rows {
		out.credentials = append(out.credentials, libraryCredential(&rows[i]))
	}
	return out, nil
}

// Required says whether a login of the user needs the second step: they have a
// credential. It is one indexed read on every login.
func (rp *RP) Required(ctx context.Context, userID int64) (bool, error) {
	var n int64
	err := rp.DB.WithContext(ctx).Model(&models.WebAuthnCredential{}).Where("user_id = ?", userID).Count(&n).Error
	return n > 0, err
}

// refused is err of the library, as ErrRefused or ErrMalformed; what it says in detail
// goes into the message for the logs, never to the client.
func refused(sentinel, err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: %s %s", sentinel, pe.Details, pe.DevInfo)
	}
	return fmt.Errorf("%w: %v", sentinel, err)
}

// spend records st as finished, in tx: ErrStateUsed when it already was.
func (rp *RP) spend(tx *gorm.DB, st *state) error {
	now := rp.now().UTC()
	if err := tx.Where("expires_at <= ?", now).Delete(&models.WebAuthnStateUse{}).Error; err != nil {
		return err
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.WebAuthnStateUse{StateID: st.ID, ExpiresAt: time.Unix(st.Expires, 0).UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrStateUsed
	}
	return nil
}

// BeginRegistration starts registering a new credential for u: its existing ones are
// excluded (an authenticator registers once), a discoverable credential (a passkey) is
// preferred, and user verification preferred.
func (rp *RP) BeginRegistration(ctx context.Context, u *models.User) (*Ceremony, error) {
	wu, err := rp.userOf(ctx, u)
	if err != nil {
		return nil, err
	}
	creation, session, err := rp.WebAuthn.BeginRegistration(wu,
		webauthn.WithExclusions(webauthn.Credentials(wu.credentials).CredentialDescriptors()),
		webauthn.WithAuthenticatorSelection(protocol.AuthenticatorSelection{
			ResidentKey: protocol.ResidentKeyRequirementPreferred, UserVerification: protocol.VerificationPreferred}),
		webauthn.WithExtensions(webauthn.WithExtensionCredProps()))
	if err != nil {
		return nil, err
	}
	return rp.ceremony(creation.Response, kindRegister, u.ID, "", session)
}

// FinishRegistration checks the authenticator's answer (PublicKeyCredential.toJSON() of
// navigator.credentials.create()) against the state of BeginRegistration for u, and
// stores the credential under name.
func (rp *RP) FinishRegistration(ctx context.Context, u *models.User, sealed string, credential []byte, name string) (*models.WebAuthnCredential, error) {
	st, err := rp.open(sealed, kindRegister, u.ID, "")
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(credential)
	if err != nil {
		return nil, refused(ErrMalformed, err)
	}
	wu, err := rp.userOf(ctx, u)
	if err != nil {
		return nil, err
	}
	c, err := rp.WebAuthn.CreateCredential(wu, st.Session, parsed)
	if err != nil {
		return nil, refused(ErrRefused, err)
	}
	transports := make([]string, 0, len(c.Transport))
	for _, t := range c.Transport {
		transports = append(transports, string(t))
	}
	aaguid, _ := uuid.FromBytes(c.Authenticator.AAGUID) // 16 bytes, checked by the parser
	row := &models.WebAuthnCredential{UserID: u.ID, CredentialID: base64.RawURLEncoding.EncodeToString(c.ID), PublicKey: c.PublicKey,
		SignCount: int64(c.Authenticator.SignCount), Transports: strings.Join(transports, ","), AAGUID: aaguid.String(), Name: name,
		BackupEligible: c.Flags.BackupEligible, AttestationFormat: c.AttestationFormat, Created: rp.now().UTC()}
	err = models.Transaction(ctx, rp.DB, func(tx *gorm.DB) error {
		if err := rp.spend(tx, st); err != nil {
			return err
		}
		var n int64
		if err := tx.Model(&models.WebAuthnCredential{}).Where("credential_id = ?", row.CredentialID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrExists
		}
		return tx.Create(row).Error
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// BeginLogin starts a passwordless login with a discoverable credential (a passkey): no
// user is named, the authenticator offers the user's passkeys for this RP ID. User
// verification is required: the passkey stands for the password and the second factor.
func (rp *RP) BeginLogin(context.Context) (*Ceremony, error) {
	assertion, session, err := rp.WebAuthn.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
	if err != nil {
		return nil, err
	}
	return rp.ceremony(assertion.Response, kindLogin, 0, "", session)
}

// FinishLogin checks a passkey's assertion (PublicKeyCredential.toJSON() of
// navigator.credentials.get()) against the state of BeginLogin, and returns the id of the
// user it logs in. The state is spent and the signature counter moved in one transaction.
func (rp *RP) FinishLogin(ctx context.Context, sealed string, credential []byte) (int64, error) {
	st, err := rp.open(sealed, kindLogin, 0, "")
	if err != nil {
		return 0, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return 0, refused(ErrMalformed, err)
	}
	var row models.WebAuthnCredential
	lookup := func(rawID, userHandle []byte) (webauthn.User, error) {
		err := rp.DB.WithContext(ctx).Where("credential_id = ?", base64.RawURLEncoding.EncodeToString(rawID)).Take(&row).Error
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(userHandle, UserHandle(row.UserID)) {
			return nil, errors.New("the user handle is not the credential's user's")
		}
		return &user{id: row.UserID, credentials: []webauthn.Credential{libraryCredential(&row)}}, nil
	}
	_, c, err := rp.WebAuthn.ValidatePasskeyLogin(lookup, st.Session, parsed)
	if err != nil {
		return 0, refused(ErrRefused, err)
	}
	if err := rp.use(ctx, st, &row, c, nil); err != nil {
		return 0, err
	}
	return row.UserID, nil
}

// BeginMFA starts the second factor of a login of the user whose mfa token's jti is
// given: an assertion with one of their credentials, its state bound to that token.
func (rp *RP) BeginMFA(ctx context.Context, u *models.User, jti string) (*Ceremony, error) {
	wu, err := rp.userOf(ctx, u)
	if err != nil {
		return nil, err
	}
	if len(wu.credentials) == 0 {
		return nil, ErrNoCredential
	}
	assertion, session, err := rp.WebAuthn.BeginLogin(wu, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return nil, err
	}
	return rp.ceremony(assertion.Response, kindMFA, u.ID, jti, session)
}

// FinishMFA checks the assertion of a login's second factor against the state of
// BeginMFA for the same user and mfa token; the state, the mfa token (jti, until exp) and
// the signature counter are spent and moved in one transaction.
func (rp *RP) FinishMFA(ctx context.Context, u *models.User, sealed string, credential []byte, jti string, exp time.Time) error {
	st, err := rp.open(sealed, kindMFA, u.ID, jti)
	if err != nil {
		return err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(credential)
	if err != nil {
		return refused(ErrMalformed, err)
	}
	wu, err := rp.userOf(ctx, u)
	if err != nil {
		return err
	}
	c, err := rp.WebAuthn.ValidateLogin(wu, st.Session, parsed)
	if err != nil {
		return refused(ErrRefused, err)
	}
	var row models.WebAuthnCredential
	if err := rp.DB.WithContext(ctx).Where("user_id = ? AND credential_id = ?", u.ID, base64.RawURLEncoding.EncodeToString(c.ID)).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrRefused // deleted meanwhile
		}
		return err
	}
	return rp.use(ctx, st, &row, c, func(tx *gorm.DB) error { return mfa.SpendToken(tx, jti, exp, rp.now()) })
}

// use records a verified assertion: the state spent, and the signature counter moved
// forward, which must find it where it was read, so that of two requests racing with one
// assertion only one wins. A counter that did not increase (both 0 aside: authenticators
// that keep none, as synced passkeys) is a cloned authenticator's: refused (WebAuthn §7.2
// step 22 leaves it to the RP; ginrest refuses).
func (rp *RP) use(ctx context.Context, st *state, row *models.WebAuthnCredential, c *webauthn.Credential, also func(tx *gorm.DB) error) error {
	count := int64(c.Authenticator.SignCount)
	now := rp.now().UTC()
	return models.Transaction(ctx, rp.DB, func(tx *gorm.DB) error {
		// The state first: a replayed assertion is told as one, not as a clone.
		if err := rp.spend(tx, st); err != nil {
			return err
		}
		if c.Authenticator.CloneWarning {
			return ErrCloned
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		res := tx.Model(&models.WebAuthnCredential{}).Where("id = ? AND sign_count = ?", row.ID, row.SignCount).
			Updates(map[string]any{"sign_count": count, "last_used": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrCloned
		}
		return nil
	})
}

// List is the user's credentials, oldest first.
func (rp *RP) List(ctx context.Context, userID int64) ([]models.WebAuthnCredential, error) {
	return rp.rows(ctx, userID)
}

// Delete removes the user's credential id: ErrNoCredential when they have none of that id.
func (rp *RP) Delete(ctx context.Context, userID, id int64) error {
	res := rp.DB.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&models.WebAuthnCredential{})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrNoCredential
	}
	return nil
}
