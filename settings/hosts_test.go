package settings_test

import (
	"reflect"
	"strings"
	"testing"

	"ginrest/settings"
)

func TestAllowedHostsAndProxySSLHeader(t *testing.T) {
	s, err := settings.Load(env(map[string]string{
		"ALLOWED_HOSTS":           " api.example.com, .example.org ,,[::1]",
		"SECURE_PROXY_SSL_HEADER": "x-forwarded-proto, https",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"api.example.com", ".example.org", "[::1]"}; !reflect.DeepEqual(s.AllowedHosts, want) {
		t.Errorf("ALLOWED_HOSTS = %q, want %q", s.AllowedHosts, want)
	}
	if want := (settings.ProxySSLHeader{Name: "X-Forwarded-Proto", Value: "https"}); s.SecureProxySSLHeader != want {
		t.Errorf("SECURE_PROXY_SSL_HEADER = %+v, want %+v", s.SecureProxySSLHeader, want)
	}
	// Django's META spelling names the same header.
	s, err = settings.Load(env(map[string]string{"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}))
	if err != nil || s.SecureProxySSLHeader.Name != "X-Forwarded-Proto" {
		t.Errorf("META spelling: %+v, %v", s.SecureProxySSLHeader, err)
	}

	d := settings.Default()
	if d.AllowedHosts != nil || d.SecureProxySSLHeader != (settings.ProxySSLHeader{}) {
		t.Errorf("defaults: ALLOWED_HOSTS %q, SECURE_PROXY_SSL_HEADER %+v; want Django's: none", d.AllowedHosts, d.SecureProxySSLHeader)
	}
	// Empty, DEBUG allows Django's local hosts; production none.
	if got := d.AllowedHostPatterns(); !reflect.DeepEqual(got, []string{".localhost", "127.0.0.1", "[::1]"}) {
		t.Errorf("DEBUG patterns = %q", got)
	}
	d.Debug = false
	if got := d.AllowedHostPatterns(); len(got) != 0 {
		t.Errorf("production patterns = %q, want none", got)
	}
	d.AllowedHosts = []string{"api.example.com"}
	d.Debug = true
	if got := d.AllowedHostPatterns(); !reflect.DeepEqual(got, []string{"api.example.com"}) {
		t.Errorf("configured patterns in DEBUG = %q", got)
	}

	for _, bad := range []map[string]string{
		{"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
		{"SECURE_PROXY_SSL_HEADER": ",https"},
		{"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto,https,http"},
		{"SECURE_PROXY_SSL_HEADER": "X Forwarded Proto,https"},
		{"ALLOWED_HOSTS": "https://api.example.com"},
		{"ALLOWED_HOSTS": "api.example.com:8000"},
	} {
		_, err := settings.Load(env(bad))
		for name := range bad {
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("%v: error %v does not name %s", bad, err, name)
			}
		}
	}
}
