package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/passwords"
	"ginrest/settings"
	"ginrest/urls"
)

const (
	msgTooShort  = "This password is too short. It must contain at least 8 characters."
	msgTooCommon = "This password is too common."
	msgNumeric   = "This password is entirely numeric."
)

// newPasswordErrors is the body of a refused password change: Django's messages, every
// one, under new_password.
func newPasswordErrors(messages ...string) string {
	raw, _ := json.Marshal(map[string][]string{"new_password": messages})
	return string(raw)
}

// A new password that AUTH_PASSWORD_VALIDATORS refuses is a 400 with Django's messages;
// nothing changes: the tokens and the old password still work.
func TestPasswordChangeValidators(t *testing.T) {
	s := newServer(t)
	s.createUser("alice", "wonderland-42", func(u *models.User) { u.Email = "alice.liddell@example.com"; u.LastName = "Liddell" })
	access, _ := s.login("alice", "wonderland-42")
	for _, c := range []struct {
		name, password, want string
	}{
		{"one letter", "a", newPasswordErrors(msgTooShort, msgTooCommon)},
		{"one digit", "1", newPasswordErrors(msgTooShort, msgTooCommon, msgNumeric)},
		{"common", "password", newPasswordErrors(msgTooCommon)},
		{"the username", "alice", newPasswordErrors("The password is too similar to the username.", msgTooShort, msgTooCommon)},
		{"the last name", "aliceliddell", newPasswordErrors("The password is too similar to the last name.")},
		{"numeric", "12345678", newPasswordErrors(msgTooCommon, msgNumeric)},
		{"10,000 characters", strings.Repeat("x", 10_000), newPasswordErrors("This password is too long. It must contain at most 4096 characters.")},
	} {
		t.Run(c.name, func(t *testing.T) {
			assertJSON(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": c.password}), 400, c.want)
			if rec := s.getWith("/api/protected/", access); rec.Code != 200 {
				t.Errorf("access after a refused change: %d %s", rec.Code, rec.Body)
			}
			s.login("alice", "wonderland-42")
		})
	}
	// A wrong old password is said first, as before, whatever the new one.
	assertJSON(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "nope", "new_password": "a"}), 400,
		`{"old_password":["Your old password was entered incorrectly. Please enter it again."]}`)
	sessPair(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "looking-glass-7"}))
	s.login("alice", "looking-glass-7")
}

// AUTH_PASSWORD_VALIDATORS chooses the validators; an application may replace one with
// other options; an unknown name stops the app at start.
func TestPasswordValidatorsSetting(t *testing.T) {
	s := newServer(t, func(st *settings.Settings) { st.AuthPasswordValidators = []string{"NumericPasswordValidator"} })
	s.createUser("alice", "wonderland-42")
	access, _ := s.login("alice", "wonderland-42")
	assertJSON(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "1"}), 400,
		newPasswordErrors(msgNumeric))
	access, _ = sessPair(t, s.sessCall("POST", "/api/auth/password/", access, map[string]string{"old_password": "wonderland-42", "new_password": "a"}))
	s.login("alice", "a")

	st := testSettings()
	st.AuthPasswordValidators = []string{"MinimumLengthValidator", "django.contrib.auth.password_validation.NoSuchValidator"}
	if _, err := urls.NewApp(st, testDB(t), urls.Options{}); err == nil ||
		!strings.Contains(err.Error(), `AUTH_PASSWORD_VALIDATORS has unknown class "django.contrib.auth.password_validation.NoSuchValidator"`) {
		t.Errorf("unknown validator: %v", err)
	}
	classes := urls.DefaultClasses()
	classes.PasswordValidators["MinimumLengthValidator"] = passwords.MinimumLength{Min: 20}
	app, err := urls.NewApp(testSettings(), testDB(t), urls.Options{Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.PasswordValidators.Validate("looking-glass-7", nil); err == nil || err.Error() != "This password is too short. It must contain at least 20 characters." {
		t.Errorf("MinimumLength{Min: 20}: %v", err)
	}
}
