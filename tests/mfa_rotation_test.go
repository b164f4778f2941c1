package tests

import (
	"bytes"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/settings"
	"ginrest/tokenserializers"
)

// TestMFASecretKeyRotation: a device sealed under an old SECRET_KEY still works while
// that key is in SECRET_KEY_FALLBACKS, and is sealed again under the new key at its first
// use; a device no key opens fails closed and clearly (a 400 that says to use a recovery
// code, an error in the log), never a 500, and its recovery codes still log the user in.
func TestMFASecretKeyRotation(t *testing.T) {
	const (
		oldKey = "the-old-secret-key-of-this-test-0123456789abcdefghijkl"
		newKey = "the-new-secret-key-of-this-test-0123456789abcdefghijkl"
		gone   = "a-third-key-that-sealed-nothing-0123456789abcdefghijkl"
	)
	key := func(k string, fallbacks ...string) func(*settings.Settings) {
		return func(s *settings.Settings) { s.SecretKey, s.SecretKeyFallbacks = k, fallbacks }
	}
	db := testDB(t)
	old := newServerOn(t, db, key(oldKey))
	old.createUser("alice", mfaPassword)
	secret, recovery := old.withDevice()
	var device models.TOTPDevice
	if err := db.Take(&device).Error; err != nil {
		t.Fatal(err)
	}

	// login is alice's two steps at s, with proof, at a clock past every code spent so far.
	step := old.Clock.Now()
	login := func(s *server, field, value string) *httptest.ResponseRecorder {
		s.Clock.Set(step)
		mfaToken := s.mfaStep("/api/token/")
		return s.exchange(map[string]string{"mfa_token": mfaToken, field: value})
	}
	next := func(s *server) string {
		step = step.Add(2 * totpStep)
		s.Clock.Set(step)
		return s.codeAt(secret, 0)
	}

	rotated := newServerOn(t, db, key(newKey, oldKey))
	if rec := login(rotated, "code", next(rotated)); rec.Code != http.StatusOK || bodyMap(t, rec)["refresh"] == nil {
		t.Fatalf("code of a device sealed under a fallback key: %d %s", rec.Code, rec.Body)
	}
	var resealed models.TOTPDevice
	if err := db.Take(&resealed).Error; err != nil || resealed.Secret == device.Secret {
		t.Fatalf("the device was not sealed again under SECRET_KEY (%v)", err)
	}
	// The fallback is retired: the new key alone opens the device.
	retired := newServerOn(t, db, key(newKey))
	if rec := login(retired, "code", next(retired)); rec.Code != http.StatusOK {
		t.Fatalf("code after the fallback was retired: %d %s", rec.Code, rec.Body)
	}

	// A key that sealed nothing, and no fallback: the device cannot check codes.
	lost := newServerOn(t, db, key(gone))
	var logs bytes.Buffer
	lost.App.MFA.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	code := next(lost)
	unreadable := `{"code":["` + tokenserializers.MsgDeviceUnreadable + `"]}`
	assertJSON(t, login(lost, "code", code), http.StatusBadRequest, unreadable)
	if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "SECRET_KEY_FALLBACKS") {
		t.Errorf("no error logged for the unreadable device: %q", logs.String())
	}
	// Recovery codes are hashes, not sealed: they still log the user in, and disable the
	// device, which a code cannot.
	rec := login(lost, "recovery_code", recovery[0])
	if rec.Code != http.StatusOK || bodyMap(t, rec)["refresh"] == nil {
		t.Fatalf("recovery code with an unreadable device: %d %s", rec.Code, rec.Body)
	}
	access := bodyMap(t, rec)["access"].(string)
	disable := func(field, value string) *httptest.ResponseRecorder {
		return lost.do(jsonReq("POST", "/api/auth/totp/disable/", access, `{"`+field+`":"`+value+`"}`))
	}
	assertJSON(t, disable("code", code), http.StatusBadRequest, unreadable)
	if rec := disable("recovery_code", recovery[1]); rec.Code != http.StatusNoContent {
		t.Errorf("disable with a recovery code: %d %s", rec.Code, rec.Body)
	}
}

// TestRecoveryCodesRegenerate: new recovery codes for a current code; the old ones, used
// or not, stop working. And qr.png is the enrolment's QR code, while it is pending.
func TestRecoveryCodesRegenerate(t *testing.T) {
	s, _ := mfaServer(t)
	access, _ := s.login("alice", mfaPassword)
	rec := s.sessCall(http.MethodPost, "/api/auth/totp/", access, nil)
	var enrolment struct {
		Secret string `json:"secret"`
		QRCode string `json:"qr_code"`
	}
	mustJSON(t, rec.Body.Bytes(), &enrolment)
	png := s.getWith("/api/auth/totp/qr.png", access)
	if png.Code != http.StatusOK || "data:image/png;base64,"+base64.StdEncoding.EncodeToString(png.Body.Bytes()) != enrolment.QRCode {
		t.Errorf("qr.png: %d, not the enrolment's QR code", png.Code)
	}
	secret := enrolment.Secret
	rec = s.sessCall(http.MethodPost, "/api/auth/totp/confirm/", access, map[string]string{"code": s.codeAt(secret, 0)})
	var confirmed struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	mustJSON(t, rec.Body.Bytes(), &confirmed)
	s.Clock.Advance(2 * totpStep)
	rec = s.sessCall(http.MethodPost, "/api/auth/totp/recovery-codes/", access, map[string]string{"code": s.codeAt(secret, 0)})
	var regenerated struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	mustJSON(t, rec.Body.Bytes(), &regenerated)
	if rec.Code != http.StatusOK || len(regenerated.RecoveryCodes) != 10 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("regenerate: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": confirmed.RecoveryCodes[0]}),
		http.StatusBadRequest, `{"recovery_code":["`+tokenserializers.MsgRecoveryCodeInvalid+`"]}`)
	if rec := s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": regenerated.RecoveryCodes[0]}); rec.Code != http.StatusOK {
		t.Errorf("a new recovery code: %d %s", rec.Code, rec.Body)
	}
}
