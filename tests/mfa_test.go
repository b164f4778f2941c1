package tests

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"ginrest/models"
	"ginrest/settings"
)

// The second factor (docs/mfa.md): TOTP devices at /api/auth/totp/, the login's mfa step
// and its exchange at /api/token/mfa/. Codes are computed here at the server's clock,
// which the tests move step by step.

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

const (
	mfaPassword = "wonderland-42"
	totpStep    = 30 * time.Second
)

// mfaServer is a server whose clock is 10 s into a TOTP step, with alice stored.
func mfaServer(t *testing.T, change ...func(*settings.Settings)) (*server, *models.User) {
	t.Helper()
	s := newServer(t, change...)
	start := s.Clock.Now().Unix()
	s.Clock.Set(time.Unix(start-start%30+10, 0))
	return s, s.createUser("alice", mfaPassword)
}

// codeAt is the code of secret at the server's clock moved by offset.
func (s *server) codeAt(secret string, offset time.Duration) string {
	s.t.Helper()
	code, err := totp.GenerateCodeCustom(secret, s.Clock.Now().Add(offset), totpOpts)
	if err != nil {
		s.t.Fatal(err)
	}
	return code
}

// wrongCode is a six-digit code that is none of the codes of steps -2 to +2.
func (s *server) wrongCode(secret string) string {
	s.t.Helper()
	taken := map[string]bool{}
	for i := -2; i <= 2; i++ {
		taken[s.codeAt(secret, time.Duration(i)*totpStep)] = true
	}
	for n := 0; ; n++ {
		if c := fmt.Sprintf("%06d", n); !taken[c] {
			return c
		}
	}
}

// enrol enrols the user whose access token is given, returning the secret.
func (s *server) enrol(access string) string {
	s.t.Helper()
	rec := s.sessCall(http.MethodPost, "/api/auth/totp/", access, nil)
	if rec.Code != http.StatusCreated {
		s.t.Fatalf("enrol: %d %s", rec.Code, rec.Body)
	}
	var body struct{ Secret string }
	mustJSON(s.t, rec.Body.Bytes(), &body)
	return body.Secret
}

