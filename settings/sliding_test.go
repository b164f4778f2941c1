package settings_test

import (
	"strings"
	"testing"
	"time"

	"ginrest/settings"
)

func TestSlidingAndTokenClassDefaults(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	j := s.JWT
	if strings.Join(j.AuthTokenClasses, ",") != "AccessToken" || j.SlidingTokenLifetime != 5*time.Minute ||
		j.SlidingTokenRefreshLifetime != 24*time.Hour || j.SlidingTokenRefreshExpClaim != "refresh_exp" || !j.CheckUserIsActive {
		t.Errorf("defaults: AUTH_TOKEN_CLASSES=%v SLIDING_TOKEN_LIFETIME=%v SLIDING_TOKEN_REFRESH_LIFETIME=%v SLIDING_TOKEN_REFRESH_EXP_CLAIM=%q CHECK_USER_IS_ACTIVE=%v",
			j.AuthTokenClasses, j.SlidingTokenLifetime, j.SlidingTokenRefreshLifetime, j.SlidingTokenRefreshExpClaim, j.CheckUserIsActive)
	}
}

func TestSlidingAndTokenClassOverrides(t *testing.T) {
	s, err := settings.Load(env(map[string]string{
		"AUTH_TOKEN_CLASSES":              "rest_framework_simplejwt.tokens.SlidingToken, AccessToken",
		"SLIDING_TOKEN_LIFETIME":          "15m",
		"SLIDING_TOKEN_REFRESH_LIFETIME":  "168h",
		"SLIDING_TOKEN_REFRESH_EXP_CLAIM": "rexp",
		"CHECK_USER_IS_ACTIVE":            "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	j := s.JWT
	if strings.Join(j.TokenClasses(), ",") != "SlidingToken,AccessToken" || j.SlidingTokenLifetime != 15*time.Minute ||
		j.SlidingTokenRefreshLifetime != 168*time.Hour || j.SlidingTokenRefreshExpClaim != "rexp" || j.CheckUserIsActive {
		t.Errorf("overrides not applied: %+v", j)
	}
}

func TestInvalidSlidingValuesNameTheVariable(t *testing.T) {
	cases := []struct {
		name     string
		vars     map[string]string
		variable string
	}{
		{"no token class", map[string]string{"AUTH_TOKEN_CLASSES": " , "}, "AUTH_TOKEN_CLASSES"},
		{"refresh token class", map[string]string{"AUTH_TOKEN_CLASSES": "AccessToken,RefreshToken"}, "AUTH_TOKEN_CLASSES"},
		{"unknown token class", map[string]string{"AUTH_TOKEN_CLASSES": "accesstoken"}, "AUTH_TOKEN_CLASSES"},
		{"sliding lifetime", map[string]string{"SLIDING_TOKEN_LIFETIME": "0s"}, "SLIDING_TOKEN_LIFETIME"},
		{"sliding lifetime text", map[string]string{"SLIDING_TOKEN_LIFETIME": "five minutes"}, "SLIDING_TOKEN_LIFETIME"},
		{"sliding refresh lifetime", map[string]string{"SLIDING_TOKEN_REFRESH_LIFETIME": "-24h"}, "SLIDING_TOKEN_REFRESH_LIFETIME"},
		{"empty claim", map[string]string{"SLIDING_TOKEN_REFRESH_EXP_CLAIM": ""}, "SLIDING_TOKEN_REFRESH_EXP_CLAIM"},
		{"claim taken", map[string]string{"SLIDING_TOKEN_REFRESH_EXP_CLAIM": "exp"}, "SLIDING_TOKEN_REFRESH_EXP_CLAIM"},
		{"claim is the user claim", map[string]string{"SLIDING_TOKEN_REFRESH_EXP_CLAIM": "user_id"}, "SLIDING_TOKEN_REFRESH_EXP_CLAIM"},
		{"check boolean", map[string]string{"CHECK_USER_IS_ACTIVE": "sometimes"}, "CHECK_USER_IS_ACTIVE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settings.Load(env(c.vars))
			if err == nil {
				t.Fatalf("%v loaded", c.vars)
			}
			if !strings.Contains(err.Error(), c.variable) {
				t.Errorf("error %q does not name %s", err, c.variable)
			}
		})
	}
}
