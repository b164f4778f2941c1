package settings_test

import (
	"slices"
	"testing"

	"ginrest/settings"
)

// AUTH_PASSWORD_VALIDATORS: startproject's four by default, a list from the environment,
// and none when set empty.
func TestAuthPasswordValidators(t *testing.T) {
	for _, c := range []struct {
		name string
		vars map[string]string
		want []string
	}{
		{"default", nil, []string{"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"}},
		{"listed", map[string]string{"AUTH_PASSWORD_VALIDATORS": "MinimumLengthValidator, django.contrib.auth.password_validation.NumericPasswordValidator"},
			[]string{"MinimumLengthValidator", "django.contrib.auth.password_validation.NumericPasswordValidator"}},
		{"none", map[string]string{"AUTH_PASSWORD_VALIDATORS": ""}, nil},
	} {
		s, err := settings.Load(env(c.vars))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.AuthPasswordValidators, c.want) {
			t.Errorf("%s: %q, want %q", c.name, s.AuthPasswordValidators, c.want)
		}
	}
}
