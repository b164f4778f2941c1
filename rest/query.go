package rest

import (
	"net/url"
	"strings"
)

// QueryParams is DRF's request.query_params (Django's QueryDict), parsed as Django parses
// a query string: pairs separated by "&" only (a ";" is part of the value), "+" is a
// space, a malformed %-escape is kept as it is written, invalid UTF-8 becomes U+FFFD, and
// a name without "=" has the value "". Go's url.ParseQuery differs on each point; DRF's
// behaviour is what clients see. The values are untrusted input: compare them, convert
// them, pass them to the database as parameters — never into SQL text.
func (r *Request) QueryParams() url.Values {
	return ParseQuery(r.HTTP.URL.RawQuery)
}

// QueryParam is request.query_params.get(key): the parameter's last value, as Django's
// QueryDict gives it; ok is false when the parameter is absent.
func (r *Request) QueryParam(key string) (value string, ok bool) {
	values := r.QueryParams()[key]
	if len(values) == 0 {
		return "", false
	}
	return values[len(values)-1], true
}

// ParseQuery is Python's parse_qsl(query, keep_blank_values=True) with Django's decoding:
// see QueryParams.
func ParseQuery(query string) url.Values {
	values := url.Values{}
	for pair := range strings.SplitSeq(query, "&") {
		if pair == "" {
			continue
		}
		name, value, _ := strings.Cut(pair, "=")
		name, value = unquotePlus(name), unquotePlus(value)
		values[name] = append(values[name], value)
	}
	return values
}

// unquotePlus is Python's unquote_plus with errors="replace".
func unquotePlus(s string) string {
	if !strings.ContainsAny(s, "+%") {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && ishex(s[i+1]) && ishex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func ishex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// AbsoluteURL is Django's request.build_absolute_uri(path): the scheme and host the request
// came to, with path ("/api/notes/"), or with the request's own path and query when path is
// "". The host is the request's Host header, which ALLOWED_HOSTS vetted where the request
// entered (CheckHost), and the scheme is Scheme: https when the connection is TLS or, behind
// a proxy that terminates TLS, when SECURE_PROXY_SSL_HEADER says so, and only then.
func (r *Request) AbsoluteURL(path string) *url.URL {
	u := &url.URL{Scheme: r.Scheme(), Host: r.HTTP.Host}
	if path == "" {
		u.Path, u.RawPath, u.RawQuery = r.HTTP.URL.Path, r.HTTP.URL.RawPath, r.HTTP.URL.RawQuery
	} else {
		u.Path = path
	}
	return u
}
