package rest_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"ginrest/rest"
)

func proxies(cidrs ...string) rest.TrustedProxies {
	var p rest.TrustedProxies
	for _, c := range cidrs {
		p = append(p, netip.MustParsePrefix(c))
	}
	return p
}

func requestFrom(remote string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = remote
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

// TestClientIP checks X-Forwarded-For: believed only from trusted proxies, read from the
// right, the first untrusted address being the client, hostile values going nowhere.
func TestClientIP(t *testing.T) {
	trusted := proxies("10.0.0.0/8", "192.168.1.1/32", "::1/128", "fd00::/8")
	tests := []struct {
		name    string
		proxies rest.TrustedProxies
		remote  string
		xff     []string
		want    string // "" for the invalid address
	}{
		{"no proxies configured: the peer, whatever the header says", nil, "10.0.0.1:1234", []string{"1.2.3.4"}, "10.0.0.1"},
		{"untrusted peer: the header is ignored", trusted, "203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"a /32 trusts that address only", trusted, "192.168.1.2:80", []string{"1.2.3.4"}, "192.168.1.2"},
		{"trusted peer without the header", trusted, "10.0.0.1:80", nil, "10.0.0.1"},
		{"trusted peer: the client it saw", trusted, "10.0.0.1:80", []string{"1.2.3.4"}, "1.2.3.4"},
		{"a chain of trusted proxies is skipped", trusted, "10.0.0.1:80", []string{"1.2.3.4, 10.0.0.3, 10.0.0.2"}, "1.2.3.4"},
		{"what the client wrote left of its address is ignored", trusted, "10.0.0.1:80", []string{"9.9.9.9, 8.8.8.8, 1.2.3.4"}, "1.2.3.4"},
		{"a spoofed trusted address left of the client is ignored", trusted, "10.0.0.1:80", []string{"10.9.9.9, 1.2.3.4"}, "1.2.3.4"},
		{"every hop trusted: the furthest", trusted, "10.0.0.1:80", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"several header lines are one list, in order", trusted, "10.0.0.1:80", []string{"9.9.9.9", "1.2.3.4, 10.0.0.2"}, "1.2.3.4"},
		{"several header lines, client in the first", trusted, "10.0.0.1:80", []string{"1.2.3.4", "10.0.0.2"}, "1.2.3.4"},
		{"garbage where a proxy wrote: the last trusted hop", trusted, "10.0.0.1:80", []string{"1.2.3.4, garbage"}, "10.0.0.1"},
		{"garbage beyond a trusted hop: that hop", trusted, "10.0.0.1:80", []string{"1.2.3.4, garbage, 10.0.0.2"}, "10.0.0.2"},
		{"nginx's unknown is not an address", trusted, "10.0.0.1:80", []string{"unknown"}, "10.0.0.1"},
		{"leading zeros are not an address", trusted, "10.0.0.1:80", []string{"01.02.03.04"}, "10.0.0.1"},
		{"hex is not an address", trusted, "10.0.0.1:80", []string{"0x7f.0.0.1"}, "10.0.0.1"},
		{"five octets are not an address", trusted, "10.0.0.1:80", []string{"1.2.3.4.5"}, "10.0.0.1"},
		{"a host name is not an address", trusted, "10.0.0.1:80", []string{"evil.example"}, "10.0.0.1"},
		{"empty entries are skipped", trusted, "10.0.0.1:80", []string{", 1.2.3.4,, ,"}, "1.2.3.4"},
		{"an empty header", trusted, "10.0.0.1:80", []string{""}, "10.0.0.1"},
		{"spaces and tabs around entries", trusted, "10.0.0.1:80", []string{" \t1.2.3.4\t , 10.0.0.2 "}, "1.2.3.4"},
		{"an address with a port", trusted, "10.0.0.1:80", []string{"1.2.3.4:5678"}, "1.2.3.4"},
		{"IPv6 with a port", trusted, "10.0.0.1:80", []string{"[2001:db8::1]:443"}, "2001:db8::1"},
		{"IPv6 in brackets", trusted, "10.0.0.1:80", []string{"[2001:db8::1]"}, "2001:db8::1"},
		{"IPv4 in brackets is not an address", trusted, "10.0.0.1:80", []string{"[1.2.3.4]"}, "10.0.0.1"},
		{"a port out of range is not an address", trusted, "10.0.0.1:80", []string{"1.2.3.4:99999"}, "10.0.0.1"},
		{"IPv4-mapped IPv6 is the IPv4", trusted, "10.0.0.1:80", []string{"::ffff:1.2.3.4"}, "1.2.3.4"},
		{"a mapped trusted address is trusted", trusted, "10.0.0.1:80", []string{"1.2.3.4, ::ffff:10.0.0.2"}, "1.2.3.4"},
		{"a mapped trusted peer is trusted", trusted, "[::ffff:10.0.0.1]:80", []string{"1.2.3.4"}, "1.2.3.4"},
		{"zones are dropped", trusted, "10.0.0.1:80", []string{"fe80::1%eth0"}, "fe80::1"},
		{"an IPv6 trusted peer", trusted, "[::1]:80", []string{"2001:db8::2"}, "2001:db8::2"},
		{"an IPv6 trusted network", trusted, "[fd00::5]:80", []string{"2001:db8::3, fd12::1"}, "2001:db8::3"},
		{"a peer without a port", trusted, "203.0.113.7", nil, "203.0.113.7"},
		{"an unparsable peer", trusted, "@", []string{"1.2.3.4"}, ""},
		{"no peer", trusted, "", []string{"1.2.3.4"}, ""},
		{"a long chain of trusted hops", trusted, "10.0.0.1:80", []string{"1.2.3.4, " + strings.Repeat("10.1.1.1, ", 1000) + "10.0.0.2"}, "1.2.3.4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.proxies.ClientIP(requestFrom(tt.remote, tt.xff...))
			gotText := ""
			if got.IsValid() {
				gotText = got.String()
			}
			if gotText != tt.want {
				t.Errorf("ClientIP(%q, X-Forwarded-For %q) = %q, want %q", tt.remote, tt.xff, gotText, tt.want)
			}
		})
	}
}

// FuzzClientIP checks properties that hold whatever the peer address, the header and an
// extra trusted network are: the header is ignored unless the peer is trusted; the answer
// is the peer or an entry of the header; what is written left of an untrusted answer
// changes nothing (a client cannot spoof past the proxy that saw it); and a trusted proxy
// appending the peer it saw does not change the answer.
func FuzzClientIP(f *testing.F) {
	for _, s := range [][3]string{
		{"10.0.0.1:80", "1.2.3.4", "192.168.0.0/16"},
		{"10.0.0.1:80", "9.9.9.9, 1.2.3.4, 10.0.0.2", ""},
		{"203.0.113.5:1", "1.2.3.4", "::1/128"},
		{"[::1]:80", "[2001:db8::1]:443, ::1", "::1/128"},
		{"10.0.0.1:80", "garbage,, 10.0.0.3", "0.0.0.0/0"},
		{"[::ffff:10.0.0.1]:80", "::ffff:1.2.3.4%eth0", "::/0"},
		{"@", "1.2.3.4", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, remote, xff, extra string) {
		p := proxies("10.0.0.0/8")
		if e, err := netip.ParsePrefix(extra); err == nil {
			p = append(p, e)
		}
		req := requestFrom(remote, xff)
		got := p.ClientIP(req)
		peer := p.ClientIP(requestFrom(remote))
		if none := rest.TrustedProxies(nil).ClientIP(req); none != peer {
			t.Fatalf("no proxies: %v, want the peer %v", none, peer)
		}
		if !peer.IsValid() || !p.Contains(peer) {
			if got != peer {
				t.Fatalf("untrusted peer %v: got %v from the header", peer, got)
			}
		}
		if got != peer {
			found := false
			for _, entry := range strings.Split(xff, ",") {
				if rest.TrustedProxies(nil).ClientIP(requestFrom(strings.TrimSpace(entry))) == got {
					found = true
				}
			}
			if !found {
				t.Fatalf("%v is neither the peer nor an entry of %q", got, xff)
			}
		}
		if got.IsValid() && !p.Contains(got) {
			if spoofed := p.ClientIP(requestFrom(remote, "6.6.6.6, "+xff)); spoofed != got {
				t.Fatalf("a prefix written by the client changed the answer from %v to %v", got, spoofed)
			}
		}
		if peer.IsValid() && !strings.ContainsAny(remote, " ,\t") {
			forwarded := p.ClientIP(requestFrom("10.0.0.1:80", xff+", "+remote))
			if forwarded != got {
				t.Fatalf("behind one more trusted proxy the answer changed from %v to %v", got, forwarded)
			}
		}
	})
}
