package settings_test

import (
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"ginrest/settings"
)

func TestThrottlingSettings(t *testing.T) {
	s, err := settings.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.REST.DefaultThrottleClasses) != 0 || len(s.TrustedProxies) != 0 || s.RedisURL != "" || s.ThrottleRates["login"] != "10/min" {
		t.Errorf("defaults: DEFAULT_THROTTLE_CLASSES %v, TRUSTED_PROXIES %v, REDIS_URL %q, THROTTLE_RATES %v; want none, none, unset, login=10/min",
			s.REST.DefaultThrottleClasses, s.TrustedProxies, s.RedisURL, s.ThrottleRates)
	}
	s, err = settings.Load(env(map[string]string{
		"DEFAULT_THROTTLE_CLASSES": "AnonRateThrottle, UserRateThrottle,ScopedRateThrottle",
		"THROTTLE_RATES":           "anon=100/day,user=1000/day",
		"TRUSTED_PROXIES":          "10.0.0.0/8, ::1",
		"REDIS_URL":                "redis://127.0.0.1:6379/0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.REST.DefaultThrottleClasses, ","); got != "AnonRateThrottle,UserRateThrottle,ScopedRateThrottle" {
		t.Errorf("DEFAULT_THROTTLE_CLASSES = %s", got)
	}
	if got := strings.Join(s.TrustedProxies, ","); got != "10.0.0.0/8,::1" || s.RedisURL != "redis://127.0.0.1:6379/0" {
		t.Errorf("TRUSTED_PROXIES = %s, REDIS_URL = %s", got, s.RedisURL)
	}
	if _, ok := s.ThrottleRates["login"]; ok {
		t.Error("THROTTLE_RATES replaces the defaults: without login=, logins are not throttled")
	}
}

func TestInvalidThrottlingValuesNameTheVariable(t *testing.T) {
	tests := []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"THROTTLE_RATES": "anon=often"}, `THROTTLE_RATES has anon="often"`},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}, `TRUSTED_PROXIES has "proxy.internal"`},
		{map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}, `TRUSTED_PROXIES has "10.0.0.0/33"`},
		{map[string]string{"TRUSTED_PROXIES": "fe80::1%eth0"}, `TRUSTED_PROXIES has "fe80::1%eth0"`},
		{map[string]string{"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL must be a redis://"},
		{map[string]string{"REDIS_URL": "127.0.0.1:6379"}, "REDIS_URL must be a redis://"},
	}
	for _, tt := range tests {
		_, err := settings.Load(env(tt.vars))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one containing %q", tt.vars, err, tt.want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := settings.ParseTrustedProxies([]string{"10.0.0.1", " 10.1.2.3/8 ", "::1", "fd00::/8", "::ffff:192.168.0.0/112", "::ffff:172.16.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.1/32", "10.0.0.0/8", "::1/128", "fd00::/8", "192.168.0.0/16", "172.16.0.1/32"}
	for i, p := range got {
		if p.String() != want[i] {
			t.Errorf("entry %d = %s, want %s", i, p, want[i])
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d prefixes, want %d", len(got), len(want))
	}
}

// FuzzParseTrustedProxies checks TRUSTED_PROXIES parsing: it never panics; what it
// accepts is masked, unmapped and contains the address written; what it refuses is named
// in the error.
func FuzzParseTrustedProxies(f *testing.F) {
	for _, s := range []string{"10.0.0.0/8", "10.0.0.1,::1", "::ffff:10.0.0.0/104", "::ffff:1.2.3.4/95", "1.2.3.4/-1", "fe80::1%eth0", "fe80::1%eth0/64", " ", ",,", "0.0.0.0/0", "::/0", "01.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		entries := strings.Split(value, ",")
		got, err := settings.ParseTrustedProxies(entries)
		if err != nil {
			if got != nil {
				t.Fatalf("error %v with a result %v", err, got)
			}
			named := false
			for _, e := range entries {
				named = named || strings.Contains(err.Error(), "has "+strconv.Quote(e))
			}
			if !named {
				t.Fatalf("error %q names no entry of %q", err, value)
			}
			return
		}
		if len(got) != len(entries) {
			t.Fatalf("%d prefixes for %d entries", len(got), len(entries))
		}
		for i, p := range got {
			if !p.IsValid() || p != p.Masked() || p.Addr().Is4In6() || p.Addr().Zone() != "" {
				t.Fatalf("entry %q gave %v", entries[i], p)
			}
			text, _, _ := strings.Cut(strings.TrimSpace(entries[i]), "/")
			if addr, err := netip.ParseAddr(text); err == nil && !p.Contains(addr.Unmap()) {
				t.Fatalf("%v does not contain %v, from %q", p, addr, entries[i])
			}
		}
	})
}
