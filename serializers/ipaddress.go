package serializers

import (
	"net/netip"
	"strings"
)

// readIP is IPAddressField.to_internal_value and its validators. Text with a colon is an
// IPv6 address to Django's clean_ipv6_address when the protocol allows IPv6 (compressed,
// zone dropped, and with protocol "both" an IPv4-mapped address unpacked to IPv4), and a
// failure there is DRF's own message whatever the protocol. Anything else is read as a
// CharField (trimmed) and checked by the protocol's Django validator, whose message names
// the protocol.
func readIP(protocol string, raw any) (netip.Addr, []string) {
	s, ok := raw.(string)
	if !ok {
		return netip.Addr{}, []string{MsgInvalidIP}
	}
	if strings.Contains(s, ":") && protocol != "ipv4" {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() {
			return netip.Addr{}, []string{MsgInvalidIP}
		}
		a = a.WithZone("")
		if protocol == "both" && a.Is4In6() {
			a = a.Unmap()
		}
		return a, nil
	}
	s = trimPython(s)
	a, err := netip.ParseAddr(s)
	switch protocol {
	case "ipv4":
		if err != nil || !a.Is4() {
			return netip.Addr{}, []string{MsgInvalidIPv4}
		}
	case "ipv6":
		if err != nil || !a.Is6() {
			return netip.Addr{}, []string{MsgInvalidIPv6}
		}
	default:
		if err != nil {
			return netip.Addr{}, []string{MsgInvalidIP}
		}
	}
	return a.WithZone(""), nil
}