// withDevice gives alice a confirmed device: her secret and recovery codes.
func (s *server) withDevice() (secret string, recovery []string) {
	s.t.Helper()
	access, _ := s.login("alice", mfaPassword)
	secret = s.enrol(access)
	rec := s.sessCall(http.MethodPost, "/api/auth/totp/confirm/", access, map[string]string{"code": s.codeAt(secret, 0)})
	if rec.Code != http.StatusOK {
		s.t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	var body struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	mustJSON(s.t, rec.Body.Bytes(), &body)
	// The confirming code is spent: the tests start two steps on, so that every code of the
	// accepted window is fresh.
	s.Clock.Advance(2 * totpStep)
	return secret, body.RecoveryCodes
}

// mfaStep logs alice in at path and returns the mfa token of the answer.
func (s *server) mfaStep(path string) string {
	s.t.Helper()
	rec := s.postJSON(path, map[string]string{"username": "alice", "password": mfaPassword})
	body := bodyMap(s.t, rec)
	if rec.Code != http.StatusOK || body["mfa_required"] != true {
		s.t.Fatalf("login at %s: %d %s, want the mfa step", path, rec.Code, rec.Body)
	}
	return body["mfa_token"].(string)
}

func (s *server) exchange(body map[string]string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.postJSON("/api/token/mfa/", body)
}

func TestTOTPEnrolment(t *testing.T) {
	s, alice := mfaServer(t, func(st *settings.Settings) { st.MFA.Issuer = "Acme API" })
	assertJSON(t, s.postJSON("/api/auth/totp/", nil), http.StatusUnauthorized, `{"detail": "Authentication credentials were not provided."}`)
	access, _ := s.login("alice", mfaPassword)

	rec := s.sessCall(http.MethodPost, "/api/auth/totp/", access, nil)
	if rec.Code != http.StatusCreated || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("enrol: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	var e struct {
		Secret          string
		ProvisioningURI string `json:"provisioning_uri"`
		QRCode          string `json:"qr_code"`
	}
	mustJSON(t, rec.Body.Bytes(), &e)
	uri, err := url.Parse(e.ProvisioningURI)
	if err != nil || uri.Scheme != "otpauth" || uri.Host != "totp" || uri.Path != "/Acme API:alice" {
		t.Errorf("provisioning URI %q", e.ProvisioningURI)
	}
	q := uri.Query()
	for k, want := range map[string]string{"secret": e.Secret, "issuer": "Acme API", "algorithm": "SHA1", "digits": "6", "period": "30"} {
		if q.Get(k) != want {
			t.Errorf("URI %s = %q, want %q", k, q.Get(k), want)
		}
	}
	png, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(e.QRCode, "data:image/png;base64,"))
	if !strings.HasPrefix(e.QRCode, "data:image/png;base64,") || err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("qr_code is not a PNG data URI: %.60q", e.QRCode)
	}

	// The secret is sealed at rest: the row holds neither it nor its bytes in clear.
	var device models.TOTPDevice
	if err := s.App.DB.Where("user_id = ?", alice.ID).Take(&device).Error; err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(device.Secret, "v1$") || strings.Contains(device.Secret, e.Secret) || device.Confirmed {
		t.Errorf("stored device %+v", device)
	}

	// Unconfirmed, it changes nothing at login; enrolling again replaces it.
	assertJSON(t, s.sessCall(http.MethodGet, "/api/auth/totp/", access, nil), http.StatusOK, `{"enrolled": true, "confirmed": false, "recovery_codes_remaining": 0}`)
	s.login("alice", mfaPassword)
	old := e.Secret
	secret := s.enrol(access)
	if secret == old {
		t.Error("a second enrolment kept the secret")
	}

	confirm := func(body map[string]string) *httptest.ResponseRecorder {
		return s.sessCall(http.MethodPost, "/api/auth/totp/confirm/", access, body)
	}
	assertJSON(t, confirm(map[string]string{}), http.StatusBadRequest, `{"code": ["This field is required."]}`)
	assertJSON(t, confirm(map[string]string{"code": s.wrongCode(secret)}), http.StatusBadRequest, `{"code": ["The code is not valid."]}`)
	assertJSON(t, confirm(map[string]string{"code": s.codeAt(old, 0)}), http.StatusBadRequest, `{"code": ["The code is not valid."]}`)
	rec = confirm(map[string]string{"code": s.codeAt(secret, 0)})
	var codes struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	mustJSON(t, rec.Body.Bytes(), &codes)
	seen := map[string]bool{}
	for _, c := range codes.RecoveryCodes {
		if len(c) != 19 || strings.Count(c, "-") != 3 || seen[c] {
			t.Errorf("recovery code %q", c)
		}
		seen[c] = true
	}
	if rec.Code != http.StatusOK || len(codes.RecoveryCodes) != 10 {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	var stored []models.TOTPRecoveryCode
	s.App.DB.Find(&stored)
	for _, r := range stored {
		if !strings.HasPrefix(r.CodeHash, "sha256$") || seen[r.CodeHash] {
			t.Errorf("stored recovery code %q", r.CodeHash)
		}
	}

	assertJSON(t, s.sessCall(http.MethodGet, "/api/auth/totp/", access, nil), http.StatusOK, `{"enrolled": true, "confirmed": true, "recovery_codes_remaining": 10}`)
	assertJSON(t, confirm(map[string]string{"code": s.codeAt(secret, totpStep)}), http.StatusBadRequest,
		`{"non_field_errors": ["Two-factor authentication is already enabled. Disable it before enrolling a new device."]}`)
	assertJSON(t, s.sessCall(http.MethodPost, "/api/auth/totp/", access, nil), http.StatusBadRequest,
		`{"non_field_errors": ["Two-factor authentication is already enabled. Disable it before enrolling a new device."]}`)
}

