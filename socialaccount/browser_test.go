package socialaccount

import (
	"net/url"
	"strings"
	"testing"

	"ginrest/settings"
)

func nextChecker(t testing.TB) *Browser {
	t.Helper()
	origins, err := settings.ParseTrustedOrigins([]string{"https://app.example.com", "https://*.corp.example"})
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{Origins: origins}
}

func TestSafeNext(t *testing.T) {
	b := nextChecker(t)
	tests := []struct {
		next string
		want bool
	}{
		{"/", true},
		{"/app/?tab=2#top", true},
		{"https://app.example.com/welcome", true},
		{"HTTPS://APP.EXAMPLE.COM/", true},
		{"https://eu.corp.example/", true},
		{"https://corp.example/", true},
		{"", false},
		{"//evil.test/", false},
		{"/\\evil.test/", false},
		{"\\\\evil.test", false},
		{"https://evil.test/", false},
		{"http://app.example.com/", false}, // another scheme is another origin
		{"https://app.example.com.evil.test/", false},
		{"https://app.example.com@evil.test/", false},
		{"https://user@app.example.com/", false},
		{"javascript:alert(1)", false},
		{"app/relative", false},
		{"/\t/evil.test", false},
		{"https:evil.test", false},
		{"/" + strings.Repeat("a", maxNext), false},
	}
	for _, tt := range tests {
		if got := b.SafeNext(tt.next); got != tt.want {
			t.Errorf("SafeNext(%q) = %v, want %v", tt.next, got, tt.want)
		}
	}
}

// FuzzSafeNext: whatever next a link carries, one accepted leads, as a browser resolves it
// against this server's URL, to this server or to an allowed origin.
func FuzzSafeNext(f *testing.F) {
	b := nextChecker(f)
	for _, s := range []string{"/", "//evil.test", "/\\evil.test", "https://app.example.com/", "https://x.corp.example/a", "https://evil.test", "/a?b#c"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://api.example.org/api/auth/x/callback/")
	f.Fuzz(func(t *testing.T, next string) {
		if !b.SafeNext(next) {
			return
		}
		u, err := base.Parse(next)
		if err != nil {
			t.Fatalf("accepted %q, which does not parse: %v", next, err)
		}
		host := strings.ToLower(u.Host)
		if host == "api.example.org" && u.Scheme == "https" {
			return
		}
		for _, o := range b.Origins {
			if o.Matches(u.Scheme, host) {
				return
			}
		}
		t.Errorf("accepted %q, which leads to %s://%s", next, u.Scheme, u.Host)
	})
}
