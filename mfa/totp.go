// Package mfa is the second factor on login: a TOTP device per user (RFC 6238: SHA-1, six
// digits, 30-second steps, what authenticator apps expect), its single-use recovery
// codes, and the spending of the mfa token that carries a login from its password step to
// its code step. Views and serializers decide what the errors here are told as.
package mfa

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"log/slog"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"ginrest/models"
)

// The TOTP parameters: the defaults of RFC 6238 and of every authenticator app. Some apps
// ignore the otpauth:// URI's parameters, so these are not settings.
const (
	Period = 30 * time.Second
	// Skew is how many steps either side of the server's current one a code may belong
	// to: a phone's clock a little off, a code typed as it rolled over.
	Skew = 1
)

var validateOpts = totp.ValidateOpts{Period: uint(Period / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Devices are the users' TOTP devices.
type Devices struct {
	DB     *gorm.DB
	Sealer *Sealer
	// Issuer is MFA_ISSUER; RecoveryCodes is MFA_RECOVERY_CODES.
	Issuer        string
	RecoveryCodes int
	// Now is the clock codes are checked against; nil means time.Now. The app passes its
	// own clock, which tests set.
	Now func() time.Time
	// Logger receives the devices whose secret no key opens; nil is slog.Default().
	Logger *slog.Logger
}

// What a code or device check can find; the serializers turn them into DRF's errors.
var (
	ErrNoDevice         = errors.New("mfa: no TOTP device")
	ErrAlreadyConfirmed = errors.New("mfa: the TOTP device is already confirmed")
	ErrWrongCode        = errors.New("mfa: wrong code")
	ErrCodeUsed         = errors.New("mfa: code already used")
	ErrTokenUsed        = errors.New("mfa: mfa token already used")
	// ErrUnreadable: the device's secret opens with neither SECRET_KEY nor any of
	// SECRET_KEY_FALLBACKS (the key changed and the old one was not kept). Its codes
	// cannot be checked; its recovery codes, hashes, still work.
	ErrUnreadable = errors.New("mfa: the TOTP secret cannot be opened with SECRET_KEY or SECRET_KEY_FALLBACKS")
)

// CodeRefused is the code of the API error that refuses a wrong or spent code or recovery
// code: the mfa throttle counts those errors, and only those.
const CodeRefused = "mfa_code_refused"

func (d *Devices) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Proof is what a user gives for the second factor: a code from the app, or one of the
// recovery codes. Exactly one is set.
type Proof struct {
	Code         string
	RecoveryCode string
}

// Enrolment is a new, unconfirmed device as its user's app needs it.
type Enrolment struct {
	// Secret is the base32 secret, for typing into an app that cannot scan.
	Secret string
	// URI is the otpauth:// provisioning URI (Google Authenticator's Key Uri Format).
	URI string
	// QR is the URI as a QR code, a PNG image.
	QR []byte
}

// qrSize is the QR code's width and height in pixels: scannable from a screen.
const qrSize = 256

// Enrol gives the user a new secret in an unconfirmed device, replacing an unconfirmed
// one (the user scanned nothing, or lost the first QR code). A user with a confirmed
// device must disable it first: enrolling must not be a way around the second factor.
func (d *Devices) Enrol(ctx context.Context, user *models.User) (*Enrolment, error) {
	key, err := d.key(user, nil)
	if err != nil {
		return nil, err
	}
	qr, err := qrPNG(key)
	if err != nil {
		return nil, err
	}
	device := &models.TOTPDevice{UserID: user.ID, Secret: d.Sealer.Seal(key.Secret(), user.ID), CreatedAt: d.now().UTC()}
	err = models.Transaction(ctx, d.DB, func(tx *gorm.DB) error {
		var confirmed int64
		if err := tx.Model(&models.TOTPDevice{}).Where("user_id = ? AND confirmed", user.ID).Count(&confirmed).Error; err != nil {
			return err
		}
		if confirmed > 0 {
			return ErrAlreadyConfirmed
		}
		if err := tx.Where("user_id = ?", user.ID).Delete(&models.TOTPDevice{}).Error; err != nil {
			return err
		}
		return tx.Create(device).Error
	})
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: key.Secret(), URI: key.URL(), QR: qr}, nil
}

// key is the user's TOTP key: of secret, or of a new random one when secret is nil.
func (d *Devices) key(user *models.User, secret []byte) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{
		Issuer: d.Issuer, AccountName: user.Username, Period: validateOpts.Period, Secret: secret,
		SecretSize: 20, Digits: validateOpts.Digits, Algorithm: validateOpts.Algorithm, // RFC 4226's 160 bits
	})
}

// qrPNG is the key's otpauth:// URI as a QR code, a PNG image.
func qrPNG(key *otp.Key) ([]byte, error) {
	img, err := key.Image(qrSize, qrSize)
	if err != nil {
		return nil, err
	}
	var qr bytes.Buffer
	if err := png.Encode(&qr, img); err != nil {
		return nil, err
	}
	return qr.Bytes(), nil
}

