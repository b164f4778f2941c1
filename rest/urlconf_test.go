package rest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func testURLConf() *URLConf {
	return NewURLConf([]URLPattern{
		{Name: "note-list", Path: "/api/notes/"},
		{Name: "note-detail", Path: "/api/notes/:pk/"},
		{Name: "note-toggle", Path: "/api/notes/:pk/toggle/"},
		{Name: "asset", Path: "/static/*file"},
		{Path: "/unnamed/"},
	})
}

func TestReverse(t *testing.T) {
	u := testURLConf()
	tests := []struct {
		name   string
		params []Param
		want   string // "" for NoReverseMatch
	}{
		{"note-list", nil, "/api/notes/"},
		{"note-detail", []Param{{"pk", "7"}}, "/api/notes/7/"},
		{"note-detail", []Param{{"pk", "a b/c"}}, "/api/notes/a%20b%2Fc/"},
		{"note-toggle", []Param{{"pk", "7"}}, "/api/notes/7/toggle/"},
		{"asset", []Param{{"file", "/css/a b.css"}}, "/static/css/a%20b.css"},
		{"note-detail", nil, ""},
		{"note-detail", []Param{{"pk", ""}}, ""},
		{"note-detail", []Param{{"id", "7"}}, ""},
		{"note-list", []Param{{"pk", "7"}}, ""},
		{"nothing", nil, ""},
		{"", nil, ""},
	}
	for _, tt := range tests {
		got, err := u.Reverse(tt.name, tt.params...)
		if tt.want == "" {
			if !errors.Is(err, ErrNoReverseMatch) {
				t.Errorf("Reverse(%q, %v) = %q, %v; want NoReverseMatch", tt.name, tt.params, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Reverse(%q, %v) = %q, %v; want %q", tt.name, tt.params, got, err, tt.want)
		}
	}
	var none *URLConf
	if _, err := none.Reverse("note-list"); !errors.Is(err, ErrNoReverseMatch) {
		t.Errorf("a nil URLConf: %v", err)
	}
}

func TestResolve(t *testing.T) {
	u := testURLConf()
	tests := []struct {
		path, name string
		params     []Param
		ok         bool
	}{
		{"/api/notes/", "note-list", nil, true},
		{"/api/notes/7/", "note-detail", []Param{{"pk", "7"}}, true},
		{"/api/notes/7/toggle/", "note-toggle", []Param{{"pk", "7"}}, true},
		{"/static/css/a.css", "asset", []Param{{"file", "/css/a.css"}}, true},
		{"/unnamed/", "", nil, true},
		{"/api/notes/7", "", nil, false},
		{"/api/notes//", "", nil, false},
		{"/api/notes/7/x/", "", nil, false},
		{"/static/", "", nil, false},
		{"api/notes/", "", nil, false},
		{"", "", nil, false},
	}
	for _, tt := range tests {
		name, params, ok := u.Resolve(tt.path)
		if ok != tt.ok || name != tt.name || !slices.Equal(params, tt.params) {
			t.Errorf("Resolve(%q) = %q, %v, %v; want %q, %v, %v", tt.path, name, params, ok, tt.name, tt.params, tt.ok)
		}
	}
}

// FuzzResolve: any path a client sends in a hyperlink resolves or not without a panic,
// and what resolves reverses to the same path.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"/api/notes/7/", "/static/a/b", "/", "//", "/api/notes/%2F/", "/api/notes/7/toggle/"} {
		f.Add(s)
	}
	u := testURLConf()
	f.Fuzz(func(t *testing.T, path string) {
		name, params, ok := u.Resolve(path)
		if !ok || name == "" || strings.ContainsAny(path, "%?#") {
			return
		}
		back, err := u.Reverse(name, params...)
		if err != nil {
			t.Fatalf("Resolve(%q) = %q %v, which does not reverse: %v", path, name, params, err)
		}
		if again, _, _ := u.Resolve(back); again != name && !strings.Contains(back, "%") {
			t.Fatalf("%q → %q → %q", path, back, again)
		}
	})
}
