package views

import (
	"context"
	"errors"
	"net/http"

	"ginrest/mfa"
	"ginrest/models"
	"ginrest/permissions"
	"ginrest/rest"
	"ginrest/tokenserializers"
)

// The caller's TOTP device (docs/mfa.md): enrol, confirm, disable. Each needs the stored
// user and answers with no-store, since secrets and recovery codes are shown once. Confirm
// and disable take codes, so urls gives them the mfa throttle.

// TOTP is /api/auth/totp/: GET says whether the caller has a device, POST enrols a new one.
type TOTP struct {
	rest.APIView
	devices *mfa.Devices
	enrol   tokenserializers.TOTPEnrol
}

var (
	_ rest.Getter = (*TOTP)(nil)
	_ rest.Poster = (*TOTP)(nil)
)

// NewTOTP builds the enrolment view.
func NewTOTP(devices *mfa.Devices) *TOTP {
	return &TOTP{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Name: "TOTP Device", Description: "Shows the caller's TOTP device (GET), or enrols a new, unconfirmed one (POST).",
		Schema: rest.Schema{Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: mfa.Status{}}},
			// It reads no body; a confirmed device is a 400 (disable it first).
			http.MethodPost: {NoRequest: true, Created: true, Responses: map[int]any{http.StatusCreated: tokenserializers.TOTPEnrolment{}},
				Errors: []int{http.StatusBadRequest}},
		}}},
		devices: devices, enrol: tokenserializers.TOTPEnrol{Devices: devices}}
}

func (v *TOTP) Get(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	status, err := v.devices.StatusOf(r.Context(), user.ID)
	if err != nil {
		return nil, err
	}
	return rest.OK(status), nil
}

func (v *TOTP) Post(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	out, err := v.enrol.Validate(r.Context(), user)
	if err != nil {
		return nil, err
	}
	return rest.Created(out), nil
}

// TOTPConfirm is /api/auth/totp/confirm/: the first code confirms the device and the
// answer holds the recovery codes.
type TOTPConfirm struct {
	rest.APIView
	serializer tokenserializers.TOTPConfirm
}

var (
	_ rest.Poster          = (*TOTPConfirm)(nil)
	_ rest.ActionDescriber = (*TOTPConfirm)(nil)
)

// NewTOTPConfirm builds the view; throttles as for NewPassword (urls passes the mfa
// throttle).
func NewTOTPConfirm(devices *mfa.Devices, throttles ...rest.Throttle) *TOTPConfirm {
	return &TOTPConfirm{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated}, Throttles: throttles,
		Name: "TOTP Confirm", Description: "Confirms the caller's TOTP device with a first code and returns its recovery codes, once.",
		Schema: rest.Schema{Operations: map[string]rest.Operation{http.MethodPost: {Responses: map[int]any{http.StatusOK: recoveryCodes}}}}},
		serializer: tokenserializers.TOTPConfirm{Devices: devices}}
}

// recoveryCodes is the body of a confirmation: tokenserializers.RecoveryCodes, whose list
// is never null (its Go type would say it may be).
var recoveryCodes = rest.Fields{{Name: "recovery_codes", Type: "list", Required: true, ReadOnly: true, Label: "Recovery codes",
	HelpText: "MFA_RECOVERY_CODES single-use codes, each good for one login or disable instead of a code; shown this once.",
	Child:    &rest.FieldInfo{Type: "string", Required: true, ReadOnly: true}}}

func (v *TOTPConfirm) Describe(string) rest.Fields { return v.serializer.Describe() }

func (v *TOTPConfirm) Post(r *rest.Request) (*rest.Response, error) {
	return recoveryCodesPost(r, v.serializer.Validate)
}

// recoveryCodesPost runs a view whose body is a code and whose answer recovery codes.
func recoveryCodesPost(r *rest.Request, validate func(context.Context, *models.User, any) (*tokenserializers.RecoveryCodes, error)) (*rest.Response, error) {
	out, err := validateOwn(r, validate)
	if err != nil {
		return nil, err
	}
	return rest.OK(out), nil
}

// TOTPDisable is /api/auth/totp/disable/: a code or a recovery code removes the device.
type TOTPDisable struct {
	rest.APIView
	serializer tokenserializers.TOTPDisable
}

