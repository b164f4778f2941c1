package settings

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// validateThrottling checks TRUSTED_PROXIES and REDIS_URL. The classes of
// DEFAULT_THROTTLE_CLASSES, and the rates they need, are checked where their names are
// resolved (urls.Classes), since an application may register its own.
func (s *Settings) validateThrottling() []error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("settings: %s %s", name, fmt.Sprintf(format, args...)))
	}
	if _, err := ParseTrustedProxies(s.TrustedProxies); err != nil {
		bad("TRUSTED_PROXIES", "%v", err)
	}
	if s.RedisURL != "" {
		u, err := url.Parse(s.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
			bad("REDIS_URL", "must be a redis://, rediss:// or unix:// URL such as redis://127.0.0.1:6379/0")
		}
	}
	return errs
}

// ParseTrustedProxies reads TRUSTED_PROXIES entries: IP addresses ("10.0.0.1", "::1") and
// networks in CIDR notation ("10.0.0.0/8", "fd00::/8"). IPv4-mapped IPv6 forms are taken
// as the IPv4 they map, as client addresses are.
func ParseTrustedProxies(entries []string) ([]netip.Prefix, error) {
	prefixes := make([]netip.Prefix, 0, len(entries))
	for _, entry := range entries {
		p, err := parseProxy(strings.TrimSpace(entry))
		if err != nil {
			return nil, fmt.Errorf("has %q: want IP addresses or CIDR networks such as 10.0.0.0/8", entry)
		}
		prefixes = append(prefixes, p)
	}
	return prefixes, nil
}

func parseProxy(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		addr, err := netip.ParseAddr(s)
		if err != nil || addr.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("not an address")
		}
		addr = addr.Unmap()
		return netip.PrefixFrom(addr, addr.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if addr := p.Addr(); addr.Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("mapped IPv4 network shorter than /96")
		}
		p = netip.PrefixFrom(addr.Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
