package renderers

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/url"
	"strings"
)

// linkify is DRF's urlize_quoted_links for the page's JSON: the text escaped for HTML, and
// each string that is an absolute http(s) URL on this host (a hyperlink, the next page)
// made a link. The JSON is the renderer's own, but its strings are anyone's data: nothing
// of it reaches the page unescaped, and only URLs of host are ever an href.
func linkify(js []byte, host string) template.HTML {
	var b strings.Builder
	for len(js) > 0 {
		i := bytes.IndexByte(js, '"')
		if i < 0 {
			template.HTMLEscape(&b, js)
			break
		}
		template.HTMLEscape(&b, js[:i])
		js = js[i:]
		end := stringEnd(js)
		tok := js[:end]
		js = js[end:]
		var s string
		if end < 2 || json.Unmarshal(tok, &s) != nil || localURL(s, host) == "" {
			template.HTMLEscape(&b, tok)
			continue
		}
		b.WriteString(`"<a href="`)
		b.WriteString(template.HTMLEscapeString(s))
		b.WriteString(`" rel="nofollow">`)
		template.HTMLEscape(&b, tok[1:end-1])
		b.WriteString(`</a>"`)
	}
	return template.HTML(b.String()) // every piece escaped above
}

// stringEnd is the length of the JSON string literal js starts with (its quotes
// included), or len(js) when it is not closed.
func stringEnd(js []byte) int {
	for i := 1; i < len(js); i++ {
		switch js[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(js)
}

// localURL is v when it is an absolute http or https URL on host (the request's Host, port
// included) with no user information, otherwise "": the only URLs the page links.
func localURL(v any, host string) string {
	s, ok := v.(string)
	if !ok || host == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || !strings.EqualFold(u.Host, host) || u.Opaque != "" {
		return ""
	}
	return s
}