// PendingQR is the QR code (PNG) of the user's unconfirmed device, for an app to scan
// again: ErrNoDevice when there is none. A confirmed device's secret is never shown again.
func (d *Devices) PendingQR(ctx context.Context, user *models.User) ([]byte, error) {
	var device models.TOTPDevice
	err := d.DB.WithContext(ctx).Where("user_id = ? AND NOT confirmed", user.ID).Take(&device).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoDevice
	}
	if err != nil {
		return nil, err
	}
	secret, err := d.secret(d.DB.WithContext(ctx), &device)
	if err != nil {
		return nil, err
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		return nil, err
	}
	key, err := d.key(user, raw)
	if err != nil {
		return nil, err
	}
	return qrPNG(key)
}

// newRecoveryCodes are n new recovery codes and their rows (without a device).
func newRecoveryCodes(n int) ([]string, []models.TOTPRecoveryCode) {
	codes := make([]string, n)
	rows := make([]models.TOTPRecoveryCode, n)
	for i := range codes {
		codes[i] = newRecoveryCode()
		rows[i] = models.TOTPRecoveryCode{CodeHash: hashRecoveryCode(codes[i])}
	}
	return codes, rows
}

// saveRecoveryCodes stores a device's new recovery codes in tx.
func saveRecoveryCodes(tx *gorm.DB, device *models.TOTPDevice, rows []models.TOTPRecoveryCode) error {
	if len(rows) == 0 {
		return nil
	}
	for i := range rows {
		rows[i].DeviceID = device.ID
	}
	return tx.Create(&rows).Error
}

// RegenerateRecoveryCodes replaces the recovery codes of the user's confirmed device,
// given a current code: the old ones, used or not, stop working. The new ones are shown
// this once.
func (d *Devices) RegenerateRecoveryCodes(ctx context.Context, userID int64, code string) ([]string, error) {
	codes, rows := newRecoveryCodes(d.RecoveryCodes)
	err := models.Transaction(ctx, d.DB, func(tx *gorm.DB) error {
		device, err := d.device(tx, userID)
		if err != nil {
			return err
		}
		if !device.Confirmed {
			return ErrNoDevice
		}
		if err := d.useCode(tx, device, code); err != nil {
			return err
		}
		if err := tx.Where("device_id = ?", device.ID).Delete(&models.TOTPRecoveryCode{}).Error; err != nil {
			return err
		}
		return saveRecoveryCodes(tx, device, rows)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// Status is what the user's device is: none, enrolled, confirmed; and how many recovery
// codes are left.
type Status struct {
	Enrolled               bool `json:"enrolled"`
	Confirmed              bool `json:"confirmed"`
	RecoveryCodesRemaining int  `json:"recovery_codes_remaining"`
}

// StatusOf is the user's device as Status says it.
func (d *Devices) StatusOf(ctx context.Context, userID int64) (Status, error) {
	var device models.TOTPDevice
	err := d.DB.WithContext(ctx).Where("user_id = ?", userID).Take(&device).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Status{}, nil
	}
	if err != nil {
		return Status{}, err
	}
	var left int64
	if err := d.DB.WithContext(ctx).Model(&models.TOTPRecoveryCode{}).Where("device_id = ? AND used_at IS NULL", device.ID).Count(&left).Error; err != nil {
		return Status{}, err
	}
	return Status{Enrolled: true, Confirmed: device.Confirmed, RecoveryCodesRemaining: int(left)}, nil
}

// Required says whether a login of the user needs the second step: they have a
// confirmed device. It is one indexed read on every login.
func (d *Devices) Required(ctx context.Context, userID int64) (bool, error) {
	var n int64
	err := d.DB.WithContext(ctx).Model(&models.TOTPDevice{}).Where("user_id = ? AND confirmed", userID).Count(&n).Error
	return n > 0, err
}

// Confirm confirms the user's unconfirmed device with a first code from their app and
// returns its recovery codes, the only time they are shown.
func (d *Devices) Confirm(ctx context.Context, userID int64, code string) ([]string, error) {
	codes, rows := newRecoveryCodes(d.RecoveryCodes)
	err := models.Transaction(ctx, d.DB, func(tx *gorm.DB) error {
		device, err := d.device(tx, userID)
		if err != nil {
			return err
		}
		if device.Confirmed {
			return ErrAlreadyConfirmed
		}
		if err := d.useCode(tx, device, code); err != nil {
			return err
		}
		if err := tx.Model(device).Update("confirmed", true).Error; err != nil {
			return err
		}
		return saveRecoveryCodes(tx, device, rows)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// Disable removes the user's device, confirmed or not, and its recovery codes, given a
// valid code or recovery code: someone holding only a stolen access token cannot turn the
// second factor off.
func (d *Devices) Disable(ctx context.Context, userID int64, p Proof) error {
	return models.Transaction(ctx, d.DB, func(tx *gorm.DB) error {
		device, err := d.device(tx, userID)
		if err != nil {
			return err
		}
		if err := d.use(tx, device, p); err != nil {
			return err
		}
		// The foreign key cascades; deleting the codes first does not rely on it.
		if err := tx.Where("device_id = ?", device.ID).Delete(&models.TOTPRecoveryCode{}).Error; err != nil {
			return err
		}
		return tx.Delete(device).Error
	})
}

// VerifyLogin is the second step of a login: the mfa token (its jti, until exp) is spent
// and the proof checked and used up in one transaction, so that a wrong code leaves the
// token usable for another try and a right one can never serve twice, however many
// requests race.
func (d *Devices) VerifyLogin(ctx context.Context, userID int64, p Proof, jti string, exp time.Time) error {
	now := d.now()
	return models.Transaction(ctx, d.DB, func(tx *gorm.DB) error {
		if err := SpendToken(tx, jti, exp, now); err != nil {
			return err
		}
		device, err := d.device(tx, userID)
		if err != nil {
			return err
		}
		if !device.Confirmed {
			return ErrNoDevice
		}
		return d.use(tx, device, p)
	})
}

// SpendToken records the mfa token jti (valid until exp) as exchanged, in tx:
// ErrTokenUsed when it already was. Every second factor's login step calls it in the
// transaction that checks its proof.
func SpendToken(tx *gorm.DB, jti string, exp, now time.Time) error {
	// The spent tokens of the past are kept only until they expire: pruned here, by an
	// indexed range, rather than by another job to run.
	if err := tx.Where("expires_at <= ?", now.UTC()).Delete(&models.MFATokenUse{}).Error; err != nil {
		return err
	}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&models.MFATokenUse{JTI: jti, ExpiresAt: exp.UTC()})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrTokenUsed
	}
	return nil
}

// device is the user's device, in tx.
func (d *Devices) device(tx *gorm.DB, userID int64) (*models.TOTPDevice, error) {
	var device models.TOTPDevice
	err := tx.Where("user_id = ?", userID).Take(&device).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNoDevice
	}
	return &device, err
}

// use checks a proof and uses it up.
func (d *Devices) use(tx *gorm.DB, device *models.TOTPDevice, p Proof) error {
	if p.RecoveryCode != "" {
		return d.useRecoveryCode(tx, device, p.RecoveryCode)
	}
	return d.useCode(tx, device, p.Code)
}

// useCode accepts a code of the current step or of one step either side, but only of a
// step later than the last code accepted (RFC 6238 §5.2: one code, one use). The step is
// written only if it is still later, so two requests racing with one code cannot both win.
func (d *Devices) useCode(tx *gorm.DB, device *models.TOTPDevice, code string) error {
	code = strings.ReplaceAll(code, " ", "") // apps show "123 456"
	if len(code) != int(validateOpts.Digits) {
		return ErrWrongCode
	}
	secret, err := d.secret(tx, device)
	if err != nil {
		return err
	}
	now := d.now()
	current := now.Unix() / int64(validateOpts.Period)
	used := false
	for step := current - Skew; step <= current+Skew; step++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*int64(validateOpts.Period), 0), validateOpts)
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		if step <= device.LastUsedStep {
			used = true
			continue
		}
		res := tx.Model(&models.TOTPDevice{}).Where("id = ? AND last_used_step < ?", device.ID, step).Update("last_used_step", step)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrCodeUsed
		}
		device.LastUsedStep = step
		return nil
	}
	if used {
		return ErrCodeUsed
	}
	return ErrWrongCode
}

