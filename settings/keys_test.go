package settings_test

import (
	"strings"
	"testing"
	"time"

	"ginrest/settings"
)

// prodEnv is a production environment with the given variables added.
func prodEnv(extra map[string]string) map[string]string {
	m := map[string]string{"DEBUG": "false", "SECRET_KEY": strings.Repeat("k", 40)}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestKeySettings(t *testing.T) {
	s, err := settings.Load(env(prodEnv(map[string]string{
		"ALGORITHM":                 "ES256",
		"SIGNING_KEY":               "/run/keys/current.pem",
		"VERIFYING_KEY":             "/run/keys/current.pub",
		"SIGNING_KEY_ID":            "2024-02",
		"VERIFYING_KEYS":            `{"2024-01": "/run/keys/previous.pub"}`,
		"JWK_URL":                   "https://issuer.example/.well-known/jwks.json",
		"JWKS_REFRESH_INTERVAL":     "10m",
		"JWKS_MIN_REFETCH_INTERVAL": "1m",
		"JWKS_FETCH_TIMEOUT":        "2s",
	})))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	j := s.JWT
	if j.Algorithm != "ES256" || j.SigningKey != "/run/keys/current.pem" || j.VerifyingKey != "/run/keys/current.pub" ||
		j.SigningKeyID != "2024-02" || len(j.VerifyingKeys) != 1 || j.VerifyingKeys["2024-01"] != "/run/keys/previous.pub" ||
		j.JWKURL != "https://issuer.example/.well-known/jwks.json" || j.JWKSRefreshInterval != 10*time.Minute ||
		j.JWKSMinRefetchInterval != time.Minute || j.JWKSFetchTimeout != 2*time.Second {
		t.Errorf("settings = %+v", j)
	}

	d := settings.Default().JWT
	if d.SigningKeyID != "" || d.VerifyingKeys != nil || d.JWKURL != "" || d.JWKSRefreshInterval != 5*time.Minute ||
		d.JWKSMinRefetchInterval != 30*time.Second || d.JWKSFetchTimeout != 5*time.Second {
		t.Errorf("defaults = %+v", d)
	}
	for _, alg := range []string{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA"} {
		if _, err := settings.Load(env(map[string]string{"ALGORITHM": alg, "SIGNING_KEY": "/k.pem"})); err != nil {
			t.Errorf("ALGORITHM=%s: %v", alg, err)
		}
	}
	for name, vars := range map[string]map[string]string{
		"http JWK_URL to localhost in production": prodEnv(map[string]string{"ALGORITHM": "RS256", "SIGNING_KEY": "/k.pem", "JWK_URL": "http://127.0.0.1:8080/jwks.json"}),
		"http JWK_URL in DEBUG":                   {"ALGORITHM": "RS256", "SIGNING_KEY": "/k.pem", "JWK_URL": "http://issuer.internal/jwks.json"},
		"HS256 rotation":                          {"SIGNING_KEY_ID": "b", "VERIFYING_KEYS": `{"a": "` + strings.Repeat("s", 32) + `"}`},
		"VERIFYING_KEYS empty":                    {"VERIFYING_KEYS": " "},
	} {
		if _, err := settings.Load(env(vars)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestKeySettingsNameTheVariable(t *testing.T) {
	rs := func(extra map[string]string) map[string]string {
		m := map[string]string{"ALGORITHM": "RS256", "SIGNING_KEY": "/k.pem"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	secret := strings.Repeat("s", 32)
	cases := []struct {
		name     string
		vars     map[string]string
		variable string
		hint     string
	}{
		{"unknown algorithm", map[string]string{"ALGORITHM": "RS1024"}, "ALGORITHM", "EdDSA"},
		{"none", map[string]string{"ALGORITHM": "none"}, "ALGORITHM", "not supported"},
		{"lowercase", map[string]string{"ALGORITHM": "rs256"}, "ALGORITHM", "not supported"},
		{"RS256 without SIGNING_KEY", map[string]string{"ALGORITHM": "RS256"}, "SIGNING_KEY", "RS256"},
		{"EdDSA without SIGNING_KEY, SECRET_KEY set", prodEnv(map[string]string{"ALGORITHM": "EdDSA"}), "SIGNING_KEY", "private key"},
		{"VERIFYING_KEY with HS256", map[string]string{"VERIFYING_KEY": "/k.pub"}, "VERIFYING_KEY", "HS256"},
		{"JWK_URL with HS256", map[string]string{"JWK_URL": "https://issuer.example/jwks.json"}, "JWK_URL", "asymmetric"},
		{"HS VERIFYING_KEYS without SIGNING_KEY_ID", map[string]string{"VERIFYING_KEYS": `{"a":"` + secret + `"}`}, "SIGNING_KEY_ID", "VERIFYING_KEYS"},
		{"HS VERIFYING_KEYS too short", map[string]string{"SIGNING_KEY_ID": "b", "VERIFYING_KEYS": `{"a":"short"}`}, "VERIFYING_KEYS", "32"},
		{"VERIFYING_KEYS not JSON", rs(map[string]string{"VERIFYING_KEYS": "a=/k.pub"}), "VERIFYING_KEYS", "JSON object"},
		{"VERIFYING_KEYS a list", rs(map[string]string{"VERIFYING_KEYS": `["/k.pub"]`}), "VERIFYING_KEYS", "JSON object"},
		{"VERIFYING_KEYS values not strings", rs(map[string]string{"VERIFYING_KEYS": `{"a":1}`}), "VERIFYING_KEYS", "JSON object"},
		{"VERIFYING_KEYS empty id", rs(map[string]string{"VERIFYING_KEYS": `{"":"/k.pub"}`}), "VERIFYING_KEYS", "empty key id"},
		{"VERIFYING_KEYS empty key", rs(map[string]string{"VERIFYING_KEYS": `{"a":""}`}), "VERIFYING_KEYS", "empty"},
		{"VERIFYING_KEYS repeats SIGNING_KEY_ID", rs(map[string]string{"SIGNING_KEY_ID": "a", "VERIFYING_KEYS": `{"a":"/k.pub"}`}), "VERIFYING_KEYS", "SIGNING_KEY_ID"},
		{"JWK_URL not a URL", rs(map[string]string{"JWK_URL": "issuer.example/jwks"}), "JWK_URL", "absolute"},
		{"JWK_URL ftp", rs(map[string]string{"JWK_URL": "ftp://issuer.example/jwks"}), "JWK_URL", "http"},
		{"JWK_URL http in production", prodEnv(rs(map[string]string{"JWK_URL": "http://issuer.example/jwks.json"})), "JWK_URL", "https"},
		{"JWKS_REFRESH_INTERVAL zero", rs(map[string]string{"JWKS_REFRESH_INTERVAL": "0s"}), "JWKS_REFRESH_INTERVAL", "positive"},
		{"JWKS_MIN_REFETCH_INTERVAL negative", rs(map[string]string{"JWKS_MIN_REFETCH_INTERVAL": "-1s"}), "JWKS_MIN_REFETCH_INTERVAL", "positive"},
		{"JWKS_FETCH_TIMEOUT not a duration", rs(map[string]string{"JWKS_FETCH_TIMEOUT": "soon"}), "JWKS_FETCH_TIMEOUT", "duration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := settings.Load(env(c.vars))
			if err == nil {
				t.Fatalf("%v loaded", c.vars)
			}
			if !strings.Contains(err.Error(), c.variable) || !strings.Contains(err.Error(), c.hint) {
				t.Errorf("error %q does not name %s with %q", err, c.variable, c.hint)
			}
		})
	}
	t.Run("a VERIFYING_KEYS that is not JSON is not repeated", func(t *testing.T) {
		value := "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"
		_, err := settings.Load(env(rs(map[string]string{"VERIFYING_KEYS": value})))
		if err == nil || strings.Contains(err.Error(), "MFkw") {
			t.Errorf("error = %v", err)
		}
	})
}
