package renderers

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLinkify(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a local URL", `{"next": "http://h:8/api/notes/?page=2"}`,
			`{&#34;next&#34;: "<a href="http://h:8/api/notes/?page=2" rel="nofollow">http://h:8/api/notes/?page=2</a>"}`},
		{"an escaped ampersand stays escaped", `["http://h:8/a/?x=1\u0026y=<2>"]`,
			`["<a href="http://h:8/a/?x=1&amp;y=&lt;2&gt;" rel="nofollow">http://h:8/a/?x=1\u0026y=&lt;2&gt;</a>"]`},
		{"another host", `["http://evil.example/"]`, `[&#34;http://evil.example/&#34;]`},
		{"another port", `["http://h:9/"]`, `[&#34;http://h:9/&#34;]`},
		{"javascript", `["javascript:alert(1)//h:8"]`, `[&#34;javascript:alert(1)//h:8&#34;]`},
		{"user information", `["http://a@h:8/"]`, `[&#34;http://a@h:8/&#34;]`},
		{"markup", `{"title": "<script>alert(1)</script>"}`, `{&#34;title&#34;: &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;}`},
		{"a quote inside", `["say \"hi\" http://h:8/"]`, `[&#34;say \&#34;hi\&#34; http://h:8/&#34;]`},
		{"unclosed", `["http://h:8/`, `[&#34;http://h:8/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(linkify([]byte(tt.in), "h:8")); got != tt.want {
				t.Errorf("linkify(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// ourTags are the only tags linkify writes.
var ourTags = regexp.MustCompile(`<a href="[^"<>]*" rel="nofollow">|</a>`)

// FuzzLinkify: whatever the text, the page gets no markup but linkify's own links, each
// to this host, and the text reads back as it was.
func FuzzLinkify(f *testing.F) {
	for _, s := range []string{`{"a": "http://h:8/x/"}`, `["<b>", "http://h:8/\"<"]`, `"\\"`, `"`, `{"u":"http://h:8/a?b=\u0026"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !utf8.ValidString(in) {
			return
		}
		out := string(linkify([]byte(in), "h:8"))
		for _, tag := range ourTags.FindAllString(out, -1) {
			href, ok := strings.CutPrefix(tag, `<a href="`)
			if !ok {
				continue
			}
			u, err := url.Parse(html.UnescapeString(strings.TrimSuffix(href, `" rel="nofollow">`)))
			if err != nil || !strings.EqualFold(u.Host, "h:8") || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("a link off the host: %s", tag)
			}
		}
		text := ourTags.ReplaceAllString(out, "")
		if strings.ContainsAny(text, "<>") {
			t.Fatalf("markup in %q: %q", in, out)
		}
		// NUL reads as U+FFFD (html/template's choice); the encoder never writes one raw.
		if html.UnescapeString(text) != strings.ReplaceAll(in, "\x00", "\uFFFD") {
			t.Fatalf("text %q reads back as %q", in, html.UnescapeString(text))
		}
	})
}
