package models

import "time"

// TOTPDevice is a user's authenticator (RFC 6238): one per user, unconfirmed until its
// first code proves the user's app holds the secret; only a confirmed device asks for a
// code at login. The table is ginrest's own, laid out as a Django model of an app
// "ginrest" would be (django-otp's TOTPDevice is the model it follows).
type TOTPDevice struct {
	ID     int64 `gorm:"column:id;primaryKey"`
	UserID int64 `gorm:"column:user_id"`
	// Secret is the sealed shared secret (package mfa): never the base32 text itself, so a
	// copy of the database without SECRET_KEY cannot make codes.
	Secret    string    `gorm:"column:secret"`
	Confirmed bool      `gorm:"column:confirmed"`
	CreatedAt time.Time `gorm:"column:created_at;autoCreateTime:false"`
	// LastUsedStep is the time step (Unix time / 30 s) of the last code accepted: a code
	// of that step or an earlier one is refused, so a code works once (RFC 6238 §5.2).
	LastUsedStep int64 `gorm:"column:last_used_step"`
}

func (TOTPDevice) TableName() string { return "ginrest_totp_device" }

// TOTPRecoveryCode is one single-use recovery code of a device, stored hashed; UsedAt is
// set when it is spent.
type TOTPRecoveryCode struct {
	ID       int64      `gorm:"column:id;primaryKey"`
	DeviceID int64      `gorm:"column:device_id"`
	CodeHash string     `gorm:"column:code_hash"`
	UsedAt   *time.Time `gorm:"column:used_at"`
}

func (TOTPRecoveryCode) TableName() string { return "ginrest_totp_recovery_code" }

// MFATokenUse records an mfa token exchanged for tokens, by jti, until it expires: a
// token recorded here is refused, so one first step gives one login.
type MFATokenUse struct {
	JTI       string    `gorm:"column:jti;primaryKey"`
	ExpiresAt time.Time `gorm:"column:expires_at"`
}

func (MFATokenUse) TableName() string { return "ginrest_mfa_token_use" }
