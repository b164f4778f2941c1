package rest

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// URLPattern is one named route of a URLConf: Django's path(route, view, name=...). Path is
// the router's pattern, "/api/notes/:pk/" (":name" is a parameter, "*name" the rest of the
// path).
type URLPattern struct {
	Name string
	Path string
}

// URLConf is the table of named routes that Django's reverse() and resolve() read (its
// ROOT_URLCONF): hyperlinked serializer fields turn an object into its URL with Reverse,
// and a URL a client sends back into the route and parameters with Resolve. The app
// builds it from the routes it mounts and hands it to every request (Defaults.URLs).
type URLConf struct {
	patterns []urlPattern
	byName   map[string]int
}

type urlPattern struct {
	name     string
	segments []string // "/api/notes/:pk/" → "api", "notes", ":pk", ""
}

// ErrNoReverseMatch is Django's NoReverseMatch: no route has the name, or its parameters
// are not the ones given.
var ErrNoReverseMatch = errors.New("no reverse match")

// NewURLConf is the URLConf of patterns; an unnamed pattern can be resolved but not
// reversed. A name used twice keeps its first route, as Django's reverse() does.
func NewURLConf(patterns []URLPattern) *URLConf {
	u := &URLConf{byName: map[string]int{}}
	for _, p := range patterns {
		if _, seen := u.byName[p.Name]; !seen && p.Name != "" {
			u.byName[p.Name] = len(u.patterns)
		}
		u.patterns = append(u.patterns, urlPattern{name: p.Name, segments: strings.Split(strings.TrimPrefix(p.Path, "/"), "/")})
	}
	return u
}

// Reverse is Django's reverse(name, kwargs=...): the path of the route named name with
// its parameters filled in, each escaped as a path segment. Every parameter of the route
// must be given, and no other.
func (u *URLConf) Reverse(name string, params ...Param) (string, error) {
	if u == nil {
		return "", fmt.Errorf("%w: no URLConf", ErrNoReverseMatch)
	}
	i, ok := u.byName[name]
	if !ok {
		return "", fmt.Errorf("%w: %q is not a route name", ErrNoReverseMatch, name)
	}
	var b strings.Builder
	used := 0
	for _, seg := range u.patterns[i].segments {
		b.WriteByte('/')
		if seg == "" || (seg[0] != ':' && seg[0] != '*') {
			b.WriteString(seg)
			continue
		}
		value, found := "", false
		for _, p := range params {
			if p.Key == seg[1:] {
				value, found = p.Value, true
			}
		}
		if !found || value == "" {
			return "", fmt.Errorf("%w: %q needs the parameter %q", ErrNoReverseMatch, name, seg[1:])
		}
		used++
		if seg[0] == '*' {
			b.WriteString(strings.TrimPrefix((&url.URL{Path: value}).EscapedPath(), "/"))
		} else {
			b.WriteString(url.PathEscape(value))
		}
	}
	if used != len(params) {
		return "", fmt.Errorf("%w: %q takes other parameters than %v", ErrNoReverseMatch, name, params)
	}
	return b.String(), nil
}

// Resolve is Django's resolve(path): the name and parameters of the first route that
// matches path (already unescaped, as Django resolves request.path_info), or false.
func (u *URLConf) Resolve(path string) (name string, params []Param, ok bool) {
	if u == nil || !strings.HasPrefix(path, "/") {
		return "", nil, false
	}
	segments := strings.Split(path[1:], "/")
	for _, p := range u.patterns {
		if params, ok := p.match(segments); ok {
			return p.name, params, true
		}
	}
	return "", nil, false
}

func (p urlPattern) match(segments []string) ([]Param, bool) {
	var params []Param
	for i, seg := range p.segments {
		if seg != "" && seg[0] == '*' {
			rest := strings.Join(segments[i:], "/")
			if i >= len(segments) || rest == "" {
				return nil, false
			}
			return append(params, Param{Key: seg[1:], Value: "/" + rest}), true
		}
		if i >= len(segments) {
			return nil, false
		}
		switch {
		case seg != "" && seg[0] == ':':
			if segments[i] == "" {
				return nil, false
			}
			params = append(params, Param{Key: seg[1:], Value: segments[i]})
		case seg != segments[i]:
			return nil, false
		}
	}
	return params, len(segments) == len(p.segments)
}

// Reverse is the request's URLConf's Reverse (ErrNoReverseMatch when the request has
// none: a view served outside the app).
func (r *Request) Reverse(name string, params ...Param) (string, error) {
	if r.urls == nil {
		return "", fmt.Errorf("%w: the request has no URLConf (Defaults.URLs)", ErrNoReverseMatch)
	}
	return r.urls.Reverse(name, params...)
}

// Resolve is the request's URLConf's Resolve.
func (r *Request) Resolve(path string) (name string, params []Param, ok bool) {
	return r.urls.Resolve(path)
}

// SetURLConf gives a request built by hand (NewRequest) the routes Reverse and Resolve
// read; the dispatcher gives every request Defaults.URLs.
func (r *Request) SetURLConf(u *URLConf) { r.urls = u }
