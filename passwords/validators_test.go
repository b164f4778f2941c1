package passwords_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"ginrest/models"
	"ginrest/passwords"
)

const (
	tooShort  = "This password is too short. It must contain at least 8 characters."
	tooCommon = "This password is too common."
	numeric   = "This password is entirely numeric."
	tooLong   = "This password is too long. It must contain at most 4096 characters."
)

func user(username, first, last, email string) *models.User {
	return &models.User{Username: username, FirstName: first, LastName: last, Email: email}
}

// messages runs the validators and returns what they refused, nil for none.
func messages(t *testing.T, vs passwords.Validators, password string, u *models.User) []string {
	t.Helper()
	err := vs.Validate(password, u)
	if err == nil {
		return nil
	}
	var errs passwords.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Validate returned %T %v, want passwords.Errors", err, err)
	}
	return errs.Messages()
}

// Each row is what Django 3.2.25's validate_password answered with the startproject
// AUTH_PASSWORD_VALIDATORS, for an unsaved User with those fields (USE_I18N off).
func TestDefaultValidatorsAnswerAsDjango(t *testing.T) {
	vs, err := passwords.FromNames(passwords.DefaultNames, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		password string
		user     *models.User
		want     []string
	}{
		{"a", user("alice", "", "", ""), []string{tooShort, tooCommon}},
		{"1", user("alice", "", "", ""), []string{tooShort, tooCommon, numeric}},
		{"password", user("alice", "", "", ""), []string{tooCommon}},
		{"alice", user("alice", "", "", ""), []string{"The password is too similar to the username.", tooShort, tooCommon}},
		{"12345678", user("alice", "", "", ""), []string{tooCommon, numeric}},
		{"alice123", user("alice", "", "", ""), []string{"The password is too similar to the username.", tooCommon}},
		{"wonderland-42", user("alice", "", "", ""), nil},
		{"looking-glass-7", user("alice", "", "", ""), nil},
		{"Alice-Liddell", user("alice", "Alice", "Liddell", "alice.liddell@example.com"), []string{"The password is too similar to the last name."}},
		{"liddell-7", user("alice", "Alice", "Liddell", ""), []string{"The password is too similar to the last name."}},
		{"example.com", user("bob", "", "", "bob@example.com"), []string{"The password is too similar to the email address."}},
		{"bobexample", user("bob", "", "", "bob@example.com"), []string{"The password is too similar to the email address."}},
		{"  PASSWORD ", user("alice", "", "", ""), []string{tooCommon}},
		{"", user("alice", "", "", ""), []string{tooShort}},
		{"١٢٣٤٥٦٧٨٩", user("alice", "", "", ""), []string{numeric}},
		{"ALICE", user("alice", "", "", ""), []string{"The password is too similar to the username.", tooShort, tooCommon}},
		{"xalicexx", user("alice", "", "", ""), []string{"The password is too similar to the username."}},
		{"aliceinwonderland", user("alice", "", "", ""), nil},
		{"qwertyuiop", user("alice", "", "", ""), []string{tooCommon}},
		{"correct horse battery staple", user("alice", "", "", ""), nil},
		{"s3cret-pw", user("root", "", "", "root@example.com"), nil},
		{"carol-pw-2", user("carol", "", "", ""), nil},
		{"Ecila-Ecila", user("alice", "", "", ""), nil},
		{"x", nil, []string{tooShort, tooCommon}},
		{"12345678", nil, []string{tooCommon, numeric}},
	} {
		if got := messages(t, vs, c.password, c.user); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.password, got, c.want)
		}
	}
}

// The length guard is not Django's: it refuses, alone and whatever the validators, a
// password longer than MaxLength characters.
func TestMaxLength(t *testing.T) {
	defaults, _ := passwords.FromNames(passwords.DefaultNames, nil)
	for _, vs := range []passwords.Validators{defaults, nil} {
		if got := messages(t, vs, strings.Repeat("a", 10_000), user("alice", "", "", "")); !slices.Equal(got, []string{tooLong}) {
			t.Errorf("10,000 characters: %q", got)
		}
		if got := messages(t, vs, strings.Repeat("1", 4097), nil); !slices.Equal(got, []string{tooLong}) {
			t.Errorf("4097 digits: %q", got)
		}
		// Counted in characters: 4096 three-byte ones pass.
		if got := messages(t, vs, strings.Repeat("ж", 4095)+"z", nil); got != nil {
			t.Errorf("4096 characters: %q", got)
		}
	}
}

func TestOptions(t *testing.T) {
	if got := messages(t, passwords.Validators{passwords.MinimumLength{Min: 1}}, "", nil); !slices.Equal(got, []string{"This password is too short. It must contain at least 1 character."}) {
		t.Errorf("min 1: %q", got)
	}
	if got := messages(t, passwords.Validators{passwords.MinimumLength{Min: 12}}, "abcdefghijk", nil); !slices.Equal(got, []string{"This password is too short. It must contain at least 12 characters."}) {
		t.Errorf("min 12: %q", got)
	}
	only := passwords.Validators{passwords.UserAttributeSimilarity{Attributes: []string{"email", "no_such_field"}, MaxSimilarity: 0.9}}
	if got := messages(t, only, "alice", user("alice", "", "", "")); got != nil {
		t.Errorf("username not among the attributes: %q", got)
	}
	if got := messages(t, only, "alice@example.con", user("x", "", "", "alice@example.com")); !slices.Equal(got, []string{"The password is too similar to the email address."}) {
		t.Errorf("email at 0.9: %q", got)
	}
	list := map[string]struct{}{"hunter2": {}}
	if got := messages(t, passwords.Validators{passwords.Common{Passwords: list}}, " Hunter2", nil); !slices.Equal(got, []string{tooCommon}) {
		t.Errorf("own list: %q", got)
	}
}

func TestFromNames(t *testing.T) {
	vs, err := passwords.FromNames([]string{"django.contrib.auth.password_validation.NumericPasswordValidator"}, nil)
	if err != nil || len(vs) != 1 {
		t.Fatalf("module path: %v %v", vs, err)
	}
	if vs, err := passwords.FromNames(nil, nil); err != nil || len(vs) != 0 {
		t.Errorf("none: %v %v", vs, err)
	}
	_, err = passwords.FromNames([]string{"MinimumLengthValidator", "NoSuchValidator", "Other"}, nil)
	if err == nil || !strings.Contains(err.Error(), `AUTH_PASSWORD_VALIDATORS has unknown class "NoSuchValidator"`) ||
		!strings.Contains(err.Error(), `"Other"`) || !strings.Contains(err.Error(), "CommonPasswordValidator, MinimumLengthValidator") {
		t.Errorf("unknown: %v", err)
	}
	known := passwords.Classes()
	known["UserAttributeSimilarityValidator"] = passwords.UserAttributeSimilarity{MaxSimilarity: 0.05}
	if _, err := passwords.FromNames(passwords.DefaultNames, known); err == nil || !strings.Contains(err.Error(), "max_similarity must be at least 0.1") {
		t.Errorf("max_similarity 0.05: %v", err)
	}
}
