package filters

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		raw  string
		want []string
	}{
		{"milk eggs", []string{"milk", "eggs"}},
		{" milk,eggs ,, ", []string{"milk", "eggs"}},
		{"a\x00b", []string{"ab"}},
		{"\t\n", nil},
		{"%_\\", []string{"%_\\"}},
	}
	for _, tt := range tests {
		if got, err := searchTerms(tt.raw); err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("searchTerms(%q) = %q %v, want %q", tt.raw, got, err, tt.want)
		}
	}
	if _, err := searchTerms(strings.Repeat("é", MaxSearchLength+1)); err == nil {
		t.Error("too long a search is accepted")
	}
	if _, err := searchTerms(strings.Repeat("a ", MaxSearchTerms+1)); err == nil {
		t.Error("too many terms are accepted")
	}
	if got := escapeLike(`50%_\`); got != `50\%\_\\` {
		t.Errorf("escapeLike = %s", got)
	}
}

func TestOrderingTerms(t *testing.T) {
	allowed := []string{"created", "title"}
	tests := []struct{ raw, want string }{
		{"-created,title", "-created,title"},
		{" title , -created ", "title,-created"},
		{"title;DROP TABLE x,--title,-,body,title", "title"},
		{"title,-title,title", "title"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(orderingTerms(tt.raw, allowed), ","); got != tt.want {
			t.Errorf("orderingTerms(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// FuzzSearchAndOrderingTerms: whatever a client sends, search terms are non-empty and free
// of separators, and ordering terms are allowed names, each once.
func FuzzSearchAndOrderingTerms(f *testing.F) {
	for _, s := range []string{"milk, eggs", "-title,created", "%' OR 1=1 --", "title;DROP TABLE", "\x00,\x00"} {
		f.Add(s)
	}
	allowed := []string{"created", "title"}
	f.Fuzz(func(t *testing.T, raw string) {
		terms, err := searchTerms(raw)
		if err == nil {
			for _, term := range terms {
				if term == "" || strings.ContainsAny(term, ",\x00") || strings.IndexFunc(term, unicode.IsSpace) >= 0 {
					t.Fatalf("%q: term %q", raw, term)
				}
			}
		}
		var seen []string
		for _, term := range orderingTerms(raw, allowed) {
			name := strings.TrimPrefix(term, "-")
			if !slices.Contains(allowed, name) || slices.Contains(seen, name) {
				t.Fatalf("%q: ordering term %q", raw, term)
			}
			seen = append(seen, name)
		}
	})
}