func TestMFALogin(t *testing.T) {
	s, _ := mfaServer(t)
	secret, _ := s.withDevice()
	mfaToken := s.mfaStep("/api/token/")

	claims := claimsOf(t, mfaToken)
	if claims["token_type"] != "mfa" || fmt.Sprint(claims["exp"]) != fmt.Sprint(s.Clock.Now().Add(5*time.Minute).Unix()) || claims["mfa_login"] != "pair" {
		t.Errorf("mfa token claims %v", claims)
	}

	// An mfa token is no credential: not an access token, not a refresh token, not valid.
	wrongType := `{"detail": "Token has wrong type", "code": "token_not_valid"}`
	assertJSON(t, s.getWith("/api/protected/", mfaToken), http.StatusUnauthorized,
		`{"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token has wrong type"}]}`)
	assertJSON(t, s.postJSON("/api/token/refresh/", map[string]string{"refresh": mfaToken}), http.StatusUnauthorized, wrongType)
	assertJSON(t, s.postJSON("/api/token/verify/", map[string]string{"token": mfaToken}), http.StatusUnauthorized, wrongType)
	assertJSON(t, s.postJSON("/api/token/sliding/refresh/", map[string]string{"token": mfaToken}), http.StatusUnauthorized, wrongType)
	assertJSON(t, s.postJSON("/api/token/blacklist/", map[string]string{"refresh": mfaToken}), http.StatusUnauthorized, wrongType)
	assertJSON(t, s.sessCall(http.MethodPost, "/api/auth/totp/disable/", mfaToken, map[string]string{"code": s.codeAt(secret, 0)}), http.StatusUnauthorized,
		`{"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token has wrong type"}]}`)

	for _, tc := range []struct {
		name string
		body map[string]string
		want string
	}{
		{"no code", map[string]string{"mfa_token": mfaToken}, `{"code": ["This field is required."]}`},
		{"no token", map[string]string{"code": s.codeAt(secret, 0)}, `{"mfa_token": ["This field is required."]}`},
		{"both codes", map[string]string{"mfa_token": mfaToken, "code": "123456", "recovery_code": "abcd"}, `{"non_field_errors": ["Give either a code or a recovery code, not both."]}`},
		{"wrong code", map[string]string{"mfa_token": mfaToken, "code": s.wrongCode(secret)}, `{"code": ["The code is not valid."]}`},
		{"five digits", map[string]string{"mfa_token": mfaToken, "code": s.codeAt(secret, 0)[:5]}, `{"code": ["The code is not valid."]}`},
	} {
		t.Run(tc.name, func(t *testing.T) { assertJSON(t, s.exchange(tc.body), http.StatusBadRequest, tc.want) })
	}

	// A wrong code left the mfa token usable; the right one gives a login's pair, with the
	// project's claims, in a session.
	code := s.codeAt(secret, 0)
	rec := s.exchange(map[string]string{"mfa_token": mfaToken, "code": code})
	var pair struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &pair)
	if rec.Code != http.StatusOK || pair.Access == "" || pair.Refresh == "" {
		t.Fatalf("exchange: %d %s", rec.Code, rec.Body)
	}
	if c := claimsOf(t, pair.Access); c["username"] != "alice" || c["token_type"] != "access" {
		t.Errorf("access claims %v", c)
	}
	assertJSON(t, s.getWith("/api/protected/", pair.Access), http.StatusOK, `{"message": "Hello, authenticated user!"}`)
	if rec := s.postJSON("/api/token/refresh/", map[string]string{"refresh": pair.Refresh}); rec.Code != http.StatusOK {
		t.Errorf("refresh after the exchange: %d %s", rec.Code, rec.Body)
	}

	// The mfa token works once, whatever the code; a code works once, whatever the token.
	s.Clock.Advance(totpStep)
	assertJSON(t, s.exchange(map[string]string{"mfa_token": mfaToken, "code": s.codeAt(secret, 0)}), http.StatusUnauthorized,
		`{"detail": "Token has already been used", "code": "token_not_valid"}`)
	assertJSON(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "code": code}), http.StatusBadRequest,
		`{"code": ["This code has already been used. Wait for the next one."]}`)
}

func TestMFASkew(t *testing.T) {
	for _, tc := range []struct {
		steps  int
		accept bool
	}{{-2, false}, {-1, true}, {0, true}, {1, true}, {2, false}} {
		t.Run(fmt.Sprintf("%+d steps", tc.steps), func(t *testing.T) {
			s, _ := mfaServer(t)
			secret, _ := s.withDevice()
			rec := s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "code": s.codeAt(secret, time.Duration(tc.steps)*totpStep)})
			if tc.accept && rec.Code != http.StatusOK {
				t.Errorf("%d %s, want 200", rec.Code, rec.Body)
			}
			if !tc.accept {
				assertJSON(t, rec, http.StatusBadRequest, `{"code": ["The code is not valid."]}`)
			}
		})
	}
}