// useRecoveryCode spends one of the device's unused recovery codes.
func (d *Devices) useRecoveryCode(tx *gorm.DB, device *models.TOTPDevice, code string) error {
	var unused []models.TOTPRecoveryCode
	if err := tx.Where("device_id = ? AND used_at IS NULL", device.ID).Find(&unused).Error; err != nil {
		return err
	}
	for _, c := range unused {
		if !matchesRecoveryCode(c.CodeHash, code) {
			continue
		}
		now := d.now().UTC()
		res := tx.Model(&models.TOTPRecoveryCode{}).Where("id = ? AND used_at IS NULL", c.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			break // spent by a request that raced this one
		}
		return nil
	}
	return ErrWrongCode
}

// secret opens the device's secret. One a fallback key opened is sealed again under
// SECRET_KEY, so the fallback can be retired once every device was used; one no key opens
// is logged for the operator, who must reset the device, and is ErrUnreadable.
func (d *Devices) secret(tx *gorm.DB, device *models.TOTPDevice) (string, error) {
	secret, stale, err := d.Sealer.Open(device.Secret, device.UserID)
	if err != nil {
		logger := d.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.ErrorContext(tx.Statement.Context, "mfa: a TOTP device's secret opens with no key: was SECRET_KEY changed without keeping the old one in SECRET_KEY_FALLBACKS?",
			"user_id", device.UserID, "device_id", device.ID)
		return "", ErrUnreadable
	}
	if stale {
		sealed := d.Sealer.Seal(secret, device.UserID)
		if err := tx.Model(&models.TOTPDevice{}).Where("id = ? AND secret = ?", device.ID, device.Secret).Update("secret", sealed).Error; err != nil {
			return "", err
		}
		device.Secret = sealed
	}
	return secret, nil
}
