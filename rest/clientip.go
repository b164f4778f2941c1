package rest

import (
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the networks whose X-Forwarded-For is believed (TRUSTED_PROXIES, read
// by settings.ParseTrustedProxies). The zero value trusts no one: the client is the peer.
type TrustedProxies []netip.Prefix

// Contains reports whether addr is one of the trusted proxies.
func (p TrustedProxies) Contains(addr netip.Addr) bool {
	for _, prefix := range p {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// ClientIP is the address of the client that made the request, for throttling and logs.
// It is the peer's address unless the peer is a trusted proxy; then X-Forwarded-For is
// read from the right, skipping trusted proxies, and the first address that is not one is
// the client (what the outermost trusted proxy saw; whatever lies left of it was written
// by the client and is ignored). An entry that is not an address stops the walk at the
// last trusted hop. Addresses come unmapped (::ffff:1.2.3.4 is 1.2.3.4) and without a
// zone; the result is invalid only when the peer's address is (a Unix socket, say).
//
// gin's c.ClientIP is not used: it believes any X-Forwarded-For unless configured not to.
func (p TrustedProxies) ClientIP(req *http.Request) netip.Addr {
	addr := parseHost(req.RemoteAddr)
	if len(p) == 0 || !addr.IsValid() || !p.Contains(addr) {
		return addr
	}
	values := req.Header.Values("X-Forwarded-For")
	for i := len(values) - 1; i >= 0; i-- {
		rest := values[i]
		for rest != "" {
			entry := rest
			if j := strings.LastIndexByte(rest, ','); j >= 0 {
				entry, rest = rest[j+1:], rest[:j]
			} else {
				rest = ""
			}
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue // a proxy appending to an empty header writes ", 1.2.3.4"
			}
			hop := parseHost(entry)
			if !hop.IsValid() {
				return addr
			}
			addr = hop
			if !p.Contains(hop) {
				return hop
			}
		}
	}
	return addr
}

// parseHost reads "1.2.3.4", "1.2.3.4:5678", "::1", "[::1]" or "[::1]:80" and returns the
// address unmapped and without a zone; anything else gives the invalid Addr.
func parseHost(s string) netip.Addr {
	addr, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
				return netip.Addr{}
			}
			if addr, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil || !addr.Is6() {
				return netip.Addr{}
			}
		} else {
			addr = ap.Addr()
		}
	}
	return addr.Unmap().WithZone("")
}