var (
	_ rest.Poster          = (*TOTPDisable)(nil)
	_ rest.ActionDescriber = (*TOTPDisable)(nil)
)

// NewTOTPDisable builds the view; throttles as for NewTOTPConfirm.
func NewTOTPDisable(devices *mfa.Devices, throttles ...rest.Throttle) *TOTPDisable {
	return &TOTPDisable{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated}, Throttles: throttles,
		Name: "TOTP Disable", Description: "Removes the caller's TOTP device, given a code or a recovery code.",
		Schema: rest.Schema{Operations: map[string]rest.Operation{
			http.MethodPost: {Status: http.StatusNoContent, Responses: map[int]any{http.StatusNoContent: nil}},
		}}},
		serializer: tokenserializers.TOTPDisable{Devices: devices}}
}

func (v *TOTPDisable) Describe(string) rest.Fields { return v.serializer.Describe() }

func (v *TOTPDisable) Post(r *rest.Request) (*rest.Response, error) {
	_, err := validateOwn(r, func(ctx context.Context, user *models.User, data any) (struct{}, error) {
		return struct{}{}, v.serializer.Validate(ctx, user, data)
	})
	if err != nil {
		return nil, err
	}
	return rest.NoContent(), nil
}

// TOTPQRCode is /api/auth/totp/qr.png: the QR code of the caller's unconfirmed device, a
// PNG, for a page that shows it with fetch() and an object URL (an <img src> sends no
// bearer token). The enrolment's JSON has it as a data URI too. A confirmed device's
// secret is never shown again: 404.
type TOTPQRCode struct {
	rest.APIView
	devices *mfa.Devices
}

var _ rest.Getter = (*TOTPQRCode)(nil)

// NewTOTPQRCode builds the view.
func NewTOTPQRCode(devices *mfa.Devices) *TOTPQRCode {
	return &TOTPQRCode{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated},
		Renders: []string{"image/png"},
		Name:    "TOTP QR Code", Description: "The QR code of the caller's unconfirmed TOTP device, as a PNG image.",
		Schema: rest.Schema{Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: rest.Binary{MediaType: "image/png"}}, Errors: []int{http.StatusNotFound}},
		}}},
		devices: devices}
}

func (v *TOTPQRCode) Get(r *rest.Request) (*rest.Response, error) {
	user, err := models.StoredUser(r)
	if err != nil {
		return nil, err
	}
	png, err := v.devices.PendingQR(r.Context(), user)
	if errors.Is(err, mfa.ErrNoDevice) {
		return nil, rest.NotFound()
	}
	if err != nil {
		return nil, tokenserializers.ProofError(err, mfa.Proof{})
	}
	return &rest.Response{Status: http.StatusOK, Body: png, ContentType: "image/png"}, nil
}

// TOTPRecoveryCodes is /api/auth/totp/recovery-codes/: a current code replaces the
// recovery codes; the old ones stop working.
type TOTPRecoveryCodes struct {
	rest.APIView
	serializer tokenserializers.RecoveryCodesRegenerate
}

var (
	_ rest.Poster          = (*TOTPRecoveryCodes)(nil)
	_ rest.ActionDescriber = (*TOTPRecoveryCodes)(nil)
)

// NewTOTPRecoveryCodes builds the view; throttles as for NewTOTPConfirm.
func NewTOTPRecoveryCodes(devices *mfa.Devices, throttles ...rest.Throttle) *TOTPRecoveryCodes {
	return &TOTPRecoveryCodes{APIView: rest.APIView{StoredUser: true, NoStore: true, Permissions: []rest.Permission{permissions.IsAuthenticated}, Throttles: throttles,
		Name: "TOTP Recovery Codes", Description: "Replaces the caller's recovery codes, given a current code; the new ones are shown once.",
		Schema: rest.Schema{Operations: map[string]rest.Operation{http.MethodPost: {Responses: map[int]any{http.StatusOK: recoveryCodes}}}}},
		serializer: tokenserializers.RecoveryCodesRegenerate{Devices: devices}}
}

func (v *TOTPRecoveryCodes) Describe(string) rest.Fields { return v.serializer.Describe() }

func (v *TOTPRecoveryCodes) Post(r *rest.Request) (*rest.Response, error) {
	return recoveryCodesPost(r, v.serializer.Validate)
}