func TestMFARecoveryCode(t *testing.T) {
	s, _ := mfaServer(t)
	_, recovery := s.withDevice()
	// As people retype it: capitals, no dashes.
	typed := strings.ToUpper(strings.ReplaceAll(recovery[3], "-", ""))
	rec := s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": typed})
	if rec.Code != http.StatusOK {
		t.Fatalf("recovery code: %d %s", rec.Code, rec.Body)
	}
	assertJSON(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": recovery[3]}), http.StatusBadRequest,
		`{"recovery_code": ["The recovery code is not valid or has already been used."]}`)
	assertJSON(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": "aaaa-bbbb-cccc-dddd"}), http.StatusBadRequest,
		`{"recovery_code": ["The recovery code is not valid or has already been used."]}`)
	access, _ := pairOf(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "recovery_code": recovery[4]}))
	assertJSON(t, s.sessCall(http.MethodGet, "/api/auth/totp/", access, nil), http.StatusOK, `{"enrolled": true, "confirmed": true, "recovery_codes_remaining": 8}`)
}

// pairOf reads a 200 token pair.
func pairOf(t *testing.T, rec *httptest.ResponseRecorder) (access, refresh string) {
	t.Helper()
	var pair struct{ Access, Refresh string }
	mustJSON(t, rec.Body.Bytes(), &pair)
	if rec.Code != http.StatusOK || pair.Access == "" {
		t.Fatalf("want a pair: %d %s", rec.Code, rec.Body)
	}
	return pair.Access, pair.Refresh
}

func TestMFATokenExpires(t *testing.T) {
	s, _ := mfaServer(t, func(st *settings.Settings) { st.MFA.TokenLifetime = 2 * time.Minute })
	secret, _ := s.withDevice()
	mfaToken := s.mfaStep("/api/token/")
	s.Clock.Advance(2*time.Minute + time.Second)
	assertJSON(t, s.exchange(map[string]string{"mfa_token": mfaToken, "code": s.codeAt(secret, 0)}), http.StatusUnauthorized,
		`{"detail": "Token is invalid or expired", "code": "token_not_valid"}`)
}

func TestMFASlidingLogin(t *testing.T) {
	s, _ := mfaServer(t)
	secret, _ := s.withDevice()
	mfaToken := s.mfaStep("/api/token/sliding/")
	rec := s.exchange(map[string]string{"mfa_token": mfaToken, "code": s.codeAt(secret, 0)})
	body := bodyMap(t, rec)
	token, _ := body["token"].(string)
	if rec.Code != http.StatusOK || len(body) != 1 || claimsOf(t, token)["token_type"] != "sliding" {
		t.Fatalf("sliding exchange: %d %s", rec.Code, rec.Body)
	}
}

func TestMFAThrottle(t *testing.T) {
	s, _ := mfaServer(t, func(st *settings.Settings) { st.ThrottleRates = map[string]string{"login": "10/min", "mfa": "3/min"} })
	secret, _ := s.withDevice()
	access, _ := pairOf(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "code": s.codeAt(secret, 0)}))
	s.Clock.Advance(2 * totpStep)
	mfaToken := s.mfaStep("/api/token/")
	exchangeFrom := func(remote, code string) *httptest.ResponseRecorder {
		body := fmt.Sprintf(`{"mfa_token": %q, "code": %q}`, mfaToken, code)
		return s.from(remote, req{Method: http.MethodPost, Path: "/api/token/mfa/", Body: body, ContentType: "application/json"})
	}
	wrong := s.wrongCode(secret)
	for i := range 3 {
		// From three addresses: the user's count stops them, not the address's.
		assertJSON(t, exchangeFrom(fmt.Sprintf("192.0.2.%d", i+1), wrong), http.StatusBadRequest, `{"code": ["The code is not valid."]}`)
	}
	rec := exchangeFrom("198.51.100.7", s.codeAt(secret, 0))
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("after 3 wrong codes: %d %s, want 429", rec.Code, rec.Body)
	}
	// The device views count against the same user.
	if rec := s.sessCall(http.MethodPost, "/api/auth/totp/disable/", access, map[string]string{"code": s.codeAt(secret, 0)}); rec.Code != http.StatusTooManyRequests {
		t.Errorf("disable while throttled: %d %s", rec.Code, rec.Body)
	}
	s.Clock.Advance(time.Minute)
	pairOf(t, exchangeFrom("198.51.100.7", s.codeAt(secret, 0)))
}

