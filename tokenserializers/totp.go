package tokenserializers

import (
	"context"
	"encoding/base64"
	"errors"

	"ginrest/mfa"
	"ginrest/models"
	"ginrest/rest"
	"ginrest/serializers"
)

// The TOTP device's workflows, for the authenticated user: enrol, confirm, disable. Each
// takes the stored user, as PasswordChange does.

// The messages of the device views.
const (
	MsgMFAAlreadyEnabled = "Two-factor authentication is already enabled. Disable it before enrolling a new device."
	MsgNoDeviceToConfirm = "There is no device to confirm. Enrol one first."
)

// TOTPEnrolment is the answer to an enrolment: what the user's app needs, shown once.
type TOTPEnrolment struct {
	// Secret is the base32 secret, for apps that cannot scan.
	Secret string `json:"secret"`
	// ProvisioningURI is the otpauth:// URI the QR code holds.
	ProvisioningURI string `json:"provisioning_uri"`
	// QRCode is that QR code as a PNG in a data URI, ready for an <img src>.
	QRCode string `json:"qr_code"`
}

// TOTPEnrol starts an unconfirmed device: POST /api/auth/totp/.
type TOTPEnrol struct{ Devices *mfa.Devices }

func (s TOTPEnrol) Describe() rest.Fields { return rest.Fields{} }

func (s TOTPEnrol) Validate(ctx context.Context, user *models.User) (*TOTPEnrolment, error) {
	e, err := s.Devices.Enrol(ctx, user)
	if errors.Is(err, mfa.ErrAlreadyConfirmed) {
		return nil, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgMFAAlreadyEnabled}})
	}
	if err != nil {
		return nil, err
	}
	return &TOTPEnrolment{Secret: e.Secret, ProvisioningURI: e.URI,
		QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR)}, nil
}

// TOTPConfirm confirms the device with a first code: POST /api/auth/totp/confirm/.
type TOTPConfirm struct{ Devices *mfa.Devices }

// RecoveryCodes is the answer to a confirmation: the recovery codes, shown this once.
type RecoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

var confirmCodeField = serializers.CharField{Name: "code", Label: "Code", Trim: true}

func (s TOTPConfirm) Describe() rest.Fields { return rest.Fields{confirmCodeField.Describe()} }

func (s TOTPConfirm) Validate(ctx context.Context, user *models.User, data any) (*RecoveryCodes, error) {
	code, err := readOne(data, confirmCodeField)
	if err != nil {
		return nil, err
	}
	codes, err := s.Devices.Confirm(ctx, user.ID, code)
	switch {
	case errors.Is(err, mfa.ErrNoDevice):
		return nil, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgNoDeviceToConfirm}})
	case errors.Is(err, mfa.ErrAlreadyConfirmed):
		return nil, rest.ValidationError(map[string]any{rest.NonFieldErrors: []string{MsgMFAAlreadyEnabled}})
	case err != nil:
		return nil, ProofError(err, mfa.Proof{Code: code})
	}
	return &RecoveryCodes{RecoveryCodes: codes}, nil
}

// TOTPDisable removes the device given a code or a recovery code:
// POST /api/auth/totp/disable/.
type TOTPDisable struct{ Devices *mfa.Devices }

func (s TOTPDisable) Describe() rest.Fields {
	return rest.Fields{codeField.Describe(), recoveryCodeField.Describe()}
}

func (s TOTPDisable) Validate(ctx context.Context, user *models.User, data any) error {
	obj, err := serializers.Object(data)
	if err != nil {
		return err
	}
	errs := serializers.Errors{}
	proof := ReadProof(obj, errs)
	if err := errs.Err(); err != nil {
		return err
	}
	if err := s.Devices.Disable(ctx, user.ID, proof); err != nil {
		return ProofError(err, proof)
	}
	return nil
}

// RecoveryCodesRegenerate replaces the recovery codes given a current code:
// POST /api/auth/totp/recovery-codes/.
type RecoveryCodesRegenerate struct{ Devices *mfa.Devices }

func (s RecoveryCodesRegenerate) Describe() rest.Fields {
	return rest.Fields{confirmCodeField.Describe()}
}

func (s RecoveryCodesRegenerate) Validate(ctx context.Context, user *models.User, data any) (*RecoveryCodes, error) {
	code, err := readOne(data, confirmCodeField)
	if err != nil {
		return nil, err
	}
	codes, err := s.Devices.RegenerateRecoveryCodes(ctx, user.ID, code)
	if err != nil {
		return nil, ProofError(err, mfa.Proof{Code: code})
	}
	return &RecoveryCodes{RecoveryCodes: codes}, nil
}
