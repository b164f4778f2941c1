package models

import "time"

// WebAuthnCredential is a user's passkey or security key (WebAuthn): the public key of a
// key pair its authenticator keeps, found by the credential ID the authenticator sends
// back. The table is ginrest's own, laid out as a Django model of an app "ginrest" would be.
type WebAuthnCredential struct {
	ID     int64 `gorm:"column:id;primaryKey"`
	UserID int64 `gorm:"column:user_id"`
	// CredentialID is the authenticator's credential ID, base64url without padding, as
	// WebAuthn's JSON carries it; unique across users.
	CredentialID string `gorm:"column:credential_id"`
	// PublicKey is the COSE key of the credential: public, but never shown by the API, which
	// has no use for it.
	PublicKey []byte `gorm:"column:public_key"`
	// SignCount is the authenticator's signature counter at the last use: a later assertion
	// must bring a larger one (or both stay 0, as synced passkeys do), else the key was
	// cloned.
	SignCount int64 `gorm:"column:sign_count"`
	// Transports are how the browser may reach the authenticator ("internal,hybrid").
	Transports string `gorm:"column:transports"`
	// AAGUID names the authenticator's model (all zeros when it says nothing).
	AAGUID string `gorm:"column:aaguid"`
	// Name is the user's label for it ("Work laptop").
	Name string `gorm:"column:name"`
	// BackupEligible is the BE flag of the registration: a credential that may be synced.
	// It cannot change (WebAuthn §6.1.3), so an assertion with another one is refused.
	BackupEligible bool `gorm:"column:backup_eligible"`
	// AttestationFormat is the registration's attestation statement format ("none",
	// "packed", "fido-u2f"...).
	AttestationFormat string     `gorm:"column:attestation_format"`
	Created           time.Time  `gorm:"column:created;autoCreateTime:false"`
	LastUsed          *time.Time `gorm:"column:last_used"`
}

func (WebAuthnCredential) TableName() string { return "ginrest_webauthn_credential" }

// WebAuthnStateUse records a WebAuthn ceremony's state that finished, by its id, until it
// expires: a state recorded here is refused, so one challenge gives one login.
type WebAuthnStateUse struct {
	StateID   string    `gorm:"column:state_id;primaryKey"`
	ExpiresAt time.Time `gorm:"column:expires_at"`
}

func (WebAuthnStateUse) TableName() string { return "ginrest_webauthn_state_use" }