func TestTOTPDisable(t *testing.T) {
	for _, byRecovery := range []bool{false, true} {
		t.Run(fmt.Sprintf("recovery code %v", byRecovery), func(t *testing.T) {
			s, _ := mfaServer(t)
			secret, recovery := s.withDevice()
			access, _ := pairOf(t, s.exchange(map[string]string{"mfa_token": s.mfaStep("/api/token/"), "code": s.codeAt(secret, 0)}))
			disable := func(body map[string]string) *httptest.ResponseRecorder {
				return s.sessCall(http.MethodPost, "/api/auth/totp/disable/", access, body)
			}
			assertJSON(t, disable(map[string]string{}), http.StatusBadRequest, `{"code": ["This field is required."]}`)
			assertJSON(t, disable(map[string]string{"code": s.wrongCode(secret)}), http.StatusBadRequest, `{"code": ["The code is not valid."]}`)
			s.Clock.Advance(totpStep) // the exchange spent this step's code
			proof := map[string]string{"code": s.codeAt(secret, 0)}
			if byRecovery {
				proof = map[string]string{"recovery_code": recovery[0]}
			}
			if rec := disable(proof); rec.Code != http.StatusNoContent {
				t.Fatalf("disable: %d %s", rec.Code, rec.Body)
			}
			var n int64
			s.App.DB.Model(&models.TOTPRecoveryCode{}).Count(&n)
			if n != 0 {
				t.Errorf("%d recovery codes left after disabling", n)
			}
			assertJSON(t, s.sessCall(http.MethodGet, "/api/auth/totp/", access, nil), http.StatusOK, `{"enrolled": false, "confirmed": false, "recovery_codes_remaining": 0}`)
			assertJSON(t, disable(proof), http.StatusBadRequest, `{"non_field_errors": ["Two-factor authentication is not enabled for this account."]}`)
			s.login("alice", mfaPassword) // a pair again, with the password alone
		})
	}
}

// In cookie mode, the mfa step sets no cookie (it holds no refresh token) and the exchange
// sets them as the login would.
func TestMFACookieMode(t *testing.T) {
	s, _ := mfaServer(t, cookieMode)
	secret := s.withDeviceInCookieMode()
	rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": mfaPassword})
	body := bodyMap(t, rec)
	if rec.Code != http.StatusOK || body["mfa_required"] != true || len(rec.Header().Values("Set-Cookie")) != 0 {
		t.Fatalf("mfa step in cookie mode: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	rec = s.exchange(map[string]string{"mfa_token": body["mfa_token"].(string), "code": s.codeAt(secret, 0)})
	body = bodyMap(t, rec)
	if rec.Code != http.StatusOK || len(body) != 1 || body["access"] == nil {
		t.Fatalf("exchange in cookie mode: %d %s, want the access token only", rec.Code, rec.Body)
	}
	checkAuthCookies(t, rec)
}

// withDeviceInCookieMode is withDevice where a login answers the access token only.
func (s *server) withDeviceInCookieMode() (secret string) {
	s.t.Helper()
	rec := s.postJSON("/api/token/", map[string]string{"username": "alice", "password": mfaPassword})
	access, _ := bodyMap(s.t, rec)["access"].(string)
	secret = s.enrol(access)
	if rec := s.sessCall(http.MethodPost, "/api/auth/totp/confirm/", access, map[string]string{"code": s.codeAt(secret, 0)}); rec.Code != http.StatusOK {
		s.t.Fatalf("confirm: %d %s", rec.Code, rec.Body)
	}
	s.Clock.Advance(2 * totpStep)
	return secret
}
