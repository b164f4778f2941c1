package settings

import (
	"strings"
	"testing"
)

func TestOIDCFromEnv(t *testing.T) {
	env := map[string]string{
		"OIDC_PROVIDERS":              "google, my-idp",
		"OIDC_GOOGLE_ISSUER":          "https://accounts.google.com",
		"OIDC_GOOGLE_CLIENT_ID":       "web",
		"OIDC_GOOGLE_ALLOWED_DOMAINS": "example.com,example.org",
		"OIDC_GOOGLE_CREATE_USERS":    "true",
		"OIDC_MY_IDP_ISSUER":          "http://127.0.0.1:5556/dex",
		"OIDC_MY_IDP_CLIENT_ID":       "app",
		"OIDC_MY_IDP_SCOPES":          "openid,email",
	}
	s, err := Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	g, idp := s.OIDC.Provider("google"), s.OIDC.Provider("my-idp")
	if g == nil || idp == nil {
		t.Fatalf("providers %+v", s.OIDC.Providers)
	}
	if !g.CreateUsers || strings.Join(g.AllowedDomains, " ") != "example.com example.org" || strings.Join(g.Scopes, " ") != "openid email profile" {
		t.Errorf("google: %+v", g)
	}
	if idp.CreateUsers || strings.Join(idp.Scopes, " ") != "openid email" || idp.Issuer != "http://127.0.0.1:5556/dex" {
		t.Errorf("my-idp: %+v", idp)
	}
}

func TestOIDCValidate(t *testing.T) {
	if len(Default().OIDC.Providers) != 0 {
		t.Error("OIDC is on by default")
	}
	s := Default()
	s.SecretKey = strings.Repeat("k", 50)
	s.OIDC.Providers = []OIDCProvider{
		{Name: "plain", Issuer: "http://idp.example", ClientID: "x"},
		{Name: "Bad/Name", Issuer: "https://idp.example", ClientID: "x"},
		{Name: "noid", Issuer: "https://idp.example"},
		{Name: "dom", Issuer: "https://idp.example", ClientID: "x", AllowedDomains: []string{"@example.com"}},
		{Name: "dom", Issuer: "https://idp.example", ClientID: "x"},
	}
	err := s.Validate()
	for _, want := range []string{"OIDC_PLAIN_ISSUER", `OIDC_PROVIDERS "Bad/Name"`, "OIDC_NOID_CLIENT_ID", "OIDC_DOM_ALLOWED_DOMAINS", `names "dom" twice`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want an error naming %s", err, want)
		}
	}
}
